// npm test: everything CI checks, in order, with a one-line verdict per step
// and a closing "N passed, N failed" line.
//
//   1. type-check        tsc --noEmit
//   2. unit tests        vitest (the lab, checkers, runner, TUI)
//   3. solutions         every suite against solutions/ must pass
//   4. stubs             every untouched stub must come out not-started (or fail), never pass
//   5. mutants           every mutant in runner/mutants/ must be caught
//
// A step that fails does not stop the later ones: one run shows everything.
// `npm test -- --only stubs,mutants` runs some steps (typecheck, unit,
// solutions, stubs, mutants).
//
// None of it touches the learner's work: every step keeps its state (progress,
// traces, backups) in a temporary FAULTLINE_STATE_DIR (course/state.ts), and
// step 4 grades the stubs as committed, copied out of git, not exercises/ — so
// a learner halfway through the course still gets green.

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exercisesInOrder, loadCourse } from "./course/course.ts";
import { materializeStubs } from "./course/reset.ts";
import { formatReport } from "./grade/format.ts";
import { grade, ROOT } from "./grade/grade.ts";
import { colorEnabled, makeStyler } from "./grade/style.ts";

const s = makeStyler(colorEnabled());
const log = (line = "") => process.stdout.write(line + "\n");

interface StepResult {
  name: string;
  ok: boolean;
  passed: number;
  failed: number;
  seconds: number;
  note: string;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: "inherit", env: { ...process.env, ...env } });
    child.on("close", (code) => resolve(code ?? 1));
  });
}

async function step(name: string, body: () => Promise<Omit<StepResult, "name" | "seconds">>): Promise<StepResult> {
  log(s.bold(`\n▶ ${name}`));
  const started = performance.now();
  let r: Omit<StepResult, "name" | "seconds">;
  try {
    r = await body();
  } catch (e) {
    r = { ok: false, passed: 0, failed: 1, note: (e as Error).stack ?? String(e) };
  }
  const seconds = (performance.now() - started) / 1000;
  log(`${r.ok ? s.ok("✓") : s.bad("✗")} ${name}: ${r.note} (${seconds.toFixed(1)} s)`);
  return { name, seconds, ...r };
}

const STEPS = ["typecheck", "unit", "solutions", "stubs", "mutants"] as const;

/** The steps `--only a,b` names (all by default). */
function chosenSteps(argv: readonly string[]): Set<string> {
  const i = argv.indexOf("--only");
  if (i < 0) return new Set(STEPS);
  const names = (argv[i + 1] ?? "").split(",").filter(Boolean);
  const unknown = names.filter((n) => !(STEPS as readonly string[]).includes(n));
  if (unknown.length || names.length === 0) {
    process.stderr.write(`--only takes steps among ${STEPS.join(", ")}, e.g. \`npm test -- --only stubs\`${unknown.length ? ` (not: ${unknown.join(", ")})` : ""}.\n`);
    process.exit(2);
  }
  return new Set(names);
}

const wanted = chosenSteps(process.argv.slice(2));

const nodeBin = process.execPath;
const bin = (pkg: string, file: string) => join(ROOT, "node_modules", pkg, file);

