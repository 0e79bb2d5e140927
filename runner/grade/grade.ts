// Grading: run exercise suites through vitest's node API against a chosen
// target, collect each scenario's result from its test meta, write failing
// traces to .faultline/traces/, and build the JSON document of DESIGN §6.

import { mkdirSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { Reporter, TestCase, TestModule, Vitest } from "vitest/node";
import { createVitest } from "vitest/node";
import type { TraceJson } from "../sim/index.ts";
import type { GradeContext, ReplayRequest, ScenarioMeta, ScenarioStatus } from "../suites/harness/context.ts";
import { exerciseFolder, LOAD_ERROR_MARK, resolveTarget } from "../suites/harness/target.ts";
import { bundleLearnerFiles, type LearnerBundle } from "../learner/bundle.ts";
import { LoopMarks } from "../learner/loopMarks.ts";
import { shownPath, traceDir as defaultTraceDir } from "../course/state.ts";
import { learnerFiles, typeErrors } from "./typecheck.ts";
import { visibleData } from "../sim/visible.ts";
import { DEFAULT_WATCHDOG, Watchdog, type Verdict, type WatchdogOptions } from "./watchdog.ts";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");

export type ExerciseStatus = "pass" | "fail" | "error" | "not-started";

export interface ScenarioResult extends Omit<ScenarioMeta, "failure" | "kind" | "trace"> {
  kind: ScenarioMeta["kind"] | "unknown";
  failure: FailureResult | null;
  /** How long the scenario took (wall-clock ms, every run and the shrinking); reports (JUnit) carry it. */
  durationMs?: number;
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
  /** How the counterexample was found when not by random schedules (see check/violation.ts). */
  evidence?: "exhaustive" | "law" | null;
  /** Events in the failing run. */
  events?: number;
}

export interface ExerciseResult {
  id: string;
  status: ExerciseStatus;
  durationMs: number;
  /** Why the suite could not run the code (status "error"). */
  error: string | null;
  /** Type errors in the learner's files ("file:line:col message"), looked for when the exercise does not pass. */
  typeErrors?: string[];
  /** Every scenario of the suite, by name (only when graded with namesOnly). */
  scenarioNames?: string[];
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
  /** Where to write traces (default <root>/.faultline/traces, or under FAULTLINE_STATE_DIR: course/state.ts). */
  traceDir?: string;
  /** Soak: generative scenarios only. */
  onlyGenerative?: boolean;
  /** Determinism audit: every case twice, hashes compared. */
  twice?: boolean;
  /** Look for type errors in the learner's files when an exercise does not pass (default true). */
  typecheck?: boolean;
  /** Grade untrusted code in a child process under Node's permission model (sandbox.ts). */
  sandbox?: boolean;
  /** The learner's files, already compiled (the sandbox's parent compiles them: its child may not start esbuild). */
  bundles?: Record<string, LearnerBundle>;
  /**
   * Stop after this many failing scenarios (Grader.open's `bail`): for checks
   * that need one failure (mutants, the red team), never for a learner, who
   * wants every scenario's verdict. Honoured by grade() and the sandbox.
   */
  bail?: number;
  /** With `bundles`: the numbering of their loop marks (LoopMarks.list() of whoever compiled them). */
  loopFiles?: readonly string[];
  /** Run nothing: only name each suite's scenarios (ExerciseResult.scenarioNames), e.g. to resolve `replay --scenario`. */
  namesOnly?: boolean;
  /** Told as each exercise's suite starts and ends (for progress on long runs). */
  onProgress?: (event: GradeProgress) => void;
  /**
   * Told of each scenario that fails, as soon as it does, while later
   * scenarios keep running: watch mode shows the failing verdict at once.
   * The report at the end has every scenario, in the suite's order.
   */
  onFailure?: (id: string, scenario: ScenarioResult) => void;
}

/** An exercise's suite started or ended. */
export interface GradeProgress {
  id: string;
  phase: "start" | "end";
}

export function suiteFile(root: string, id: string): string {
  return join(root, "runner", "suites", `${id}.test.ts`);
}

/** An error vitest caught outside any test's own result: a rejected promise nobody handled, say. */
interface Unhandled {
  message: string;
  /** The suite file it came from, when vitest could tell. */
  file: string | null;
}

/** Collects every test module's results when the run ends. */
class Collector implements Reporter {
  modules: readonly TestModule[] = [];
  unhandled: Unhandled[] = [];
  onProgress: ((e: GradeProgress) => void) | undefined;
  onFailure: ((id: string, tc: TestCase) => void) | undefined;
  onTestCaseResult(tc: TestCase): void {
    if (tc.result().state === "failed") this.onFailure?.(exerciseOfSuite(tc.module.moduleId), tc);
  }
  onTestModuleStart(m: TestModule): void {
    this.onProgress?.({ id: exerciseOfSuite(m.moduleId), phase: "start" });
  }
  onTestModuleEnd(m: TestModule): void {
    this.onProgress?.({ id: exerciseOfSuite(m.moduleId), phase: "end" });
  }
  onTestRunEnd(modules: readonly TestModule[], errors: readonly { message?: string; name?: string; VITEST_TEST_PATH?: string }[]): void {
    this.modules = modules;
    this.unhandled = errors.map((e) => ({ message: `${e.name ?? "Error"}: ${e.message ?? String(e)}`, file: e.VITEST_TEST_PATH ?? null }));
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
    private readonly marks: LoopMarks,
  ) {}

  /**
   * `bail`: stop grading after this many failed scenarios (the mutant check
   * needs one failure, not the whole suite). Graders for learners never bail:
   * they want every scenario's verdict.
   */
  static async open(root: string = ROOT, opts: { workers?: number; watchdog?: Partial<WatchdogOptions>; sandboxed?: boolean; bail?: number } = {}): Promise<Grader> {
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
        ...(opts.bail ? { bail: opts.bail } : {}),
        pool: watchdog.pool(),
        maxWorkers: opts.workers ?? 2,
      },
      {
        // vite compiles only the suites and the lab: learner files never go
        // through it (runner/learner/bundle.ts compiles them for compartments).
        logLevel: "silent",
        // In the sandbox vite may not look above the project for a workspace root.
        server: { watch: null, ...(opts.sandboxed ? { fs: { allow: [root] } } : {}) },
      },
      { stdout: process.stderr, stderr: process.stderr },
    );
    return new Grader(root, vitest, collector, watchdog, marks);
  }

  /** Compiles the learner's files of each exercise for the workers (see runner/learner/bundle.ts). */
  async compile(target: string, ids: readonly string[]): Promise<Record<string, LearnerBundle>> {
    return compileLearnerFiles(this.root, target, ids, this.marks);
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
    };
    if (opts.bundles && opts.loopFiles) this.marks.adopt(opts.loopFiles);
    ctx.bundles = opts.bundles ?? (await this.compile(ctx.target, opts.ids));
    this.vitest.provide("faultline", ctx);
    // namesOnly: a pattern no name matches (every name has a character), so the suites are collected and nothing runs.
    this.vitest.setGlobalTestNamePattern(opts.namesOnly ? /^$/ : ctx.replay ? new RegExp(`^${escapeRegExp(ctx.replay.scenario)}$`) : /.*/);
    const files = opts.ids.map((id) => suiteFile(root, id));
    for (const f of files) this.vitest.invalidateFile(f);
    const specs = files.map((f) => this.vitest.getRootProject().createSpecification(f));
    this.collector.modules = [];
    const traceDir = opts.traceDir ?? defaultTraceDir(root);
    this.collector.onProgress = opts.onProgress;
    const onFailure = opts.onFailure;
    this.collector.onFailure = onFailure && ((id, tc) => onFailure(id, scenarioResult(root, id, tc, traceDir)));
    try {
      await this.vitest.runTestSpecifications(specs, false);
    } finally {
      this.collector.onProgress = undefined;
      this.collector.onFailure = undefined;
    }
    const verdicts = this.watchdog.takeVerdicts();
    const exercises = opts.ids.map((id) => {
      const verdict = verdicts.find((v) => v.exercise === id);
      const result = exerciseResult(root, id, this.collector.modules, traceDir);
      if (opts.namesOnly) result.scenarioNames = [...(this.collector.modules.find((m) => m.moduleId === suiteFile(root, id))?.children.allTests() ?? [])].map((t) => t.name);
      if (verdict) return withVerdict(result, verdict);
      // A promise learner code left rejected surfaces only after its scenario reported: it fails the exercise all the same.
      const stray = this.collector.unhandled.filter((u) => u.file === null ? opts.ids.length === 1 : u.file === suiteFile(root, id));
      return stray.length ? withUnhandled(result, stray[0]!) : result;
    });
    // A failing exercise's type errors are the likeliest cause: find them (see typecheck.ts).
    if (!ctx.replay && !opts.namesOnly && opts.typecheck !== false)
      for (const e of exercises)
        if (e.status === "fail" || (e.status === "error" && !verdicts.some((v) => v.exercise === e.id) && !/syntax error/.test(e.error ?? ""))) {
          // Code TypeScript cannot check (nested past its stack, a type that explodes) still has its verdict; the hints are a bonus.
          const folder = join(ctx.target, exerciseFolder(root, e.id));
          const errors = await typeErrors(root, folder, learnerFiles(folder));
          if (errors.length) e.typeErrors = errors;
        }
    return {
      version: 1,
      target: targetArg,
      passed: exercises.every((e) => e.status === "pass"),
      durationMs: Math.round(performance.now() - started),
      seed: ctx.seed,
      // What learner code wrote (error messages, values) can reach a terminal only as visible text.
      exercises: visibleData(exercises),
    };
  }

  async close(): Promise<void> {
    await this.vitest.close();
  }
}

