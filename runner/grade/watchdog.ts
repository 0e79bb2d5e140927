// The grader's watchdog. Learner code runs inside vitest worker threads, and
// a synchronous loop that never ends blocks its worker for good: vitest's own
// test timeout cannot interrupt it. So the grader runs suites in its own
// thread pool ("faultline-threads", a copy of vitest's threads pool) that
//
//   - hands each worker a SharedArrayBuffer, into which the simulator writes
//     where learner code is running (node, handler, virtual time) and the
//     harness writes which exercise, file and scenario (see
//     runner/sim/guard.ts and runner/suites/harness/probe.ts);
//   - caps each worker's heap, so runaway allocation ends that worker, not
//     the process;
//   - drops the workers' stdout/stderr, so a flood of prints cannot swamp the
//     terminal (the trace keeps ctx.log);
//   - watches every worker from the main thread and, when learner code stops
//     making progress for too long, terminates the worker and records a
//     verdict that says what happened, where, and what to do.
//
// vitest sees an ended worker as "exited unexpectedly", finishes the rest of
// the run, and the grader reports the exercise as status "error" with the
// verdict. The process, and a warm watch-mode Grader, stay usable.

import { resolve } from "node:path";
import { Worker } from "node:worker_threads";
import type { PoolOptions, PoolRunnerInitializer, PoolWorker, WorkerRequest } from "vitest/node";
import { PROBE_BYTES, readProbe } from "../sim/guard.ts";
import { formatTime } from "../sim/errors.ts";
import { HEARTBEAT_SLOT, PHASE_TEXT, RUNS_SLOT, SCENARIO_TEXT, SUBJECT_TEXT } from "../suites/harness/probe.ts";

export interface WatchdogOptions {
  /** How long one handler (or constructor, or harness call into a node) may run. */
  handlerMs: number;
  /** How long the learner's module may spend at top level (while the worker is busy). */
  loadMs: number;
  /** How long a scenario may go without starting a run or entering a handler (harness code). */
  stallMs: number;
  /**
   * How long one scenario (or loading the learner's module) may take in all,
   * however busy it keeps: a cap no sign of progress can extend.
   */
  scenarioMs: number;
  /** Heap cap per worker, in MB. */
  heapMb: number;
}

export const DEFAULT_WATCHDOG: WatchdogOptions = { handlerMs: 2000, loadMs: 5000, stallMs: 60_000, scenarioMs: 180_000, heapMb: 2048 };

/** What the watchdog saw when it stopped a worker. */
export interface Verdict {
  /** The exercise whose suite was running (or null if the worker had not got that far). */
  exercise: string | null;
  /** The scenario that was running, if any. */
  scenario: string | null;
  kind: "hang" | "load-hang" | "after-return" | "stall" | "cap" | "memory" | "crash";
  /** The whole verdict: what, where, what to do. */
  message: string;
  /** The learner's file, relative to the project. */
  file: string | null;
  /** file:line of the loop learner code was last seen going round, when a loop mark says. */
  location: string | null;
  node: string | null;
  handler: string | null;
  time: number | null;
  /** Wall-clock ms from the last sign of progress to the verdict. */
  afterMs: number;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** One worker thread of the pool, with its probe. */
class WatchedWorker implements PoolWorker {
  readonly name = "faultline-threads";
  readonly probe = new SharedArrayBuffer(PROBE_BYTES);
  private thread: Worker | undefined;
  private readonly entrypoint: string;
  /** Suite files this worker was asked to run (a fallback when the probe is empty). */
  files: string[] = [];
  /** Set once the watchdog (or the heap cap) has ended this worker. */
  verdict: Verdict | null = null;
  private lastToken = -1;
  private lastChange = performance.now();
  /** What the worker was doing (phase and scenario) and since when: the absolute cap counts from there. */
  private lastActivity = "";
  private activitySince = performance.now();
  private exited = false;

  constructor(
    options: PoolOptions,
    private readonly dog: Watchdog,
  ) {
    this.entrypoint = resolve(options.distPath, "workers/threads.js");
    this.execArgv = options.execArgv;
    this.env = options.env;
  }
  private readonly execArgv: string[];
  private readonly env: Partial<NodeJS.ProcessEnv>;

