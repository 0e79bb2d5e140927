// The scenario harness. A suite opens with
//
//   const ex = await exercise<typeof import("../../exercises/echo/echo.ts")>("echo", "echo.ts");
//
// and then states its scenarios:
//
//   ex.scripted("name that states the property", { runs: 5 }, (lab) => { … });
//   ex.generative("name", { runs: 100, schedule: scheduleArb({...}) }, (lab, schedule) => { … });
//
// Each scenario runs in virtual time, across seeds; a failure is shrunk (for
// generative scenarios), re-run once to capture its trace, and reported to the
// grader through the test's meta: seed, schedules, the property in plain
// words, a space-time diagram and the command that replays it.

import { existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { inject, test } from "vitest";
import type { TaskMeta } from "vitest";
import { Violation } from "../../check/violation.ts";
import { guarded } from "../../sim/guard.ts";
import {
  Cluster,
  Hasher,
  HandlerError,
  SimError,
  Simulation,
  TodoError,
  formatSchedule,
  renderDiagram,
  sourceLocation,
  type ClusterOptions,
  type Schedule,
  type SimOptions,
  type TraceJson,
} from "../../sim/index.ts";
import { recordNodeStates, type NodeInspector, type StateRecorder, type TraceWithStates } from "../../sim/snapshots.ts";
import type { FailureMeta, GradeContext, ScenarioMeta } from "./context.ts";
import { attachGraderProbe, probePhase, probeRun, probeScenario, probeSubject } from "./probe.ts";
import { hardenWorker } from "./sandbox.ts";
import { exerciseFolder, resolveTarget } from "./target.ts";

const ROOT = join(import.meta.dirname, "..", "..", "..");

/** The grader's settings, or defaults when a suite is run directly with vitest. */
export function gradeContext(): GradeContext {
  let provided: GradeContext | undefined;
  try {
    provided = inject("faultline");
  } catch {
    provided = undefined;
  }
  if (provided) return provided;
  const targetArg = process.env["FAULTLINE_TARGET"] ?? "exercises";
  return {
    root: ROOT,
    target: resolveTarget(ROOT, targetArg),
    targetArg,
    seed: Number(process.env["FAULTLINE_SEED"] ?? 1),
    runs: Number(process.env["FAULTLINE_RUNS"] ?? 0),
    replay: null,
    traceEvents: 2000,
  };
}


/** The world a scenario body works in: its seed, and simulations registered for tracing. */
export interface Lab {
  readonly seed: number;
  /** n nodes of the implementation under test, seeded with this run's seed. */
  cluster(opts: Omit<ClusterOptions, "seed">): Cluster;
  /**
   * A simulation with an explicit node table (for exercises with mixed roles).
   * `inspect`: how the trace viewer shows a node whose state lives in closures
   * (see NodeInspector; replays only).
   */
  simulation(opts: Omit<SimOptions, "seed"> & { inspect?: NodeInspector }): Simulation;
  /**
   * Figures worth reporting about this run (e.g. a failure detector's QoS);
   * the grader's JSON carries the last run's figures as the scenario's `metrics`.
   */
  metrics(figures: Metrics): void;
}

export type Metrics = Record<string, number | string | boolean | null>;

class RunLab implements Lab {
  readonly sims: Simulation[] = [];
  figures: Metrics | undefined;
  /** Node-state recorders, only in replays (for the trace viewer; see sim/snapshots.ts). */
  private readonly recorders = new Map<Simulation, StateRecorder>();
  constructor(
    readonly seed: number,
    private readonly recordStates = false,
  ) {}
  /** The simulation's trace for reports, with node states when this run records them. */
  traceOf(sim: Simulation | undefined, lastN: number): TraceWithStates | null {
    if (!sim) return null;
    const t: TraceWithStates = sim.traceJson(lastN);
    const r = this.recorders.get(sim);
    if (r) t.states = r.forTrace(t);
    return t;
  }
  metrics(figures: Metrics): void {
    this.figures = { ...this.figures, ...figures };
  }
  cluster(opts: Omit<ClusterOptions, "seed">): Cluster {
    const c = new Cluster({ ...opts, seed: this.seed });
    this.sims.push(c);
    if (this.recordStates) this.recorders.set(c, recordNodeStates(c));
    return c;
  }
  simulation({ inspect, ...opts }: Omit<SimOptions, "seed"> & { inspect?: NodeInspector }): Simulation {
    const s = new Simulation({ ...opts, seed: this.seed });
    this.sims.push(s);
    if (this.recordStates) this.recorders.set(s, recordNodeStates(s, inspect));
    return s;
  }
  hash(): string {
    if (this.sims.length === 1) return this.sims[0]!.traceHash;
    const h = new Hasher().num(this.seed);
    for (const s of this.sims) h.str(s.traceHash);
    return h.hex();
  }
}

type Outcome = { ok: true; hash: string; lab: RunLab } | { ok: false; hash: string; lab: RunLab; error: unknown };

/** Marks when the violated property broke (for the trace viewer and the HTML page). */
function withViolationTime(trace: TraceWithStates | null, at: number | undefined): TraceWithStates | null {
  if (trace && at !== undefined) trace.violationAt = at;
  return trace;
}

/** Set by each scenario: replays record node states for the trace viewer; graded runs never do. */
let recordingStates = false;

function runOnce<S>(seed: number, schedule: S, body: (lab: Lab, schedule: S) => void): Outcome {
  probeRun();
  const lab = new RunLab(seed, recordingStates);
  try {
    // The whole scenario runs under one installation of the determinism
    // guard: a story that runs the simulator in many small steps would
    // otherwise pay for swapping the globals at every step. (Suites must be
    // deterministic too, so they lose nothing by it.)
    guarded(
      () => ({}),
      () => body(lab, schedule),
    );
    return { ok: true, hash: lab.hash(), lab };
  } catch (error) {
    return { ok: false, hash: lab.hash(), lab, error };
  }
}

/** `{ metrics }` when the run reported figures, else nothing (the field is optional). */
function withMetrics(lab: RunLab | null): { metrics?: Metrics } {
  return lab?.figures ? { metrics: lab.figures } : {};
}

function isTodo(e: unknown): boolean {
  return e instanceof TodoError || (e instanceof HandlerError && e.isTodo);
}

function describeError(e: unknown): { message: string; property: string | null; location: string | null } {
  if (isTodo(e)) {
    const todoErr = (e instanceof HandlerError ? e.cause : e) as Error;
    const loc = sourceLocation(todoErr) ?? null;
    const what = todoErr.message.replace(/^Not written yet: /, "");
    return { message: `${loc ?? "your file"} is still a todo: ${what}`, property: null, location: loc };
  }
  if (e instanceof Violation) return { message: e.message, property: e.property, location: null };
  if (e instanceof HandlerError) return { message: `${e.message}${/[.!?]$/.test(e.message) ? "" : "."}${adviceFor(e.cause)}`, property: null, location: e.cause instanceof Error ? sourceLocation(e.cause) ?? null : null };
  // A refusal raised inside learner code (Date.now, a Map in a message…): its stack names the line.
  if (e instanceof SimError) return { message: e.message, property: null, location: sourceLocation(e) ?? null };
  if (e instanceof Error) {
    const loc = sourceLocation(e) ?? null;
    return { message: `${e.name}: ${e.message}${loc ? ` (${loc})` : ""}`, property: null, location: loc };
  }
  return { message: String(e), property: null, location: null };
}

/** What to do about an error a handler threw, for the errors learners meet most. */
function adviceFor(cause: unknown): string {
  if (!(cause instanceof Error)) return " Throw Error objects, and fix whatever raised this one; the replay command below reruns exactly this run.";
  const m = cause.message;
  if (cause instanceof RangeError && /call stack/i.test(m))
    return " That is recursion that never reaches its base case (or goes far too deep): check the condition that should stop it, or use a loop.";
  if (/process\.exit/.test(m)) return " A node cannot end the process: to stop handling work just return (the scenario decides when nodes crash and restart).";
  if (cause instanceof TypeError && /read[- ]only|not extensible|Cannot (assign|add|delete)/i.test(m))
    return " Messages are frozen once sent, and so is what you receive: build a new object ({ ...msg, field }) instead of changing one in place.";
  if (cause instanceof RangeError && /Invalid (array|string) length|allocation failed/i.test(m))
    return " Something grew without bound: look for a collection or string that keeps growing and is never trimmed.";
  if (cause.name === "OutputFloodError" || cause.name === "SandboxError") return "";
  if ((cause as { code?: string }).code === "ERR_ACCESS_DENIED")
    return " The sandbox blocked it: graded code may not read files outside the project, write files, or start processes.";
  return " Fix the line named here; the replay command below reruns exactly this run.";
}

function shellQuote(s: string): string {
  return /^[\w./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface ScriptedOptions {
  /** Seeds to try (seed, seed+1, …); default 1. */
  runs?: number;
  /**
   * Exactly these seeds, whatever --seed and --runs say: for regression
   * scenarios that pin a run a soak once found.
   */
  seeds?: readonly number[];
}

export interface GenerativeOptions<S> {
  /** fast-check cases; default 50. */
  runs?: number;
  /** The fault schedule arbitrary (plain data, so it shrinks). */
  schedule: fc.Arbitrary<S>;
}

export class Exercise<T> {
  constructor(
    readonly id: string,
    /** The module under test. */
    readonly impl: T,
    readonly ctx: GradeContext,
  ) {}

  private replayCommand(name: string, seed: number, path: string | null): string {
    const target = this.ctx.targetArg === "exercises" ? "" : ` --target ${shellQuote(this.ctx.targetArg)}`;
    return `npx faultline replay ${this.id} --scenario ${shellQuote(name)} --seed ${seed}${path ? ` --path ${path}` : ""}${target}`;
  }

  private failureMeta(name: string, seed: number, out: Outcome & { ok: false }, schedule: Schedule | null, minimized: Schedule | null, path: string | null): FailureMeta {
    const d = describeError(out.error);
    const sim = out.lab.sims[out.lab.sims.length - 1];
    // Centre the excerpt on the violation when its time is known, else show the end of the run.
    const at = out.error instanceof Violation ? out.error.at : undefined;
    let events = sim ? sim.trace.excerpt({ last: 40 }) : [];
    if (sim && at !== undefined) {
      const all = sim.trace.all();
      let i = all.findIndex((e) => e.t > at);
      if (i < 0) i = all.length;
      events = all.slice(Math.max(0, i - 30), i + 10);
    }
    return {
      seed,
      message: d.message,
      property: d.property,
      schedule,
      minimizedSchedule: minimized,
      path,
      replay: this.replayCommand(name, seed, path),
      diagram: sim ? renderDiagram(events, { width: 80, nodes: undefined }) : "(the scenario failed before a simulation started)",
      traceFile: null,
      trace: withViolationTime(out.lab.traceOf(sim, this.ctx.traceEvents), at),
      location: d.location,
      histories: out.error instanceof Violation ? (out.error.histories ?? null) : null,
    };
  }

  private report(meta: ScenarioMeta, task: { meta: TaskMeta }): void {
    task.meta.faultline = meta;
    if (meta.status === "pass") return;
    const f = meta.failure!;
    const lines = [
      meta.status === "not-started" ? `not started: ${f.message}` : f.message,
      "",
      `seed ${f.seed}`,
      ...(f.minimizedSchedule ? ["fault schedule (shrunk):", formatSchedule(f.minimizedSchedule), ""] : []),
      f.diagram,
      "",
      `replay: ${f.replay}`,
    ];
    const err = new Error(lines.join("\n"));
    err.stack = err.message; // the harness's own stack is noise to a learner
    throw err;
  }

  private runsFor(defaultRuns: number): number {
    return this.ctx.runs > 0 ? this.ctx.runs : defaultRuns;
  }

  /** A short story run on seeds seed..seed+runs-1; stops at the first failing seed. */
  scripted(name: string, opts: ScriptedOptions, body: (lab: Lab) => void): void {
    if (this.ctx.onlyGenerative) return;
    test(name, ({ task }) => {
      probeScenario(name);
      const replay = this.ctx.replay?.scenario === name ? this.ctx.replay : null;
      recordingStates = replay !== null;
      const pinned = !replay && opts.seeds?.length ? opts.seeds : null;
      const base = replay ? replay.seed : (pinned?.[0] ?? this.ctx.seed);
      const runs = replay ? 1 : pinned ? pinned.length : this.runsFor(opts.runs ?? 1);
      const hashes = new Hasher();
      let lastHash = "";
      let lastTrace: TraceJson | null = null;
      let lastLab: RunLab | null = null;
      for (let i = 0; i < runs; i++) {
        const seed = pinned ? pinned[i]! : base + i;
        const out = runOnce(seed, null, (lab) => body(lab));
        if (!out.ok) {
          const failure = this.failureMeta(name, seed, out, null, null, null);
          return this.report({ name, kind: "scripted", status: isTodo(out.error) ? "not-started" : "fail", runs: i + 1, seed, traceHash: out.hash, failure, ...withMetrics(out.lab) }, task);
        }
        hashes.str(out.hash);
        lastHash = out.hash;
        lastLab = out.lab;
        if (replay) lastTrace = out.lab.traceOf(out.lab.sims.at(-1), this.ctx.traceEvents);
      }
      this.report({ name, kind: "scripted", status: "pass", runs, seed: base, traceHash: runs === 1 ? lastHash : hashes.hex(), failure: null, trace: lastTrace, ...withMetrics(lastLab) }, task);
    });
  }

  /**
   * Many runs with random fault schedules against the properties the body
   * checks. fast-check draws a simulator seed (never shrunk) and a schedule
   * (shrunk to a minimal one on failure).
   */
  generative<S extends Schedule>(name: string, opts: GenerativeOptions<S>, body: (lab: Lab, schedule: S) => void): void {
    test(name, ({ task }) => {
      probeScenario(name);
      const replay = this.ctx.replay?.scenario === name ? this.ctx.replay : null;
      recordingStates = replay !== null;
      const seed = replay ? replay.seed : this.ctx.seed;
      const runs = this.runsFor(opts.runs ?? 50);
      // An untouched stub fails on every run: one probe with no faults says so
      // without spending a shrink on it.
      const probe = runOnce(seed, [] as unknown as S, body);
      if (!probe.ok && isTodo(probe.error)) {
        const failure = this.failureMeta(name, seed, probe, [], [], null);
        return this.report({ name, kind: "generative", status: "not-started", runs: 1, seed, traceHash: probe.hash, failure }, task);
      }
      const hashes = new Hasher();
      let firstFailing: S | null = null;
      let nondeterminism: { simSeed: number; schedule: S; detail: string } | null = null;
      let count = 0;
      let lastTrace: TraceJson | null = null;
      let lastLab: RunLab | null = null;
      const property = fc.property(fc.noShrink(fc.integer({ min: 0, max: 0x7fffffff })), opts.schedule, (simSeed, schedule) => {
        const out = runOnce(simSeed, schedule, body);
        count++;
        if (this.ctx.twice) {
          const again = runOnce(simSeed, schedule, body);
          if (again.hash !== out.hash) {
            nondeterminism ??= { simSeed, schedule, detail: firstDifference(out.lab, again.lab) };
            throw new Error("nondeterministic");
          }
        }
        if (out.ok) {
          if (firstFailing === null) hashes.str(out.hash);
          lastLab = out.lab;
          if (replay) lastTrace = out.lab.traceOf(out.lab.sims.at(-1), this.ctx.traceEvents);
          return;
        }
        if (firstFailing === null) firstFailing = schedule;
        throw out.error;
      });
      const details = fc.check(property, {
        seed,
        numRuns: runs,
        ...(replay?.path ? { path: replay.path } : {}),
      });
      if (nondeterminism) {
        // The same seed and schedule gave two different runs: report that, not a shrunk counterexample.
        const n = nondeterminism as { simSeed: number; schedule: S; detail: string };
        const err = new Error(`Not deterministic: scenario "${name}" with simulator seed ${n.simSeed} gave two different traces. ${n.detail}`);
        err.stack = err.message;
        throw err;
      }
      if (!details.failed || !details.counterexample) {
        return this.report({ name, kind: "generative", status: "pass", runs: details.numRuns, seed, traceHash: hashes.hex(), failure: null, trace: lastTrace, ...withMetrics(lastLab) }, task);
      }
      const [simSeed, minimized] = details.counterexample;
      const out = runOnce(simSeed, minimized, body);
      if (out.ok) {
        // Only possible if the body is not deterministic: say so rather than guess.
        throw new Error(`Scenario "${name}" failed on seed ${seed} but passed when re-run with the shrunk schedule: the scenario or the code under test is not deterministic.`);
      }
      const path = details.counterexamplePath ?? null;
      const failure = this.failureMeta(name, seed, out, firstFailing, minimized, path);
      this.report({ name, kind: "generative", status: isTodo(out.error) ? "not-started" : "fail", runs: count, seed, traceHash: out.hash, failure, ...withMetrics(out.lab) }, task);
    });
  }
}

/** Where two runs that should be identical first differ, in words. */
function firstDifference(a: RunLab, b: RunLab): string {
  for (let s = 0; s < Math.max(a.sims.length, b.sims.length); s++) {
    const ea = a.sims[s]?.trace.all() ?? [];
    const eb = b.sims[s]?.trace.all() ?? [];
    for (let i = 0; i < Math.max(ea.length, eb.length); i++) {
      const x = JSON.stringify(ea[i] ?? null);
      const y = JSON.stringify(eb[i] ?? null);
      if (x !== y) return `First difference at event ${i}: ${x} vs ${y}.`;
    }
  }
  return "The traces hold the same events but their hashes differ (events beyond the in-memory limit differ).";
}

/**
 * Loads the implementation under test: `<target>/<id>/<file>`. A missing file
 * or a module that fails to load fails the whole suite with a clear message
 * (the grader reports it as status "error").
 */
export async function exercise<T>(id: string, file: string): Promise<Exercise<T>> {
  const ctx = gradeContext();
  const full = join(ctx.target, exerciseFolder(ctx.root, id), file);
  if (!existsSync(full)) {
    const rel = relative(ctx.root, full) || full;
    throw new Error(`Could not find ${rel}. The grader looks for ${file} in ${id}/ under the target directory. Run "npx faultline reset ${id}" to restore the stub.`);
  }
  // The watchdog reads these if the module never finishes loading (a loop at top level).
  attachGraderProbe();
  probeSubject(id, relative(ctx.root, full) || full);
  probeScenario("");
  probePhase("loading");
  if (ctx.hardened) hardenWorker(dirname(full));
  const impl = (await import(pathToFileURL(full).href)) as T;
  probePhase("running");
  return new Exercise<T>(id, impl, ctx);
}