async function main(): Promise<void> {
  const results: StepResult[] = [];
  const ids = exercisesInOrder(loadCourse(ROOT)).map((e) => e.id);
  // Set before anything grades or spawns: this process and every child keep their state here.
  const scratch = mkdtempSync(join(tmpdir(), "faultline-test-"));
  process.env["FAULTLINE_STATE_DIR"] = join(scratch, "state");
  try {
    await steps(ids, scratch, results);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  summarize(results);
}

async function steps(ids: string[], scratch: string, results: StepResult[]): Promise<void> {
  if (wanted.has("typecheck"))
    results.push(
      await step("type-check", async () => {
        const code = await run(nodeBin, [bin("typescript", "bin/tsc"), "--noEmit", "-p", "."]);
        return { ok: code === 0, passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, note: code === 0 ? "no type errors" : "tsc reported errors" };
      }),
    );

  if (wanted.has("unit"))
    results.push(
      await step("unit tests", async () => {
        const out = join(scratch, "unit-results.json");
        rmSync(out, { force: true });
        const code = await run(nodeBin, [bin("vitest", "vitest.mjs"), "run", "--config", "vitest.config.ts", "--reporter=default", "--reporter=json", `--outputFile.json=${out}`]);
        if (!existsSync(out)) return { ok: false, passed: 0, failed: 1, note: `vitest exited ${code} without results` };
        const j = JSON.parse(readFileSync(out, "utf8")) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTotalTests: number };
        const ok = code === 0 && j.numFailedTests === 0 && j.numTotalTests > 0;
        return { ok, passed: j.numPassedTests, failed: j.numFailedTests, note: `${j.numPassedTests} passed, ${j.numFailedTests} failed${j.numPendingTests ? `, ${j.numPendingTests} skipped` : ""}` };
      }),
    );

  if (wanted.has("solutions"))
    results.push(
      await step(`suites against solutions/ (${ids.length} exercises)`, async () => {
        const r = await grade({ ids, target: "solutions" });
        const scenarios = r.exercises.flatMap((e) => e.scenarios);
        const bad = r.exercises.filter((e) => e.status !== "pass");
        if (bad.length) log(formatReport({ ...r, exercises: bad }, s, { allFailures: true }));
        return { ok: r.passed, passed: scenarios.filter((x) => x.status === "pass").length, failed: scenarios.filter((x) => x.status !== "pass").length + r.exercises.filter((e) => e.error).length, note: `${r.exercises.length - bad.length}/${r.exercises.length} exercises pass (${scenarios.length} scenarios)` };
      }),
    );

  if (wanted.has("stubs"))
    results.push(
      await step("untouched stubs are not graded as passing", async () => {
        // The stubs as committed, not exercises/: the learner may have edited those.
        const stubs = join(scratch, "stubs");
        if (materializeStubs(ROOT, stubs) === null) return { ok: true, passed: 0, failed: 0, note: "skipped: not a git checkout, so the committed stubs cannot be told from edited ones (CI runs this step)" };
        const r = await grade({ ids, target: stubs });
        const passing = r.exercises.filter((e) => e.status === "pass");
        const broken = r.exercises.filter((e) => e.status === "error");
        const started = r.exercises.filter((e) => e.status === "fail");
        for (const e of passing) log(s.bad(`  ${e.id}: the untouched stub PASSES its suite — the suite cannot fail`));
        for (const e of broken) log(s.bad(`  ${e.id}: the stub does not load: ${e.error}`));
        for (const e of started) log(s.warn(`  ${e.id}: the stub is graded "fail", not "not-started" (some scenario never reaches a todo())`));
        const ok = passing.length === 0 && broken.length === 0 && started.length === 0;
        return { ok, passed: r.exercises.length - passing.length - broken.length - started.length, failed: passing.length + broken.length + started.length, note: `${r.exercises.filter((e) => e.status === "not-started").length}/${r.exercises.length} stubs report not-started` };
      }),
    );

  if (wanted.has("mutants"))
    results.push(
      await step("mutants", async () => {
        const out = join(scratch, "mutants-output.txt");
        const code = await run(nodeBin, ["--import", "tsx", join(ROOT, "runner", "mutants", "run.ts")], { FAULTLINE_MUTANTS_SUMMARY: out });
        let caught = 0;
        let total = 0;
        if (existsSync(out)) [caught, total] = readFileSync(out, "utf8").trim().split("/").map(Number) as [number, number];
        return { ok: code === 0, passed: caught, failed: total - caught, note: `${caught}/${total} caught` };
      }),
    );
}

function summarize(results: readonly StepResult[]): void {
  log(s.bold("\nSummary"));
  for (const r of results) log(`  ${r.ok ? s.ok("✓") : s.bad("✗")} ${r.name.padEnd(48)} ${r.note}  ${s.dim(`${r.seconds.toFixed(1)} s`)}`);
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  const allOk = results.every((r) => r.ok);
  log("");
  log(`test: ${passed} passed, ${failed} failed`);
  process.exitCode = allOk ? 0 : 1;
}

await main();
