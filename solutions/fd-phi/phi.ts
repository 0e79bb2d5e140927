// Reference solution for `fd-phi`: the φ accrual failure detector
// (Hayashibara, Défago, Yared & Katayama, "The φ Accrual Failure Detector",
// 2004), with the choices Akka made: a bounded window of heartbeat intervals,
// a bootstrap guess for the first interval, a minimum standard deviation and
// an acceptable pause added to the mean.
//
// Instead of "alive or dead", the detector outputs a level of suspicion:
// φ = -log10(P(a heartbeat arrives later than this)), assuming intervals are
// normally distributed. φ = 1 means a 10% chance we are wrong to suspect,
// φ = 8 one in a hundred million. The node suspects a peer once φ crosses a
// threshold.

import type { Ctx, Node, NodeId } from "faultline/sim";

// ---------------------------------------------------------------------------
// Part 1: the pure pieces.

/**
 * φ when `elapsed` ms have passed since the last heartbeat and intervals
 * between heartbeats have this mean and standard deviation. Uses the logistic
 * approximation of the normal distribution's tail that Akka uses:
 * y = (elapsed − mean) / stdDev, e = exp(−y (1.5976 + 0.070566 y²)).
 */
export function phi(elapsed: number, mean: number, stdDev: number): number {
  const y = (elapsed - mean) / stdDev;
  const e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
  // Two forms of the same value, each numerically safe on its side of the mean.
  const p = elapsed > mean ? -Math.log10(e / (1 + e)) : -Math.log10(1 - 1 / (1 + e));
  return p === 0 ? 0 : p; // -log10(1) is -0: report a plain 0
}

/** The last `maxSampleSize` intervals between heartbeats, with a running sum and sum of squares. */
export class HeartbeatHistory {
  private readonly intervals: number[] = [];
  private sum = 0;
  private squares = 0;

  constructor(readonly maxSampleSize: number) {
    if (!(maxSampleSize >= 1)) throw new RangeError("maxSampleSize must be at least 1");
  }

  /** Adds an interval (ms), forgetting the oldest once the window is full. */
  add(interval: number): void {
    if (this.intervals.length >= this.maxSampleSize) {
      const oldest = this.intervals.shift()!;
      this.sum -= oldest;
      this.squares -= oldest * oldest;
    }
    this.intervals.push(interval);
    this.sum += interval;
    this.squares += interval * interval;
  }

  get size(): number {
    return this.intervals.length;
  }

  get mean(): number {
    return this.sum / this.intervals.length;
  }

  /** Population variance: mean of squares minus square of the mean. */
  get variance(): number {
    return this.squares / this.intervals.length - this.mean * this.mean;
  }

  get stdDeviation(): number {
    return Math.sqrt(Math.max(0, this.variance));
  }
}

/**
 * A history that starts from a guess, before any real interval is known: two
 * intervals a quarter of the estimate either side of it (mean = estimate,
 * standard deviation = estimate / 4).
 */
export function bootstrapHistory(firstHeartbeatEstimateMs: number, maxSampleSize: number): HeartbeatHistory {
  const h = new HeartbeatHistory(maxSampleSize);
  const sd = firstHeartbeatEstimateMs / 4;
  h.add(firstHeartbeatEstimateMs - sd);
  h.add(firstHeartbeatEstimateMs + sd);
  return h;
}

export interface PhiOptions {
  /** Suspect once φ exceeds this. */
  threshold: number;
  /** How many intervals the history keeps. */
  maxSampleSize: number;
  /** A floor for the standard deviation: perfectly regular heartbeats must not make φ explode. */
  minStdDeviationMs: number;
  /** Extra silence tolerated on top of the mean (e.g. a GC pause). */
  acceptablePauseMs: number;
  /** The guess for the interval before any is measured. */
  firstHeartbeatEstimateMs: number;
}

/** φ accrual for one monitored node, on the caller's clock. */
export class PhiAccrual {
  private history: HeartbeatHistory | null = null;
  private last: number | null = null;

  constructor(readonly opts: PhiOptions) {}

  /** Records a heartbeat that arrived at `now`. */
  heartbeat(now: number): void {
    if (this.last === null || this.history === null) {
      this.history = bootstrapHistory(this.opts.firstHeartbeatEstimateMs, this.opts.maxSampleSize);
    } else if (this.isAvailable(now)) {
      // The first heartbeat after a long silence says nothing about normal intervals: leave it out.
      this.history.add(now - this.last);
    }
    this.last = now;
  }

  /** φ at `now`: 0 before any heartbeat. */
  phi(now: number): number {
    if (this.last === null || this.history === null) return 0;
    const sd = Math.max(this.history.stdDeviation, this.opts.minStdDeviationMs);
    return phi(now - this.last, this.history.mean + this.opts.acceptablePauseMs, sd);
  }

  isAvailable(now: number): boolean {
    return this.phi(now) < this.opts.threshold;
  }
}

// ---------------------------------------------------------------------------
// Part 2: the detector node.

/** How often each node sends a heartbeat to every other node. */
export const HEARTBEAT_MS = 100;
/** How often a node re-evaluates φ for its peers. */
export const CHECK_MS = 20;
/** The settings the grader uses (scaled-down Akka defaults). */
export const OPTIONS: PhiOptions = {
  threshold: 8,
  maxSampleSize: 200,
  minStdDeviationMs: 20,
  acceptablePauseMs: 300,
  firstHeartbeatEstimateMs: HEARTBEAT_MS,
};

export type Heartbeat = { type: "heartbeat" };
export type PhiMsg = Heartbeat;
export type DetectorOutput = { type: "suspect"; node: NodeId } | { type: "restore"; node: NodeId };

export interface Detector extends Node<PhiMsg> {
  /** The nodes this node suspects right now, sorted. */
  suspects(): NodeId[];
  /** φ for `peer` right now (for charts). */
  phiOf(peer: NodeId): number;
}

export function createDetector(ctx: Ctx<PhiMsg, DetectorOutput>): Detector {
  const suspected = new Set<NodeId>();
  const accrual = new Map<NodeId, PhiAccrual>(ctx.peers.map((p) => [p, new PhiAccrual(OPTIONS)]));

  return {
    onStart() {
      // Pretend every peer just said hello: a peer that is already dead when we
      // start is then suspected like any other, instead of trusted forever.
      for (const a of accrual.values()) a.heartbeat(ctx.now());
      ctx.setTimer("beat", 0);
      ctx.setTimer("check", CHECK_MS);
    },
    onMessage(from, msg) {
      if (msg.type !== "heartbeat") return;
      accrual.get(from)?.heartbeat(ctx.now());
      if (suspected.delete(from)) ctx.output({ type: "restore", node: from });
    },
    onTimer(name) {
      if (name === "beat") {
        for (const p of ctx.peers) ctx.send(p, { type: "heartbeat" });
        ctx.setTimer("beat", HEARTBEAT_MS);
        return;
      }
      for (const [p, a] of accrual) {
        if (!suspected.has(p) && !a.isAvailable(ctx.now())) {
          suspected.add(p);
          ctx.output({ type: "suspect", node: p });
        }
      }
      ctx.setTimer("check", CHECK_MS);
    },
    suspects: () => [...suspected].sort(),
    phiOf: (p) => accrual.get(p)?.phi(ctx.now()) ?? 0,
  };
}
