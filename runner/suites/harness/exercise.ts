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

import { tameThrown } from "../../sim/thrown.ts";
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import fc from "fast-check";
import { inject, test } from "vitest";
import type { TaskMeta } from "vitest";
import { matchesEvent, Violation } from "../../check/violation.ts";
import { guarded } from "../../sim/guard.ts";
import {
  Cluster,
  Hasher,
  HandlerError,
  RunError,
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
import { DATA_FLOODED, FLOODED } from "../../sim/simulation.ts";
import type { TraceEvent } from "../../sim/trace.ts";
import { recordNodeStates, type NodeInspector, type StateRecorder, type TraceWithStates } from "../../sim/snapshots.ts";
import { LearnerModule } from "../../learner/compartment.ts";
import { bundleLearnerFiles, type LearnerBundle } from "../../learner/bundle.ts";
import { membraneExports, type MembraneOptions } from "../../learner/membrane.ts";
import { hardenRealm } from "../../learner/lockdown.ts";
import type { FailureMeta, GradeContext, ScenarioMeta } from "./context.ts";
import { attachGraderProbe, probePhase, probeRun, probeScenario, probeSubject } from "./probe.ts";
import { exerciseFolder, LOAD_ERROR_MARK, resolveTarget } from "./target.ts";

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
    /** The run's input (a generative scenario's schedule), for the hash of a run with no simulation. */
    private readonly input: unknown = null,
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
    // A run with no simulation (a law, a rule checked on plain calls) is
    // told apart by what it was given and what it reported.
    if (this.sims.length === 0) h.str(JSON.stringify(this.input ?? null) ?? "").str(JSON.stringify(this.figures ?? null) ?? "");
    return h.hex();
  }
  /** An error a simulation raised into learner code, which the learner's code caught and carried on from. */
  swallowed(): SimError | null {
    for (const s of this.sims) if (s.error) return s.error;
    return null;
  }
}

type Outcome = { ok: true; hash: string; lab: RunLab } | { ok: false; hash: string; lab: RunLab; error: unknown };

/**
 * Marks where the violated property broke, for the trace viewer and the HTML
 * page: its time, and the event itself when the checker named it (as an
 * index over the whole run, so it survives a trace cut to its last events).
 */
function withViolation(trace: TraceWithStates | null, at: number | undefined, event: number | null): TraceWithStates | null {
  if (trace && at !== undefined) trace.violationAt = at;
  if (trace && event !== null && event >= trace.total - trace.events.length) trace.violationEvent = event;
  return trace;
}

/** Where in the run's in-memory trace the event a violation names is (the last match), or -1. */
function violatingEvent(events: readonly TraceEvent[], v: Violation | null): number {
  if (!v?.event) return -1;
  for (let i = events.length - 1; i >= 0; i--) if (matchesEvent(events[i]! as TraceEvent & Record<string, unknown>, v.event)) return i;
  return -1;
}

/** Set by each scenario: replays record node states for the trace viewer; graded runs never do. */
let recordingStates = false;

function runOnce<S>(seed: number, schedule: S, body: (lab: Lab, schedule: S) => void): Outcome {
  probeRun();
  const lab = new RunLab(seed, recordingStates, schedule);
  try {
    // The whole scenario runs under one installation of the determinism
    // guard: a story that runs the simulator in many small steps would
    // otherwise pay for swapping the globals at every step. (Suites must be
    // deterministic too, so they lose nothing by it.)
    guarded(
      () => ({}),
      () => body(lab, schedule),
    );
    // A run stopped by an error (a refused message, a bad timer) fails even
    // if learner code caught the error and carried on.
    const swallowed = lab.swallowed();
    if (swallowed) return { ok: false, hash: lab.hash(), lab, error: swallowed };
    return { ok: true, hash: lab.hash(), lab };
  } catch (error) {
    // The error may have come straight from learner code (a getter the suite read): hold it safely.
    return { ok: false, hash: lab.hash(), lab, error: tameThrown(error) };
  }
}

/** `{ metrics }` when the run reported figures, else nothing (the field is optional). */
function withMetrics(lab: RunLab | null): { metrics?: Metrics } {
  return lab?.figures ? { metrics: lab.figures } : {};
}

