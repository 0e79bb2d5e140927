// The worker side of the grader's watchdog. When the grader started this
// worker it handed it a SharedArrayBuffer (workerData.faultlineProbe); the
// simulator writes where learner code is running into it (runner/sim/guard.ts)
// and the harness adds what only it knows: which exercise and file, which
// scenario, and whether the learner's module is still loading. A heartbeat
// shows the worker's event loop is alive (e.g. while it waits for a module to
// be transformed), so the grader can tell waiting from spinning.

import { workerData } from "node:worker_threads";
import { attachProbe, probe, probeWrite, ProbeSlot, ProbeText } from "../../sim/guard.ts";

/** Int32 slots the harness owns (the simulator uses 0..2). */
export const HEARTBEAT_SLOT = 8;
export const RUNS_SLOT = 9;
/** The phase text slot: "loading" while the learner's module is imported, "running" after. */
export const PHASE_TEXT = ProbeText.Harness0;
/** "<exercise id>\t<learner file, relative to the project>". */
export const SUBJECT_TEXT = ProbeText.Harness1;
export const SCENARIO_TEXT = ProbeText.Harness2;

/** The function the grader's loop marks call (runner/grade/loopMarks.ts); defined below. */
export const LOOP_MARK_GLOBAL = "__faultlineLoop";

let attached = false;

/** Attaches to the grader's probe if there is one (idempotent). */
export function attachGraderProbe(): void {
  if (attached) return;
  attached = true;
  // What the grader's loop marks call at the top of every loop body in
  // learner code: remember which loop ran last, for a hang verdict's line.
  (globalThis as Record<string, unknown>)[LOOP_MARK_GLOBAL] = (mark: number): void => {
    probe.i32[ProbeSlot.Loop] = mark;
  };
  const buffer = (workerData as { faultlineProbe?: unknown } | null)?.faultlineProbe;
  if (!(buffer instanceof SharedArrayBuffer)) return;
  attachProbe(buffer);
  muteOutput();
  // Captured now: the determinism guard swaps the global while a run is in progress.
  const beat = setInterval(() => {
    probe.i32[HEARTBEAT_SLOT]!++;
  }, 100);
  beat.unref();
}

export function probePhase(phase: "loading" | "running"): void {
  probeWrite(PHASE_TEXT, phase);
}

export function probeSubject(id: string, file: string): void {
  probeWrite(SUBJECT_TEXT, `${id}\t${file}`);
}

export function probeScenario(name: string): void {
  probeWrite(SCENARIO_TEXT, name);
  printed = 0;
}

// ---------------------------------------------------------------------------
// Console output while grading. The grader shows none of it (the trace keeps
// ctx.log), so printing is swallowed here, cheaply, before it can cost vitest
// a message per line. A scenario that prints more than PRINT_LIMIT characters
// is stopped with an error that says so: flooding the console is almost
// always a debugging print left in a hot handler.

export const PRINT_LIMIT = 4 * 1024 * 1024;
let printed = 0;

export class OutputFloodError extends Error {
  constructor() {
    super(`printed more than ${PRINT_LIMIT / (1024 * 1024)} MB to the console in one scenario. Output is not shown while grading: remove the print, or use ctx.log(text), which appears in the trace (\`faultline replay\` shows it).`);
    this.name = "OutputFloodError";
  }
}

function count(args: readonly unknown[]): void {
  for (const a of args) printed += typeof a === "string" ? a.length : 16;
  if (printed > PRINT_LIMIT) {
    printed = 0; // one error per flood; the scenario stops here anyway
    throw new OutputFloodError();
  }
}

function muteOutput(): void {
  const sink = (...args: unknown[]): void => count(args);
  const c = console as unknown as Record<string, unknown>;
  for (const k of ["log", "info", "warn", "error", "debug", "trace", "dir", "table", "dirxml", "group", "groupCollapsed"]) c[k] = sink;
  const write = (chunk: unknown, ...rest: unknown[]): boolean => {
    count([typeof chunk === "string" ? chunk : { length: 16 }]);
    const cb = rest.find((r) => typeof r === "function") as (() => void) | undefined;
    cb?.();
    return true;
  };
  process.stdout.write = write as typeof process.stdout.write;
  process.stderr.write = write as typeof process.stderr.write;
}

/** One more run started: progress, as far as the watchdog is concerned. */
export function probeRun(): void {
  probe.i32[RUNS_SLOT]!++;
}
