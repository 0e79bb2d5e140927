// Benchmarks of the terminal runner (DESIGN §9), measured by `npm run bench`,
// never asserted in tests:
//   tui-first-frame-ms  `faultline` in a pseudo-terminal → the course map on screen (target ≤ 500)
//   watch-regrade-ms    save of an exercise file → verdict from the warm grader (target ≤ 1500)
// Both work on a throwaway copy of the project (sandbox), never on the
// learner's own files.

import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { findExercise, loadCourse } from "../course/course.ts";
import { materializeStubs } from "../course/reset.ts";
import { WatchSession, type WatchState } from "../course/watch.ts";

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
 * ms from writing an exercise file to the verdict, with one warm grader (as
 * watch mode runs it): median over `runs` saves alternating the stub and the
 * reference solution of `echo`, in a sandbox.
 */
export async function benchWatchRegrade(runs = 4, root = PROJECT_ROOT): Promise<number> {
  const sandbox = makeSandbox("bench-watch", root);
  const course = loadCourse(sandbox);
  const exercise = findExercise(course, "echo")!;
  const file = join(sandbox, "exercises", "echo", "echo.ts");
  const stub = readFileSync(file, "utf8");
  const solution = readFileSync(join(sandbox, "solutions", "echo", "echo.ts"), "utf8");
  const session = new WatchSession({ root: sandbox, exercise, recordProgress: false });
  const verdicts: WatchState[] = [];
  let waiter: (() => void) | null = null;
  session.on("state", (st) => {
    if (st.phase !== "idle") return;
    verdicts.push(st);
    waiter?.();
  });
  const nextVerdict = (count: number) =>
    new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error("no verdict within 60 s")), 60_000);
      waiter = () => {
        if (verdicts.length >= count) {
          clearTimeout(t);
          waiter = null;
          resolve();
        }
      };
      waiter();
    });
  try {
    session.start();
    await nextVerdict(1); // the first (cold) grading is not a regrade
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const expected = i % 2 === 0 ? "pass" : "not-started";
      const started = performance.now();
      writeFileSync(file, i % 2 === 0 ? solution : stub);
      await nextVerdict(verdicts.length + 1);
      const status = verdicts.at(-1)!.report?.exercises[0]?.status;
      if (status !== expected) throw new Error(`expected ${expected} after the save, got ${status ?? verdicts.at(-1)!.problem}`);
      times.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, 200));
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)]!;
  } finally {
    await session.close();
    removeSandbox(sandbox);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`tui-first-frame-ms: ${Math.round((await benchTuiFirstFrame()) ?? NaN)}`);
  console.log(`watch-regrade-ms: ${Math.round(await benchWatchRegrade())}`);
}
