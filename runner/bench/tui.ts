// Benchmarks of the terminal runner (DESIGN §9), measured by `npm run bench`,
// never asserted in tests:
//   tui-first-frame-ms  `faultline` in a pseudo-terminal → the course map on screen (target ≤ 500)
//   watch-regrade-ms    save of an exercise file → verdict from the warm grader (target ≤ 1500)
//   watch-raft-fail-ms  save of a Raft worksheet with an election bug → the failing verdict (target ≤ 3000)
// Both work on a throwaway copy of the project (sandbox), never on the
// learner's own files.

import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { exerciseFolder, findExercise, loadCourse } from "../course/course.ts";
import { materializeStubs } from "../course/reset.ts";
import { WatchSession, type WatchState } from "../course/watch.ts";
import { applyEdits, type MutantSet } from "../mutants/mutant.ts";

export const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");

const COPIED = ["package.json", "course.json", "tsconfig.json", "vitest.config.ts", "bin", "dist", "runner", "exercises", "solutions", "lessons"];

/**
 * A copy of the project in .faultline/sandbox-<name>/ (node_modules linked,
 * timestamps kept so the start-up bundle stays fresh), with no progress. Its
 * exercises/ holds the stubs as committed, never the learner's edits (outside
 * a git checkout, exercises/ as it is). Returns its root; remove it with
 * removeSandbox().
 */