/** Grades once with a fresh vitest instance. */
export async function grade(opts: GradeOptions): Promise<GradeReport> {
  const root = opts.root ?? ROOT;
  if (opts.sandbox) return (await import("./sandbox.ts")).gradeSandboxed({ ...opts, traceDir: opts.traceDir ?? defaultTraceDir(root), sandbox: false });
  const g = await Grader.open(root, { bail: opts.bail });
  try {
    return await g.run(opts);
  } finally {
    await g.close();
  }
}

/** The files a suite may load: every script at the top of each exercise's folder, compiled once for all workers. */
export async function compileLearnerFiles(root: string, target: string, ids: readonly string[], marks?: LoopMarks): Promise<Record<string, LearnerBundle>> {
  const bundles: Record<string, LearnerBundle> = {};
  const solutions = target === join(root, "solutions") ? null : join(root, "solutions");
  for (const folder of new Set(ids.map((id) => exerciseFolder(root, id)))) {
    const dir = join(target, folder);
    let entries: string[] = [];
    try {
      entries = readdirSync(dir, { withFileTypes: true })
        // Symbolic links too: the bundler refuses one that leads out of the folder, in words (a sandboxed worker could not compile it itself).
        .filter((d) => (d.isFile() || d.isSymbolicLink()) && /\.[cm]?[tj]sx?$/.test(d.name) && !/\.d\.ts$/.test(d.name))
        .map((d) => join(dir, d.name));
    } catch {
      continue; // the suite says the folder is missing, in its words
    }
    for (const b of await bundleLearnerFiles({ root, folder: dir, entries, marks, solutions })) bundles[b.file] = b;
  }
  return bundles;
}