  private get worker(): Worker {
    if (!this.thread) throw new Error("faultline: the worker thread was torn down or never started.");
    return this.thread;
  }
  // A worker that runs out of memory emits "error" and then "exit". vitest
  // stops listening for errors after the first one, so the "exit" it turns
  // into a second error would have no listener and crash the whole grader.
  // Once an error has been passed on, the exit that follows is not.
  private errorPassedOn = false;
  private readonly wrapped = new Map<(arg: any) => void, (arg: any) => void>();
  on(event: string, callback: (arg: any) => void): void {
    let w = callback;
    if (event === "error")
      w = (arg) => {
        this.errorPassedOn = true;
        callback(arg);
      };
    else if (event === "exit")
      w = (arg) => {
        if (!this.errorPassedOn) callback(arg);
      };
    this.wrapped.set(callback, w);
    this.worker.on(event, w);
  }
  off(event: string, callback: (arg: any) => void): void {
    this.worker.off(event, this.wrapped.get(callback) ?? callback);
    this.wrapped.delete(callback);
  }
  send(message: WorkerRequest): void {
    const files = (message as { context?: { files?: { filepath: string }[] } }).context?.files;
    if (files) this.files.push(...files.map((f) => f.filepath));
    this.worker.postMessage(message);
  }
  deserialize(data: unknown): unknown {
    return data;
  }
  async start(): Promise<void> {
    if (this.thread) return;
    this.thread = new Worker(this.entrypoint, {
      env: this.env as NodeJS.ProcessEnv,
      // Node 20 drops the permission model in a worker given its own execArgv:
      // pass the sandbox's flags on explicitly, or the worker would escape it.
      execArgv: [...process.execArgv.filter((a) => /^--(experimental-permission|permission|allow-)/.test(a)), ...this.execArgv],
      workerData: { faultlineProbe: this.probe },
      resourceLimits: { maxOldGenerationSizeMb: this.dog.options.heapMb },
      stdout: true,
      stderr: true,
    });
    // Learner prints are not ours to show (and could flood the terminal): drain and drop.
    this.thread.stdout.resume();
    this.thread.stderr.resume();
    this.thread.on("error", (err: Error & { code?: string }) => {
      if (this.verdict) return;
      if (err.code === "ERR_WORKER_OUT_OF_MEMORY") this.verdict = this.describe("memory", 0);
      else this.verdict = this.describe("crash", 0, err.message);
    });
    this.thread.on("exit", () => {
      this.exited = true;
      this.dog.forget(this);
    });
    this.dog.watch(this);
  }
  async stop(): Promise<void> {
    const t = this.thread;
    this.thread = undefined;
    this.dog.forget(this);
    if (t && !this.exited) await t.terminate();
  }

  /** Called by the watchdog's timer: ends the worker if it has stopped making progress. */
  check(now: number): void {
    if (this.verdict || this.exited || !this.thread) return;
    const p = readProbe(this.probe);
    const o = this.dog.options;
    // The absolute cap: one scenario (or the load) as a whole, whatever else happens.
    const activity = `${p.text[SUBJECT_TEXT]}\t${p.text[PHASE_TEXT]}\t${p.text[SCENARIO_TEXT]}`;
    if (activity !== this.lastActivity) {
      this.lastActivity = activity;
      this.activitySince = now;
    } else if (p.text[SUBJECT_TEXT] && now - this.activitySince > o.scenarioMs) {
      this.verdict = this.describe("cap", Math.round(now - this.activitySince));
      void this.thread.terminate();
      return;
    }
    const i32 = new Int32Array(this.probe, 0, 16);
    const token = (p.seq + Atomics.load(i32, HEARTBEAT_SLOT) * 7 + Atomics.load(i32, RUNS_SLOT) * 13) | 0;
    if (token !== this.lastToken) {
      this.lastToken = token;
      this.lastChange = now;
      return;
    }
    const stalled = now - this.lastChange;
    let kind: Verdict["kind"] | null = null;
    if (p.inside && stalled > o.handlerMs) kind = "hang";
    else if (!p.inside && p.text[PHASE_TEXT] === "loading" && stalled > o.loadMs) kind = "load-hang";
    // Handlers clear the loop mark as they return: a mark now is learner code
    // going round a loop outside every handler (a promise callback).
    else if (!p.inside && p.loop !== 0 && p.text[PHASE_TEXT] !== "loading" && stalled > o.handlerMs) kind = "after-return";
    // Only once the harness is up (it starts the heartbeat): before that, vitest's own start-up timeout applies.
    else if (p.text[SUBJECT_TEXT] && stalled > o.stallMs) kind = "stall";
    if (!kind) return;
    this.verdict = this.describe(kind, Math.round(stalled));
    void this.thread.terminate();
  }

