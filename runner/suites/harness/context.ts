// What the grader tells a suite when it runs it (through vitest's provide /
// inject), and what a suite tells the grader back about each scenario
// (through the test's meta). Both sides import these types from here.

import type { HistoryPicture } from "../../check/historyPicture.ts";
import type { Schedule, TraceJson } from "../../sim/index.ts";

export interface GradeContext {
  /** Absolute path of the project root. */
  root: string;
  /** Absolute path of the implementation directory (exercises/, solutions/, or any DIR). */
  target: string;
  /** How the user named the target on the command line, for replay commands. */
  targetArg: string;
  /** Base seed (default 1). */
  seed: number;
  /** Runs per scenario; 0 keeps each scenario's own default. */
  runs: number;
  /** Rerun exactly one failing run. */
  replay: ReplayRequest | null;
  /** Trace events to keep in a failure's trace file. */
  traceEvents: number;
  /** Soak mode: run only generative scenarios (scripted ones are skipped). */
  onlyGenerative?: boolean;
  /** Determinism audit: run every case twice and require identical trace hashes. */
  twice?: boolean;
  /** Sandboxed grading: harden the worker before loading learner code (runner/suites/harness/sandbox.ts). */
  hardened?: boolean;
}

export interface ReplayRequest {
  scenario: string;
  seed: number;
  /** fast-check's counterexample path, for generative scenarios. */
  path: string | null;
}

export type ScenarioStatus = "pass" | "fail" | "not-started" | "error";

export interface FailureMeta {
  seed: number;
  /** The violated property in plain words, then what happened. */
  message: string;
  /** The property alone (when the failure is a violation). */
  property: string | null;
  /** The fault schedule of the first failing run, and the one it shrank to. */
  schedule: Schedule | null;
  minimizedSchedule: Schedule | null;
  /** fast-check's path to the minimal counterexample (generative scenarios). */
  path: string | null;
  /** The exact command that reruns this failure. */
  replay: string;
  /** Space-time diagram of the events leading to the failure. */
  diagram: string;
  /** Set by the grader once it has written the trace to .faultline/traces/. */
  traceFile: string | null;
  /** The trace of the failing run (the last events), for the grader to write out. */
  trace: TraceJson | null;
  /** Where learner code failed, when known ("src/echo.ts:14"). */
  location: string | null;
  /** Pictures of the clients' history, when the violation drew them (linearizability); the grader keeps them in the trace file. */
  histories?: readonly HistoryPicture[] | null;
}

export interface ScenarioMeta {
  name: string;
  kind: "scripted" | "generative";
  status: ScenarioStatus;
  runs: number;
  seed: number;
  traceHash: string;
  failure: FailureMeta | null;
  /** The run's trace, only when replaying (a failure carries its own). */
  trace?: TraceJson | null;
  /** Figures the scenario reported with lab.metrics() for its last run (e.g. failure-detector QoS). */
  metrics?: Record<string, number | string | boolean | null>;
}

declare module "vitest" {
  interface ProvidedContext {
    faultline: GradeContext;
  }
}

// vitest re-exports TaskMeta from its runner package; augment it there.
declare module "@vitest/runner" {
  interface TaskMeta {
    faultline?: ScenarioMeta;
    /**
     * The worksheet stage a scenario belongs to, in a suite that re-runs the
     * scenarios of earlier stages (harness/stages.ts); the grader judges a
     * stage by its own scenarios.
     */
    stage?: string;
  }
}
