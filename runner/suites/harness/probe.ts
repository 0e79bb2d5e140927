// The worker side of the grader's watchdog. When the grader started this
// worker it handed it a SharedArrayBuffer (workerData.faultlineProbe); the
// simulator writes where learner code is running into it (runner/sim/guard.ts)
// and the harness adds what only it knows: which exercise and file, which
// scenario, and whether the learner's module is still loading. A heartbeat
// shows the worker's event loop is alive (e.g. while it waits for a module to
// be transformed), so the grader can tell waiting from spinning.

import { workerData } from "node:worker_threads";
import { CONSOLE_METHODS, resetPrinted } from "../../learner/console.ts";
import { attachProbe, probe, probeWrite, ProbeSlot, ProbeText } from "../../sim/guard.ts";

/** Int32 slots the harness owns (the simulator uses 0..2). */
export const HEARTBEAT_SLOT = 8;
export const RUNS_SLOT = 9;
/** The phase text slot: "loading" while the learner's module is imported, "running" after. */
export const PHASE_TEXT = ProbeText.Harness0;
/** "<exercise id>\t<learner file, relative to the project>". */
export const SUBJECT_TEXT = ProbeText.Harness1;
export const SCENARIO_TEXT = ProbeText.Harness2;

let attached = false;

/** Attaches to the grader's probe if there is one (idempotent). */
export function attachGraderProbe(): void {
  if (attached) return;
  attached = true;
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
  resetPrinted();
}

// The worker's own console: learner code has a console of its own in its
// compartment (runner/learner/console.ts); this one is muted too, so nothing
// printed while grading costs vitest a message per line.

function muteOutput(): void {
  const sink = (): void => {};
  const c = console as unknown as Record<string, unknown>;
  for (const k of CONSOLE_METHODS) c[k] = sink;
  const write = (...rest: unknown[]): boolean => {
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
