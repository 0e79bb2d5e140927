// Grading: run exercise suites through vitest's node API against a chosen
// target, collect each scenario's result from its test meta, write failing
// traces to .faultline/traces/, and build the JSON document of DESIGN §6.

import { mkdirSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { Reporter, TestModule, Vitest } from "vitest/node";
import { createVitest } from "vitest/node";
import type { TraceJson } from "../sim/index.ts";
import type { GradeContext, ReplayRequest, ScenarioMeta, ScenarioStatus } from "../suites/harness/context.ts";
import { exerciseFolder, resolveTarget } from "../suites/harness/target.ts";
import { importGate } from "./importGate.ts";
import { LoopMarks, loopMarks } from "./loopMarks.ts";
import { learnerFiles, typeErrors } from "./typecheck.ts";
import { DEFAULT_WATCHDOG, Watchdog, type Verdict, type WatchdogOptions } from "./watchdog.ts";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");

export type ExerciseStatus = "pass" | "fail" | "error" | "not-started";

export interface ScenarioResult extends Omit<ScenarioMeta, "failure" | "kind" | "trace"> {
  kind: ScenarioMeta["kind"] | "unknown";
  failure: FailureResult | null;
  /** In a later stage of a worksheet, the earlier stage this scenario is re-run from (absent: the exercise's own). */
  stage?: string;
  /** Only in replays of a passing run: the run's trace (not part of the JSON contract). */
  trace?: TraceJson;
}

export interface FailureResult {
  seed: number;
  message: string;
  property: string | null;
  schedule: unknown;
  minimizedSchedule: unknown;
  path: string | null;
  replay: string;
  traceFile: string | null;
  diagram: string;
  location: string | null;
}

export interface ExerciseResult {
  id: string;
  status: ExerciseStatus;
  durationMs: number;
  /** Why the suite could not run the code (status "error"). */
  error: string | null;
  /** Type errors in the learner's files ("file:line:col message"), looked for when the exercise does not pass. */
  typeErrors?: string[];
  scenarios: ScenarioResult[];
}

export interface GradeReport {
  version: 1;
  target: string;
  passed: boolean;
  durationMs: number;
  seed: number;
  exercises: ExerciseResult[];
}

export interface GradeOptions {
  ids: readonly string[];
  /** "exercises", "solutions" or a directory. */
  target?: string;
  seed?: number;
  runs?: number;
  replay?: ReplayRequest | null;
  /** Project root (default: this checkout). Only for grade(); a Grader has its own. */
  root?: string;
  /** How many trace events a failure's trace file keeps. */
  traceEvents?: number;
  /** Where to write traces (default <root>/.faultline/traces). */
  traceDir?: string;
  /** Soak: generative scenarios only. */
  onlyGenerative?: boolean;
  /** Determinism audit: every case twice, hashes compared. */
  twice?: boolean;
  /** Look for type errors in the learner's files when an exercise does not pass (default true). */
  typecheck?: boolean;
  /** Grade untrusted code in a child process under Node's permission model (sandbox.ts). */
  sandbox?: boolean;
  /** Inside the sandbox: gate the learner's imports and harden the workers. */
  hardened?: boolean;
  /** Told as each exercise's suite starts and ends (for progress on long runs). */
  onProgress?: (event: GradeProgress) => void;
}

/** An exercise's suite started or ended. */
export interface GradeProgress {
  id: string;
  phase: "start" | "end";
}

export function suiteFile(root: string, id: string): string {
  return join(root, "runner", "suites", `${id}.test.ts`);
}

/** Collects every test module's results when the run ends. */
class Collector implements Reporter {
  modules: readonly TestModule[] = [];
  unhandled: string[] = [];
  onProgress: ((e: GradeProgress) => void) | undefined;
  onTestModuleStart(m: TestModule): void {
    this.onProgress?.({ id: exerciseOfSuite(m.moduleId), phase: "start" });
  }
  onTestModuleEnd(m: TestModule): void {
    this.onProgress?.({ id: exerciseOfSuite(m.moduleId), phase: "end" });
  }
  onTestRunEnd(modules: readonly TestModule[], errors: readonly { message?: string }[]): void {
    this.modules = modules;
    this.unhandled = errors.map((e) => e.message ?? String(e));
  }
}

/**
 * A vitest instance set up for grading. `grade()` opens one per call; watch
 * mode keeps one warm and calls `run` on every save.
 */
export class Grader {
  private constructor(
    readonly root: string,
    private readonly vitest: Vitest,
    private readonly collector: Collector,
    private readonly watchdog: Watchdog,
  ) {}

  /** The target of the current run: the import gate and the loop marks apply to files under it. */
  private gateTarget = "";

  static async open(root: string = ROOT, opts: { workers?: number; watchdog?: Partial<WatchdogOptions>; hardened?: boolean } = {}): Promise<Grader> {
    let grader: Grader | null = null;
    const collector = new Collector();
    // Learner code that never returns is stopped by the watchdog, not by vitest (see watchdog.ts).
    const marks = new LoopMarks(root);
    const watchdog = new Watchdog({ ...DEFAULT_WATCHDOG, ...opts.watchdog }, (mark) => marks.place(mark));
    const vitest = await createVitest(
      "test",
      {
        root,
        config: false,
        watch: false,
        reporters: [collector],
        include: ["runner/suites/*.test.ts"],
        // Learner console output would interleave with ours; the trace keeps ctx.log.
        silent: true,
        passWithNoTests: true,
        testTimeout: 120_000,
        hookTimeout: 60_000,
        pool: watchdog.pool(),
        maxWorkers: opts.workers ?? 2,
      },
      {
        resolve: { alias: { "faultline/sim": join(root, "runner", "sim", "index.ts") } },
        plugins: [loopMarks(marks, () => grader?.gateTarget ?? ""), ...(opts.hardened ? [importGate(root, () => grader?.gateTarget ?? "")] : [])],
        logLevel: "silent",
        // In the sandbox vite may not look above the project for a workspace root.
        server: { watch: null, ...(opts.hardened ? { fs: { allow: [root] } } : {}) },
      },
      { stdout: process.stderr, stderr: process.stderr },
    );
    grader = new Grader(root, vitest, collector, watchdog);
    return grader;
  }

  async run(opts: GradeOptions): Promise<GradeReport> {
    const started = performance.now();
    const root = this.root;
    const targetArg = opts.target ?? "exercises";
    const ctx: GradeContext = {
      root,
      target: resolveTarget(root, targetArg),
      targetArg,
      seed: opts.seed ?? 1,
      runs: opts.runs ?? 0,
      replay: opts.replay ?? null,
      traceEvents: opts.traceEvents ?? 2000,
      onlyGenerative: opts.onlyGenerative ?? false,
      twice: opts.twice ?? false,
      hardened: opts.hardened ?? false,
    };
    this.gateTarget = ctx.target;
    this.vitest.provide("faultline", ctx);
    this.vitest.setGlobalTestNamePattern(ctx.replay ? new RegExp(`^${escapeRegExp(ctx.replay.scenario)}$`) : /.*/);
    const files = opts.ids.map((id) => suiteFile(root, id));
    for (const f of files) this.vitest.invalidateFile(f);
    // The implementation under test may have changed since the last run (watch mode): drop vite's cached transforms of it.
    for (const id of opts.ids) for (const f of filesUnder(join(ctx.target, exerciseFolder(root, id)))) this.vitest.invalidateFile(f);
    const specs = files.map((f) => this.vitest.getRootProject().createSpecification(f));
    this.collector.modules = [];
    this.collector.onProgress = opts.onProgress;
    try {
      await this.vitest.runTestSpecifications(specs, false);
    } finally {
      this.collector.onProgress = undefined;
    }
    const traceDir = opts.traceDir ?? join(root, ".faultline", "traces");
    const verdicts = this.watchdog.takeVerdicts();
    const exercises = opts.ids.map((id) => {
      const verdict = verdicts.find((v) => v.exercise === id);
      const result = exerciseResult(root, id, this.collector.modules, traceDir);
      return verdict ? withVerdict(result, verdict) : result;
    });
    // A failing exercise's type errors are the likeliest cause: find them (see typecheck.ts).
    if (!ctx.replay && opts.typecheck !== false)
      for (const e of exercises)
        if (e.status === "fail" || (e.status === "error" && !verdicts.some((v) => v.exercise === e.id) && !/syntax error/.test(e.error ?? ""))) {
          const errors = typeErrors(root, learnerFiles(join(ctx.target, exerciseFolder(root, e.id))));
          if (errors.length) e.typeErrors = errors;
        }
    return {
      version: 1,
      target: targetArg,
      passed: exercises.every((e) => e.status === "pass"),
      durationMs: Math.round(performance.now() - started),
      seed: ctx.seed,
      exercises,
    };
  }

  async close(): Promise<void> {
    await this.vitest.close();
  }
}

/** Grades once with a fresh vitest instance. */
export async function grade(opts: GradeOptions): Promise<GradeReport> {
  if (opts.sandbox) return (await import("./sandbox.ts")).gradeSandboxed({ ...opts, sandbox: false });
  const root = opts.root ?? ROOT;
  const g = await Grader.open(root, { hardened: opts.hardened ?? false });
  try {
    return await g.run(opts);
  } finally {
    await g.close();
  }
}

/** runner/suites/<id>.test.ts → <id>. */
function exerciseOfSuite(file: string): string {
  return (file.split("/").pop() ?? file).replace(/\.test\.ts$/, "");
}

function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => join(d.parentPath, d.name));
  } catch {
    return [];
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function exerciseResult(root: string, id: string, modules: readonly TestModule[], traceDir: string): ExerciseResult {
  const file = suiteFile(root, id);
  const mod = modules.find((m) => m.moduleId === file);
  if (!mod) return { id, status: "error", durationMs: 0, error: `The suite for ${id} did not run (runner/suites/${id}.test.ts).`, scenarios: [] };
  const durationMs = Math.round(mod.diagnostic().duration);
  const loadErrors = mod.errors();
  const scenarios: ScenarioResult[] = [];
  for (const tc of mod.children.allTests()) {
    const r = tc.result();
    if (r.state === "skipped" || r.state === "pending") continue;
    const meta = tc.meta().faultline;
    const stage = tc.meta().stage;
    if (meta) {
      const { trace, ...rest } = meta;
      const result: ScenarioResult = { ...rest, failure: meta.failure ? writeTrace(root, traceDir, id, meta) : null };
      if (stage && stage !== id) result.stage = stage;
      if (trace) result.trace = trace;
      scenarios.push(result);
    } else {
      // The test failed outside the harness (a bug in the suite, or code that threw while being set up).
      const message = r.state === "failed" ? (r.errors?.[0]?.message ?? "failed") : "";
      scenarios.push({ name: tc.name, kind: "unknown", status: r.state === "passed" ? "pass" : "error", runs: 0, seed: 0, traceHash: "", failure: r.state === "passed" ? null : { seed: 0, message, property: null, schedule: null, minimizedSchedule: null, path: null, replay: "", traceFile: null, diagram: "", location: null } });
    }
  }
  if (loadErrors.length > 0 && scenarios.length === 0) {
    return { id, status: "error", durationMs, error: explainLoadError(loadErrors[0]!.message ?? "unknown error", root), scenarios };
  }
  return { id, status: stagedStatus(scenarios), durationMs, error: null, scenarios };
}

/**
 * A later stage of a worksheet is judged by its own scenarios: when they all
 * stop at a todo() and the earlier stages' scenarios it re-runs pass, the
 * stage is not started yet (the learner finished raft-election and has not
 * begun raft-log), not failing.
 */
export function stagedStatus(scenarios: readonly Pick<ScenarioResult, "status" | "stage">[]): ExerciseStatus {
  const own = scenarios.filter((s) => !s.stage);
  const earlier = scenarios.filter((s) => s.stage);
  if (earlier.length && own.length && own.every((s) => s.status === "not-started") && earlier.every((s) => s.status === "pass" || s.status === "not-started")) return "not-started";
  return exerciseStatus(scenarios.map((s) => s.status));
}

/**
 * The watchdog stopped this suite's worker: the exercise is an "error" whose
 * message is the verdict, and the scenario that was running says so too.
 */
function withVerdict(r: ExerciseResult, v: Verdict): ExerciseResult {
  const done = r.scenarios.filter((s) => s.kind !== "unknown" || s.status === "pass");
  const name = v.scenario ?? "loading the implementation";
  const hung: ScenarioResult = {
    name,
    kind: "unknown",
    status: "error",
    runs: 0,
    seed: 0,
    traceHash: "",
    failure: { seed: 0, message: v.message, property: null, schedule: null, minimizedSchedule: null, path: null, replay: "", traceFile: null, diagram: "", location: v.location ?? v.file },
  };
  return { ...r, status: "error", error: v.message, scenarios: [...done.filter((s) => s.name !== name), hung] };
}

export function exerciseStatus(statuses: readonly ScenarioStatus[]): ExerciseStatus {
  if (statuses.length === 0) return "error";
  if (statuses.every((s) => s === "not-started")) return "not-started";
  if (statuses.every((s) => s === "pass")) return "pass";
  return "fail";
}

function explainLoadError(message: string, root: string): string {
  // vite reports syntax errors through Oxc ("[PARSE_ERROR] what" … "[ file:line:col ]")
  // or esbuild ("file:line:col: ERROR: what"); either way, say where.
  const plain = message.replace(/\u001b\[[0-9;]*m/g, "");
  const oxcWhat = /\[PARSE_ERROR\]\s*(.*)/.exec(plain);
  const oxcWhere = /\[\s*([^\s\]]+):(\d+):(\d+)\s*\]/.exec(plain);
  const esb = /([^\s:]+\.[cm]?[tj]sx?):(\d+):(\d+): ERROR: (.*)/.exec(plain);
  const syntax = oxcWhat && oxcWhere ? { file: oxcWhere[1]!, line: oxcWhere[2]!, col: oxcWhere[3]!, what: oxcWhat[1]! } : esb ? { file: esb[1]!, line: esb[2]!, col: esb[3]!, what: esb[4]! } : null;
  if (syntax) {
    const file = syntax.file.startsWith("/") ? relative(root, syntax.file) : syntax.file;
    return `Your code could not be loaded: syntax error at ${file}:${syntax.line}:${syntax.col}: ${syntax.what.replace(/`/g, "")}. Fix it (your editor marks the spot) and grade again.`;
  }
  const first = message.split("\n")[0]!;
  if (/process\.exit/.test(first)) return `Your code called process.exit() while loading (${first}). A node cannot end the process: remove the call.`;
  return `Your code could not be loaded: ${first.replace(/[.:]$/, "")}. Fix it and grade again.`;
}

/** Moves the trace out of the meta into .faultline/traces/ and records the file. */
function writeTrace(root: string, dir: string, id: string, meta: ScenarioMeta): FailureResult {
  const f = meta.failure!;
  // The trace and the history pictures go to the trace file (for replay), not into the report.
  const { trace, histories, ...rest } = f;
  let traceFile: string | null = null;
  if (trace) {
    mkdirSync(dir, { recursive: true });
    const slug = meta.name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60);
    const file = join(dir, `${id}--${slug}--seed${f.seed}.json`);
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, JSON.stringify({ exercise: id, scenario: meta.name, failure: { ...rest, traceFile: undefined, ...(histories ? { histories } : {}) }, trace }, null, 1));
    renameSync(tmp, file);
    traceFile = relative(root, file);
  }
  return { ...rest, traceFile };
}