  private describe(kind: Verdict["kind"], afterMs: number, detail = ""): Verdict {
    const p = readProbe(this.probe);
    const [subjectId, subjectFile] = (p.text[SUBJECT_TEXT] ?? "").split("\t");
    const fromFiles = this.files[0]?.match(/([^/]+)\.test\.ts$/)?.[1] ?? null;
    const exercise = subjectId || fromFiles;
    const file = subjectFile || null;
    const scenario = p.text[SCENARIO_TEXT] || null;
    const o = this.dog.options;
    const inFile = file ? ` (${file})` : "";
    const where = p.handler && p.node ? `${p.handler} on ${p.node}` : null;
    const at = `at t=${formatTime(p.time)}`;
    // Only for a verdict about learner code that was still running: a mark is where it went round last.
    const loop = kind === "hang" || kind === "load-hang" || kind === "after-return" || kind === "memory" ? this.dog.loopPlace(p.loop) : null;
    let message: string;
    switch (kind) {
      case "hang":
        if (loop)
          message = `${where ?? "Your code"} did not return within ${seconds(o.handlerMs)}${where ? ` ${at}` : ""}: it was still going round the loop at ${loop}. Look at why that loop never ends: a condition that never changes, or a bound that is never reached.`;
        else
          message = where
            ? `${where} did not return within ${seconds(o.handlerMs)} ${at}${inFile}. Look for a loop that never ends (a while whose condition never changes, a for that never reaches its bound) or recursion that never reaches its base case.`
            : `Your code did not return within ${seconds(o.handlerMs)}${inFile}. Look for a loop that never ends.`;
        break;
      case "load-hang":
        message = loop
          ? `Loading ${file ?? "your file"} did not finish within ${seconds(o.loadMs)}: code at the top level of the module (outside any function) was still going round the loop at ${loop}. Move work into handlers, and make that loop end.`
          : `Loading ${file ?? "your file"} did not finish within ${seconds(o.loadMs)}: code at the top level of the module (outside any function) runs forever. Move work into handlers, and look for a loop that never ends.`;
        break;
      case "after-return":
        message = `Your code kept running after its handler returned: ${seconds(o.handlerMs)} later it was still going round the loop at ${loop ?? "?"} (last handler: ${where ?? "none"} ${at}${inFile}). Code in a promise callback (.then, or after an await) runs outside every handler. The lab runs each handler to the end and nothing after it: do the work inside the handler, synchronously.`;
        break;
      case "cap":
        message = scenario
          ? `Scenario "${scenario}" did not finish within ${seconds(o.scenarioMs)} (last seen: ${where ?? "no handler"} ${at}${inFile}), so the grader stopped it. Each scenario runs in virtual time and normally takes well under a second: look for code that makes the simulation do far more work than it should (a timer that fires every millisecond, a message sent to every peer on every message).`
          : `Loading ${file ?? "your file"} did not finish within ${seconds(o.scenarioMs)}, so the grader stopped it: code at the top level of the module keeps running. Move work into handlers.`;
        break;
      case "stall":
        message = `Scenario "${scenario ?? "?"}" made no progress for ${seconds(o.stallMs)} outside your handlers (last seen: ${where ?? "no handler"} ${at}${inFile}). If your code starts promise callbacks (.then, async functions) that start more of themselves, they run between the lab's steps and never let it go on: handlers must do their work and return. Otherwise this is probably a bug in the suite or a checker overwhelmed by the run's history; please report it.`;
        break;
      case "memory":
        message = where
          ? `${where} ran out of memory ${at}${inFile}: it allocated more than ${o.heapMb} MB${loop ? `, going round the loop at ${loop}` : ""}. Look for a collection that grows on every message or timer and is never trimmed, or a loop that keeps allocating.`
          : `Your code ran out of memory (more than ${o.heapMb} MB)${inFile}. Look for a collection that grows without bound, or a loop that keeps allocating.`;
        break;
      case "crash":
        message = `The worker running ${exercise ?? "the suite"} stopped unexpectedly${where ? ` in ${where} ${at}` : ""}${inFile}: ${detail}`;
        break;
    }
    return { exercise, scenario, kind, message, file, location: loop, node: p.node, handler: p.handler, time: p.handler ? p.time : null, afterMs };
  }
}

/** Watches the pool's workers; one per Grader. */
export class Watchdog {
  private readonly live = new Set<WatchedWorker>();
  private readonly ended: WatchedWorker[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly options: WatchdogOptions = DEFAULT_WATCHDOG,
    /** Turns the probe's last loop mark into file:line (see loopMarks.ts); none: hang verdicts name the file only. */
    readonly loopPlace: (mark: number) => string | null = () => null,
  ) {}

  /** The vitest pool to pass as `pool`. */
  pool(): PoolRunnerInitializer {
    return { name: "faultline-threads", createPoolWorker: (o) => new WatchedWorker(o, this) };
  }

  watch(w: WatchedWorker): void {
    this.live.add(w);
    this.timer ??= setInterval(() => {
      const now = performance.now();
      for (const x of this.live) x.check(now);
    }, 100);
  }

  forget(w: WatchedWorker): void {
    if (!this.live.delete(w)) return;
    if (w.verdict) this.ended.push(w);
    if (this.live.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  /** The verdicts since the last call (one per ended worker). */
  takeVerdicts(): Verdict[] {
    const out: Verdict[] = [];
    for (const w of this.ended.splice(0)) if (w.verdict) out.push(w.verdict);
    for (const w of this.live) if (w.verdict) out.push(w.verdict);
    return out;
  }
}
