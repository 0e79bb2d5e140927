// Watch mode's engine: watches an exercise's files, regrades on save
// (debounced) through a warm grading process (grade-server.ts), and turns
// every outcome — a report, learner code that hangs, a grading process that
// dies — into a verdict. The TUI only renders what this emits.

import { fork, type ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import { watch, type FSWatcher } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { GradeReport } from "../grade/grade.ts";
import type { TraceJson } from "../sim/index.ts";
import { exerciseFolder, type Exercise } from "./course.ts";
import { exerciseDigest } from "./fingerprint.ts";
import { recordGrade, updateProgress } from "./progress.ts";

export type WatchPhase = "starting" | "grading" | "idle";

export interface WatchState {
  phase: WatchPhase;
  /** The last verdict (kept on screen while the next grading runs). */
  report: GradeReport | null;
  /** When grading itself went wrong: hung learner code, a crash. Shown as the verdict. */
  problem: string | null;
  /** ms from the save (or request) to the verdict. */
  latencyMs: number | null;
  /** What started the grading behind the verdict. */
  trigger: "start" | "save" | "rerun" | null;
  gradedAt: Date | null;
  /** A warning to show once (e.g. damaged progress file). */
  warning: string | null;
  /**
   * True while `report` is the early verdict of the grading still running:
   * a scenario failed and later ones are still being graded (the full
   * report replaces it, and only the full report is recorded).
   */
  partial: boolean;
}

export interface WatchOptions {
  root: string;
  exercise: Exercise;
  /** Directory graded ("exercises" by default). */
  target?: string;
  debounceMs?: number;
  /** Grading that takes longer is stopped: learner code probably loops forever. */
  timeLimitMs?: number;
  /** Record results in progress.json (only for the learner's own exercises/). */
  recordProgress?: boolean;
}

const SERVER = fileURLToPath(new URL("./grade-server.ts", import.meta.url));

export class WatchSession extends EventEmitter<{ state: [WatchState] }> {
  state: WatchState = { phase: "starting", report: null, problem: null, latencyMs: null, trigger: null, gradedAt: null, warning: null, partial: false };
  private child: ChildProcess | null = null;
  private ready = false;
  private watcher: FSWatcher | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private limit: NodeJS.Timeout | null = null;
  private request = 0;
  /** The grading in progress; `digest`: the learner's files as sent to grading. */
  private inFlight: { request: number; since: number; trigger: WatchState["trigger"]; digest: string | null } | null = null;
  private pending: number | null = null;
  private pendingTrigger: WatchState["trigger"] = "start";
  private closed = false;
  /** Replays in flight (for the trace viewer), by request number. */
  private replays = new Map<number, (trace: TraceJson | null) => void>();

  constructor(readonly opts: WatchOptions) {
    super();
  }

  get exerciseDir(): string {
    return join(this.opts.root, "exercises", exerciseFolder(this.opts.exercise));
  }

  start(): void {
    this.spawn();
    this.regrade(performance.now(), "start");
    try {
      this.watcher = watch(this.exerciseDir, { recursive: false }, (_event, name) => {
        if (name && !this.opts.exercise.files.some((f) => f === name || f.startsWith(`${name}/`))) return;
        this.scheduleRegrade();
      });
      this.watcher.on("error", () => {});
    } catch {
      // No directory to watch: grading says what is missing.
    }
  }

  /** A save: wait for the editor to finish writing, then grade. */
  scheduleRegrade(): void {
    const since = performance.now();
    if (this.debounce) clearTimeout(this.debounce);
    this.pending ??= since;
    this.debounce = setTimeout(() => {
      this.debounce = null;
      this.regrade(this.pending ?? since, "save");
    }, this.opts.debounceMs ?? 120);
  }

  /** Grades now (or right after the grading in flight). */
  regrade(since = performance.now(), trigger: WatchState["trigger"] = "rerun"): void {
    this.pending = since;
    this.pendingTrigger = trigger;
    if (!this.ready || this.inFlight) {
      this.set({ phase: this.ready ? "grading" : "starting" });
      return;
    }
    const request = ++this.request;
    this.inFlight = { request, since, trigger: this.pendingTrigger, digest: exerciseDigest(this.opts.root, this.opts.exercise.id) };
    this.pending = null;
    this.pendingTrigger = null;
    this.set({ phase: "grading" });
    this.child!.send({ type: "grade", request, id: this.opts.exercise.id, target: this.opts.target ?? "exercises" });
    const limit = this.opts.timeLimitMs ?? 30_000;
    const cause = this.inFlight.trigger;
    this.limit = setTimeout(() => {
      this.verdictProblem(
        `Grading did not finish within ${limit / 1000} s, so it was stopped. Your code probably never returns: look for a loop whose condition never changes, or a handler that sends to itself forever. Save again to regrade.`,
        since,
        cause,
      );
      this.restart();
    }, limit);
  }

  /**
   * Reruns one failing run exactly, recording each node's state after every
   * event (graded runs do not: it costs time), for the trace viewer. Null
   * when the grader is busy or stops, or the run left no trace.
   */
  replay(scenario: string, seed: number, path: string | null): Promise<TraceJson | null> {
    if (!this.ready || !this.child || this.closed) return Promise.resolve(null);
    const request = ++this.request;
    return new Promise((resolve) => {
      this.replays.set(request, resolve);
      this.child!.send({ type: "replay", request, id: this.opts.exercise.id, target: this.opts.target ?? "exercises", scenario, seed, path });
    });
  }

  private endReplays(): void {
    for (const r of this.replays.values()) r(null);
    this.replays.clear();
  }

  private spawn(): void {
    this.ready = false;
    const child = fork(SERVER, [], {
      execArgv: ["--import", "tsx"],
      env: { ...process.env, FAULTLINE_ROOT: this.opts.root },
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      cwd: this.opts.root,
    });
    this.child = child;
    let stderr = "";
    child.stderr?.on("data", (b: Buffer) => {
      stderr = (stderr + b.toString()).slice(-4000);
    });
    child.on("message", (m: { type: string; request?: number; report?: GradeReport; message?: string; trace?: TraceJson | null }) => {
      if (child !== this.child) return;
      if (m.type === "ready") {
        this.ready = true;
        if (this.pending !== null) this.regrade(this.pending, this.pendingTrigger);
        return;
      }
      const replay = m.request !== undefined ? this.replays.get(m.request) : undefined;
      if (replay) {
        this.replays.delete(m.request!);
        replay(m.type === "replayed" ? (m.trace ?? null) : null);
        return;
      }
      if (!this.inFlight || m.request !== this.inFlight.request) return;
      const { since, trigger, digest } = this.inFlight;
      if (m.type === "failing") {
        // The verdict is known (a scenario failed); the rest of the report is on its way.
        this.set({ report: m.report!, problem: null, latencyMs: Math.round(performance.now() - since), trigger, gradedAt: new Date(), partial: true });
        return;
      }
      this.settle();
      if (m.type === "report") this.verdict(m.report!, since, trigger, digest);
      else this.verdictProblem(`Grading failed: ${m.message}`, since, trigger);
      if (this.pending !== null) this.regrade(this.pending, this.pendingTrigger);
    });
    child.on("exit", (code, signal) => {
      if (child !== this.child || this.closed) return;
      this.endReplays();
      const since = this.inFlight?.since ?? performance.now();
      const trigger = this.inFlight?.trigger ?? null;
      this.settle();
      this.verdictProblem(`The grading process stopped (${signal ?? `exit code ${code}`}) — your code may have crashed it (out of memory? process.exit?). Save again to regrade.${stderr.trim() ? `\n${stderr.trim().split("\n").slice(-5).join("\n")}` : ""}`, since, trigger);
      this.spawn();
    });
  }

  private settle(): void {
    if (this.limit) clearTimeout(this.limit);
    this.limit = null;
    this.inFlight = null;
  }

  private restart(): void {
    const old = this.child;
    this.child = null;
    this.settle();
    this.endReplays();
    old?.kill("SIGKILL");
    if (!this.closed) this.spawn();
  }

  private verdict(report: GradeReport, since: number, trigger: WatchState["trigger"], digest: string | null): void {
    let warning: string | null = null;
    if (this.opts.recordProgress ?? (this.opts.target ?? "exercises") === "exercises") {
      try {
        const r = updateProgress(this.opts.root, (p) => {
          for (const e of report.exercises) recordGrade(p, e.id, e.status, new Date(), e.id === this.opts.exercise.id ? digest : null);
        });
        warning = r.warning;
      } catch (e) {
        warning = `Could not save progress: ${(e as Error).message}`;
      }
    }
    // An early verdict keeps its latency: the learner saw the failure then.
    const latencyMs = this.state.partial ? this.state.latencyMs : Math.round(performance.now() - since);
    this.set({ phase: this.pending !== null ? "grading" : "idle", report, problem: null, latencyMs, trigger, gradedAt: new Date(), warning, partial: false });
  }

  private verdictProblem(problem: string, since: number, trigger: WatchState["trigger"]): void {
    this.set({ phase: "idle", problem, latencyMs: Math.round(performance.now() - since), trigger, gradedAt: new Date(), partial: false });
  }

  private set(change: Partial<WatchState>): void {
    this.state = { ...this.state, ...change };
    this.emit("state", this.state);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.endReplays();
    const busy = this.inFlight !== null;
    this.watcher?.close();
    if (this.debounce) clearTimeout(this.debounce);
    this.settle();
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => child.kill("SIGKILL"), 1500);
      child.once("exit", () => {
        clearTimeout(kill);
        resolve();
      });
      // A grader still starting (or busy with learner code) has nothing to save: stop it now.
      if (child.connected && this.ready && !busy) child.disconnect();
      else child.kill("SIGKILL");
    });
  }
}