export function makeSandbox(name: string, from = PROJECT_ROOT): string {
  const dir = join(from, ".faultline", `sandbox-${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const stubs = materializeStubs(from, join(dir, "exercises")) !== null;
  for (const f of COPIED) {
    if (!existsSync(join(from, f)) || (f === "exercises" && stubs)) continue;
    cpSync(join(from, f), join(dir, f), { recursive: true, preserveTimestamps: true, filter: (src) => !src.includes(`${"/"}.faultline`) });
  }
  symlinkSync(join(from, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

export function removeSandbox(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(\u0007|\u001b\\)|\u001b[()][0-9A-Za-z]|\u001b[=>]/g;

export function stripAnsi(s: string): string {
  return s.replace(ANSI, "");
}

/**
 * ms from starting `faultline` in a pseudo-terminal (util-linux `script`) at
 * 80×24 until the course map's key footer is on screen; median of `runs`.
 * Null when `script` is not available.
 */
export async function benchTuiFirstFrame(runs = 5, root = PROJECT_ROOT): Promise<number | null> {
  if (!existsSync("/usr/bin/script") && !existsSync("/bin/script")) return null;
  const sandbox = makeSandbox("bench-tui", root);
  try {
    // Measure what a learner gets after `npm install`: the start-up bundle, freshly built.
    execFileSync(process.execPath, [join(sandbox, "bin", "build.js")], { cwd: sandbox, stdio: "ignore" });
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(await firstFrame(sandbox));
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)]!;
  } finally {
    removeSandbox(sandbox);
  }
}

function firstFrame(root: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, TERM: "xterm-256color" };
    delete env["CI"];
    delete env["CONTINUOUS_INTEGRATION"];
    delete env["NO_COLOR"];
    const started = performance.now();
    const child = spawn("script", ["-qfec", `stty cols 80 rows 24; exec ${JSON.stringify(process.execPath)} bin/faultline.js`, "/dev/null"], { cwd: root, env, stdio: ["pipe", "pipe", "pipe"] });
    let seen = "";
    let done = false;
    const timer = setTimeout(() => finish(new Error(`no first frame within 20 s; saw: ${stripAnsi(seen).slice(-300)}`)), 20_000);
    const finish = (e: Error | null, ms?: number) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.stdin.write("q");
      setTimeout(() => child.kill("SIGKILL"), 2000).unref();
      child.once("close", () => (e ? reject(e) : resolve(ms!)));
    };
    child.stdout.on("data", (b: Buffer) => {
      seen += b.toString("utf8");
      // The footer is drawn last in the frame: when it is there, the whole map is.
      if (/continue/.test(stripAnsi(seen)) && /quit/.test(stripAnsi(seen))) finish(null, performance.now() - started);
    });
  });
}

/**
 * ms from a save of an exercise file until the warm grader's verdict (watch
 * mode, as the learner sees it); median of `runs` saves that alternate
 * between `versions`, each expected to get its status. A failing save counts
 * at its first verdict: watch mode shows a failure as soon as one scenario
 * fails, while the others are still graded.
 */
async function watchVerdictMs(id: string, file: string, versions: (root: string) => { text: string; status: string }[], runs: number, root: string): Promise<number> {
  const sandbox = makeSandbox(`bench-watch-${id}`, root);
  const exercise = findExercise(loadCourse(sandbox), id)!;
  const path = join(sandbox, "exercises", exerciseFolder(exercise), file);
  const saves = versions(sandbox);
  const session = new WatchSession({ root: sandbox, exercise, recordProgress: false });
  /** Resolves on the first verdict after `since` (a state with a new gradedAt: a full report, an early failure, or a problem) that `done` accepts. */
  const verdict = (since: Date | null, done: (st: WatchState) => boolean) =>
    new Promise<WatchState>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error("no verdict within 120 s")), 120_000);
      const check = (st: WatchState) => {
        if (st.gradedAt === since || (st.phase !== "idle" && !st.partial) || !done(st)) return;
        clearTimeout(t);
        session.off("state", check);
        resolve(st);
      };
      session.on("state", check);
      check(session.state);
    });
  const quiet = (st: WatchState) => st.phase === "idle";
  try {
    session.start();
    await verdict(null, quiet); // the first (cold) grading is not a regrade
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const { text, status } = saves[i % saves.length]!;
      const since = session.state.gradedAt;
      const started = performance.now();
      writeFileSync(path, text);
      const st = await verdict(since, () => true);
      times.push(performance.now() - started);
      const got = st.report?.exercises[0]?.status;
      if (got !== status) throw new Error(`${id}: expected ${status} after the save, got ${got ?? st.problem}`);
      // The next save starts from a quiet grader (a failing run may still be grading its other scenarios).
      if (!quiet(session.state)) await verdict(st.gradedAt, quiet);
      await new Promise((r) => setTimeout(r, 200));
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)]!;
  } finally {
    await session.close();
    removeSandbox(sandbox);
  }
}

/** watch-regrade-ms: echo saved alternately as the reference (pass) and the stub (not started). */
export function benchWatchRegrade(runs = 4, root = PROJECT_ROOT): Promise<number> {
  return watchVerdictMs("echo", "echo.ts", (sandbox) => [
    { text: readFileSync(join(sandbox, "solutions", "echo", "echo.ts"), "utf8"), status: "pass" },
    { text: readFileSync(join(sandbox, "exercises", "echo", "echo.ts"), "utf8"), status: "not-started" },
  ], runs, root);
}

/**
 * watch-raft-fail-ms: the Raft worksheet saved with a classic election bug
 * (a node votes for every candidate of a term: runner/mutants/raft-election.ts
 * vote-twice-per-term) → the failing verdict of raft-election (target ≤ 3000).
 */
export async function benchWatchRaftFail(runs = 3, root = PROJECT_ROOT): Promise<number> {
  const { default: set } = (await import("../mutants/raft-election.ts")) as { default: MutantSet };
  const bug = set.mutants.find((m) => m.name === "vote-twice-per-term")!;
  return watchVerdictMs("raft-election", "raft.ts", (sandbox) => {
    const reference = readFileSync(join(sandbox, "solutions", "raft", "raft.ts"), "utf8");
    const broken = applyEdits(new Map([["raft.ts", reference]]), bug).get("raft.ts")!;
    // Alternate the bug with a harmless change of it, so every save is a change.
    return [{ text: broken, status: "fail" }, { text: `${broken}\n// saved again\n`, status: "fail" }];
  }, runs, root);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`tui-first-frame-ms: ${Math.round((await benchTuiFirstFrame()) ?? NaN)}`);
  console.log(`watch-regrade-ms: ${Math.round(await benchWatchRegrade())}`);
  console.log(`watch-raft-fail-ms: ${Math.round(await benchWatchRaftFail())}`);
}