/** runner/suites/<id>.test.ts → <id>. */
function exerciseOfSuite(file: string): string {
  return (file.split("/").pop() ?? file).replace(/\.test\.ts$/, "");
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
    const state = tc.result().state;
    if (state !== "skipped" && state !== "pending") scenarios.push(scenarioResult(root, id, tc, traceDir));
  }
  if (loadErrors.length > 0 && scenarios.length === 0) {
    return { id, status: "error", durationMs, error: explainLoadError(loadErrors[0]!.message ?? "unknown error", root), scenarios };
  }
  return { id, status: stagedStatus(scenarios), durationMs, error: null, scenarios };
}

/** One scenario's result as the report gives it; a failure's trace goes to its file in `traceDir`. */
function scenarioResult(root: string, id: string, tc: TestCase, traceDir: string): ScenarioResult {
  const r = tc.result();
  const meta = tc.meta().faultline;
  const took = Math.round(tc.diagnostic()?.duration ?? 0);
  const stage = tc.meta().stage;
  if (meta) {
    const { trace, ...rest } = meta;
    const result: ScenarioResult = { ...rest, failure: meta.failure ? writeTrace(root, traceDir, id, meta) : null, durationMs: took };
    if (stage && stage !== id) result.stage = stage;
    if (trace) result.trace = trace;
    return result;
  }
  // The test failed outside the harness (a bug in the suite, or code that threw while being set up).
  const message = r.state === "failed" ? (r.errors?.[0]?.message ?? "failed") : "";
  return { name: tc.name, kind: "unknown", status: r.state === "passed" ? "pass" : "error", runs: 0, seed: 0, traceHash: "", durationMs: took, failure: r.state === "passed" ? null : { seed: 0, message, property: null, schedule: null, minimizedSchedule: null, path: null, replay: "", traceFile: null, diagram: "", location: null } };
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

/** The exercise fails with a verdict about a rejected promise nobody handled. */
function withUnhandled(r: ExerciseResult, u: Unhandled): ExerciseResult {
  const message = `Your code left a promise rejected with nobody to handle it (${u.message}). Nodes are synchronous in the lab: remove async, await and Promise from your code and react to messages and timers instead.`;
  const stray: ScenarioResult = {
    name: "no promise left rejected",
    kind: "unknown",
    status: "fail",
    runs: 0,
    seed: 0,
    traceHash: "",
    failure: { seed: 0, message, property: null, schedule: null, minimizedSchedule: null, path: null, replay: "", traceFile: null, diagram: "", location: null },
  };
  return { ...r, status: r.status === "error" ? "error" : "fail", scenarios: [...r.scenarios, stray] };
}

export function exerciseStatus(statuses: readonly ScenarioStatus[]): ExerciseStatus {
  if (statuses.length === 0) return "error";
  if (statuses.every((s) => s === "not-started")) return "not-started";
  if (statuses.every((s) => s === "pass")) return "pass";
  return "fail";
}

function explainLoadError(message: string, root: string): string {
  // The harness's own words for the learner (runner/suites/harness/exercise.ts).
  const mark = message.indexOf(LOAD_ERROR_MARK);
  if (mark >= 0) return message.slice(mark + LOAD_ERROR_MARK.length);
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
    const text = traceText({ exercise: id, scenario: meta.name, failure: { ...rest, traceFile: undefined, ...(histories ? { histories } : {}) }, trace });
    if (text !== null) {
      const tmp = `${file}.tmp`;
      writeFileSync(tmp, text);
      renameSync(tmp, file);
      traceFile = shownPath(root, file);
    }
  }
  return { ...rest, traceFile };
}

/**
 * A trace file's text: indented for people to read, unless that outgrows
 * what one string can hold (learner code decides what its messages and logs
 * hold, and deep nesting multiplies the indentation); then compact; null if
 * even that is too big — the failure is reported without a trace file rather
 * than crashing the grader.
 */
function traceText(doc: unknown): string | null {
  for (const indent of [1, undefined]) {
    try {
      return JSON.stringify(doc, null, indent);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
    }
  }
  return null;
}