/** A run the simulator stopped at its event cap or its data cap (Simulation.flooded, tooMuchData). */
function isFlood(e: unknown): boolean {
  return e instanceof RunError && (e.message.includes(FLOODED) || e.message.includes(DATA_FLOODED));
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
  if (cause instanceof TypeError && /read[- ]only|not extensible|Cannot (assign|add|delete|define)|object is not extensible|frozen/i.test(m))
    return " What a node receives (messages, and what the lab hands it) is frozen, and so are the built-ins (Object.prototype, Math…) and the global object: build a new object ({ ...msg, field }) instead of changing one in place, and keep your state in your own variables.";
  if (cause instanceof RangeError && /Invalid (array|string) length|allocation failed/i.test(m))
    return " Something grew without bound: look for a collection or string that keeps growing and is never trimmed.";
  if (cause.name === "OutputFloodError") return "";
  if (cause instanceof ReferenceError && / is not available to graded code: /.test(m)) return "";
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
    // Centre the excerpt on the violating event (or its time) when the checker says, else show the end of the run.
    const violation = out.error instanceof Violation ? out.error : null;
    const at = violation?.at;
    const all = sim ? sim.trace.all() : [];
    const hit = violatingEvent(all, violation);
    let events = sim ? sim.trace.excerpt({ last: 40 }) : [];
    if (sim && (hit >= 0 || at !== undefined)) {
      let i = hit >= 0 ? hit + 1 : all.findIndex((e) => e.t > at!);
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
      // A law or an exhaustive search runs no simulation: its counterexample is in the message.
      diagram: sim ? renderDiagram(events, { width: 80, nodes: undefined }) : violation?.foundBy ? "" : "(the scenario failed before a simulation started)",
      traceFile: null,
      trace: withViolation(out.lab.traceOf(sim, this.ctx.traceEvents), at, sim && hit >= 0 ? sim.trace.total - all.length + hit : null),
      location: d.location,
      evidence: violation?.foundBy ?? null,
      events: sim ? sim.trace.total : 0,
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
          // A failure must replay: run it again and compare before reporting it.
          if (!replay) sameAgain(name, seed, out, runOnce(seed, null, (lab) => body(lab)));
          const failure = this.failureMeta(name, seed, out, null, null, null);
          return this.report({ name, kind: "scripted", status: isTodo(out.error) ? "not-started" : "fail", runs: i + 1, seed, traceHash: out.hash, failure, ...withMetrics(out.lab) }, task);
        }
        hashes.str(out.hash);
        lastHash = out.hash;
        lastLab = out.lab;
        if (replay) lastTrace = out.lab.traceOf(out.lab.sims.at(-1), this.ctx.traceEvents);
        // Where it is cheap (one run in three or fewer), check the first run replays exactly.
        if (i === 0 && runs >= 3 && !replay) sameAgain(name, seed, out, runOnce(seed, null, (lab) => body(lab)));
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
      let first: { simSeed: number; schedule: S; out: Outcome } | null = null;
      // A run stopped at the event cap is not shrunk: every attempt would cost as much again.
      let flooded: { simSeed: number; schedule: S; out: Outcome } | null = null;
      const property = fc.property(fc.noShrink(fc.integer({ min: 0, max: 0x7fffffff })), opts.schedule, (simSeed, schedule) => {
        if (flooded) throw (flooded as { out: { error?: unknown } }).out.error;
        const out = runOnce(simSeed, schedule, body);
        count++;
        first ??= { simSeed, schedule, out };
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
        if (isFlood(out.error)) flooded = { simSeed, schedule, out };
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
        const err = new Error(`Not deterministic: scenario "${name}" with simulator seed ${n.simSeed} gave two different traces. ${n.detail} The same seed must always give the same run: look for anything your code reads that the seed does not fix (recursing until the stack overflows is one).`);
        err.stack = err.message;
        throw err;
      }
      if (!details.failed || !details.counterexample) {
        // A pass is a pass only if every run asked for ran (counted here, not by what fast-check reports).
        if (!replay && count !== runs) {
          const err = new Error(`Scenario "${name}" ran ${count} of the ${runs} runs it asked for, so it cannot pass. This is a bug in the grader or the suite, not in your code: please report it.`);
          err.stack = err.message;
          throw err;
        }
        // One run more (one in `runs`): the first run, again, must give the same trace.
        const f = first as { simSeed: number; schedule: S; out: Outcome } | null;
        if (f && !replay && runs >= 5) sameAgain(name, f.simSeed, f.out, runOnce(f.simSeed, f.schedule, body));
        return this.report({ name, kind: "generative", status: "pass", runs: count, seed, traceHash: hashes.hex(), failure: null, trace: lastTrace, ...withMetrics(lastLab) }, task);
      }
      const f = flooded as { simSeed: number; schedule: S; out: Outcome } | null;
      const [simSeed, minimized] = f ? [f.simSeed, f.schedule] : details.counterexample;
      const out = f ? f.out : runOnce(simSeed, minimized, body);
      if (out.ok) {
        // Only possible if the body is not deterministic: say so rather than guess.
        throw new Error(`Scenario "${name}" failed on seed ${seed} but passed when re-run with the shrunk schedule: the scenario or the code under test is not deterministic.`);
      }
      if (!replay && !f) sameAgain(name, simSeed, out, runOnce(simSeed, minimized, body));
      const path = f ? null : (details.counterexamplePath ?? null);
      const failure = this.failureMeta(name, seed, out, firstFailing, minimized, path);
      this.report({ name, kind: "generative", status: isTodo(out.error) ? "not-started" : "fail", runs: count, seed, traceHash: out.hash, failure, ...withMetrics(out.lab) }, task);
    });
  }
}

