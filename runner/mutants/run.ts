// npm run mutants [id…]: apply each mutant to a copy of solutions/<folder>/
// (the exercise's folder: its id, or the worksheet it is a stage of, e.g.
// raft), grade the copy, and require the suite to catch it. A copy lives in
// .faultline/mutants/<id>--<name>/<folder>/ (inside the project, so the
// learner API import `faultline/sim` resolves) and is kept, so that the
// replay command printed for its failure works afterwards.

import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { exercisesInOrder, loadCourse, type Course } from "../course/course.ts";
import { Grader, ROOT } from "../grade/grade.ts";
import { JobProgress } from "../jobProgress.ts";
import { colorEnabled, makeStyler } from "../grade/style.ts";
import { exerciseFolder } from "../suites/harness/target.ts";
import { applyEdits, type MutantSet } from "./mutant.ts";

const s = makeStyler(colorEnabled());

/**
 * The course's tracks, by lesson number (the two digits a lesson id starts
 * with). A lesson not listed here counts as "other", so a new lesson shows up
 * in the scores before anyone files it under a track.
 */
const TRACKS: Readonly<Record<string, string>> = {
  "00": "foundations",
  "01": "foundations",
  "02": "foundations",
  "04": "foundations",
  "05": "foundations",
  "03": "failure detectors",
  "06": "atomic commitment",
  "07": "atomic commitment",
  "08": "Raft",
  "09": "Raft",
  "11": "CRDTs",
  "10": "services",
  "12": "services",
  "13": "services",
};

/** Exercise id → its track, from the lesson course.json files it under. */
export function tracksOf(course: Course): Map<string, string> {
  return new Map(course.exercises.map((e) => [e.id, TRACKS[e.lesson.slice(0, 2)] ?? "other"]));
}

export interface MutantOutcome {
  exercise: string;
  name: string;
  bug: string;
  verdict: "caught" | "MISSED" | "BROKEN";
  /** The scenario that caught it, or why it is broken. */
  detail: string;
  replay: string | null;
}

export async function loadMutants(root: string, id: string): Promise<MutantSet> {
  const file = join(root, "runner", "mutants", `${id}.ts`);
  if (!existsSync(file)) throw new Error(`${id} has no mutants (runner/mutants/${id}.ts): every exercise needs at least two.`);
  const mod = (await import(pathToFileURL(file).href)) as { default: MutantSet };
  if (mod.default?.exercise !== id) throw new Error(`runner/mutants/${id}.ts must export default defineMutants("${id}", [...]).`);
  return mod.default;
}

/** Writes the mutated copy; returns its target directory (the parent of <folder>/). */
export function materialize(root: string, id: string, m: MutantSet["mutants"][number]): string {
  const folder = exerciseFolder(root, id);
  const src = join(root, "solutions", folder);
  const targetDir = join(root, ".faultline", "mutants", `${id}--${m.name}`);
  rmSync(targetDir, { recursive: true, force: true });
  mkdirSync(targetDir, { recursive: true });
  cpSync(src, join(targetDir, folder), { recursive: true });
  const files = new Map<string, string>();
  for (const e of m.edits) if (!files.has(e.file)) files.set(e.file, readFileSync(join(src, e.file), "utf8"));
  for (const [f, text] of applyEdits(files, m)) writeFileSync(join(targetDir, folder, f), text);
  return targetDir;
}

/** How many mutants are graded at once: each grades one suite, so one grader per core keeps both busy. */
const LANES = 2;

export async function runMutants(root: string, ids: readonly string[], log: (line: string) => void, progress?: JobProgress): Promise<MutantOutcome[]> {
  const sets = await Promise.all(ids.map(async (id) => [id, await loadMutants(root, id)] as const));
  for (const [id, set] of sets) if (set.mutants.length < 2) log(s.warn(`${id}: only ${set.mutants.length} mutant(s); every exercise needs at least two`));
  const queue = sets.flatMap(([id, set]) => set.mutants.map((m) => ({ id, m })));
  progress?.setTotal(queue.length);
  const outcomes: MutantOutcome[] = new Array(queue.length);
  let next = 0;
  // Each lane takes the next mutant from the queue; outcomes keep the queue's order.
  const lane = async (): Promise<void> => {
    // One failing scenario catches a mutant: the rest of its suite need not run.
    const grader = await Grader.open(root, { bail: 1, workers: 1 });
    try {
      while (next < queue.length) {
        const i = next++;
        const { id, m } = queue[i]!;
        progress?.start(`${id}/${m.name}`);
        const outcome = await gradeMutant(grader, root, id, m);
        outcomes[i] = outcome;
        progress?.step();
        const mark = outcome.verdict === "caught" ? s.ok("caught") : s.bad(outcome.verdict);
        log(`${mark.padEnd(6)}  ${`${id}/${m.name}`.padEnd(40)} ${s.dim(outcome.verdict === "caught" ? `by "${outcome.detail}"` : outcome.detail)}`);
      }
    } finally {
      await grader.close();
    }
  };
  await Promise.all(Array.from({ length: Math.min(LANES, queue.length) }, lane));
  return outcomes;
}

async function gradeMutant(grader: Grader, root: string, id: string, m: MutantSet["mutants"][number]): Promise<MutantOutcome> {
  try {
    const dir = materialize(root, id, m);
    // A caught mutant fails by design: no need to look for type errors in it.
    const report = await grader.run({ ids: [id], target: relative(process.cwd(), dir) || dir, typecheck: false });
    const ex = report.exercises[0]!;
    const caughtBy = ex.scenarios.find((x) => x.status === "fail");
    if (ex.status === "fail" && caughtBy) return { exercise: id, name: m.name, bug: m.bug, verdict: "caught", detail: caughtBy.name, replay: caughtBy.failure?.replay ?? null };
    if (ex.status === "pass") return { exercise: id, name: m.name, bug: m.bug, verdict: "MISSED", detail: "every scenario passed", replay: null };
    return { exercise: id, name: m.name, bug: m.bug, verdict: "BROKEN", detail: ex.error ?? `status ${ex.status}: the mutant does not run, so it proves nothing`, replay: null };
  } catch (e) {
    return { exercise: id, name: m.name, bug: m.bug, verdict: "BROKEN", detail: (e as Error).message, replay: null };
  }
}

/**
 * Three tables: every mutant with its verdict and the scenario that caught it;
 * per exercise the mutants, how many were caught and the score, with a total;
 * and the same per track (`tracks`: exercise id → track).
 */
export function mutationTable(outcomes: readonly MutantOutcome[], tracks: ReadonlyMap<string, string> = new Map()): string {
  const w = Math.max(20, ...outcomes.map((o) => o.exercise.length + 1));
  const n = Math.max(24, ...outcomes.map((o) => o.name.length + 1));
  const lines = [`${"exercise".padEnd(w)} ${"mutant".padEnd(n)} ${"verdict".padEnd(7)}  caught by (scenario)`];
  for (const o of outcomes) lines.push(`${o.exercise.padEnd(w)} ${o.name.padEnd(n)} ${o.verdict.padEnd(7)}  ${o.verdict === "caught" ? o.detail : `(${o.detail})`}`);
  const byEx = new Map<string, MutantOutcome[]>();
  for (const o of outcomes) byEx.set(o.exercise, [...(byEx.get(o.exercise) ?? []), o]);
  const pct = (c: number, t: number) => (t === 0 ? "-" : `${Math.floor((100 * c) / t)}%`);
  const row = (id: string, total: number, caught: number) => `${id.padEnd(w)} ${String(total).padStart(7)} ${String(caught).padStart(7)} ${pct(caught, total).padStart(6)}`;
  lines.push("", `${"exercise".padEnd(w)} ${"mutants".padStart(7)} ${"caught".padStart(7)} ${"score".padStart(6)}`);
  for (const [id, os] of byEx) lines.push(row(id, os.length, os.filter((o) => o.verdict === "caught").length));
  lines.push(row("total", outcomes.length, outcomes.filter((o) => o.verdict === "caught").length));
  const byTrack = new Map<string, MutantOutcome[]>();
  for (const o of outcomes) {
    const t = tracks.get(o.exercise) ?? "other";
    byTrack.set(t, [...(byTrack.get(t) ?? []), o]);
  }
  lines.push("", `${"track".padEnd(w)} ${"mutants".padStart(7)} ${"caught".padStart(7)} ${"score".padStart(6)}`);
  for (const [t, os] of byTrack) lines.push(row(t, os.length, os.filter((o) => o.verdict === "caught").length));
  return lines.join("\n");
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const course = loadCourse(ROOT);
  const all = exercisesInOrder(course).map((e) => e.id);
  const ids = args.length ? args : all;
  for (const id of ids) if (!all.includes(id)) {
    process.stderr.write(`There is no exercise "${id}". Exercises: ${all.join(", ")}.\n`);
    process.exit(2);
  }
  // Every exercise must have its mutants file, even when only some are run.
  for (const id of all) if (!existsSync(join(ROOT, "runner", "mutants", `${id}.ts`))) process.stderr.write(s.warn(`${id} has no runner/mutants/${id}.ts\n`));
  // On a terminal, a live line (mutants done, the one in hand, time); piped, the lines printed say it all.
  const progress = new JobProgress("mutants", null, { plain: "none" });
  const outcomes = await runMutants(ROOT, ids, (l) => progress.around(() => process.stdout.write(l + "\n")), progress).finally(() => progress.finish());
  const caught = outcomes.filter((o) => o.verdict === "caught").length;
  process.stdout.write("\n" + mutationTable(outcomes, tracksOf(course)) + "\n\n");
  const tooFew = ids.filter((id) => outcomes.filter((o) => o.exercise === id).length < 2);
  if (tooFew.length) process.stdout.write(s.bad(`fewer than two mutants: ${tooFew.join(", ")}\n`));
  process.stdout.write(`mutants: ${caught}/${outcomes.length} caught\n`);
  // npm test reads the count from here rather than parsing our output.
  const summary = process.env["FAULTLINE_MUTANTS_SUMMARY"];
  if (summary) writeFileSync(summary, `${caught}/${outcomes.length}\n`);
  process.exitCode = caught === outcomes.length && tooFew.length === 0 && outcomes.length > 0 ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