/** Throws the non-determinism verdict when two runs of the same seed and schedule differ. */
function sameAgain(name: string, seed: number, a: Outcome, b: Outcome): void {
  if (a.hash === b.hash) return;
  const err = new Error(
    `Not deterministic: scenario "${name}" with simulator seed ${seed} gave two different traces. ${firstDifference(a.lab, b.lab)} The same seed must always give the same run: look for anything your code reads that the seed does not fix (recursing until the stack overflows is one).`,
  );
  err.stack = err.message;
  throw err;
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

/** Why the learner's module could not be loaded, already in the learner's words (grade.ts passes it on as is). */
function loadError(message: string): Error {
  const e = new Error(`${LOAD_ERROR_MARK}${message}`);
  e.stack = e.message;
  return e;
}

/** A thrown value, described with its type and the learner's line where the stack has it. */
function thrownAtLoad(e: unknown, file: string): string {
  if (e instanceof TodoError) return `${file} calls todo() at the top level (${sourceLocation(e) ?? file}): put that code inside a function the grader calls.`;
  const err = e instanceof Error ? e : null;
  const loc = err ? sourceLocation(err) : undefined;
  const what = err ? `${err.name}: ${err.message}` : `it threw ${typeof e === "string" ? JSON.stringify(e) : String(e)}`;
  return `Your code threw while loading ${file}${loc ? ` (at ${loc})` : ""}: ${what}. Code at the top level of a module (outside any function) runs again for every node the grader builds: fix that line, or move the work into a handler.`;
}

/**
 * Loads the implementation under test, `<target>/<id>/<file>`, into its own
 * hardened compartment (runner/learner/): the grader bundles it (the suite
 * asks for it by path; a plain vitest run bundles here), the compartment
 * evaluates it once, and the exports the suite sees are the membrane's —
 * every call into them runs in a fresh instance of the module, and every
 * value they hand back is plain data. A missing file or a module that fails
 * to load fails the whole suite with a clear message (status "error").
 * `opts`: which methods promise fresh values, and which are white-box views
 * (see runner/learner/membrane.ts).
 */
export async function exercise<T>(id: string, file: string, opts: MembraneOptions = {}): Promise<Exercise<T>> {
  const ctx = gradeContext();
  const dir = exerciseFolder(ctx.root, id);
  const folder = join(ctx.target, dir);
  const full = join(folder, file);
  const label = relative(ctx.root, full) || full;
  if (!existsSync(full)) {
    throw loadError(`Could not find ${label}. The grader looks for ${file} in ${dir}/ under the target directory. Run "npx faultline reset ${id}" to restore the stub.`);
  }
  // The watchdog reads these if the module never finishes loading (a loop at top level).
  attachGraderProbe();
  probeSubject(id, label);
  probeScenario("");
  const bundle: LearnerBundle =
    ctx.bundles?.[full] ?? (await bundleLearnerFiles({ root: ctx.root, folder, entries: [full], solutions: ctx.target === join(ctx.root, "solutions") ? null : join(ctx.root, "solutions") }))[0]!;
  if (!bundle.ok) throw loadError(bundle.error);
  // The grader's own work first (lockdown), so that the load deadline times learner code only.
  hardenRealm();
  probeRun();
  probePhase("loading");
  const mod = new LearnerModule(bundle, label);
  let first: Record<string, unknown>;
  try {
    first = mod.instantiate();
  } catch (e) {
    throw loadError(thrownAtLoad(tameThrown(e), label));
  }
  const impl = membraneExports(mod, first, opts) as T;
  probePhase("running");
  return new Exercise<T>(id, impl, ctx);
}
