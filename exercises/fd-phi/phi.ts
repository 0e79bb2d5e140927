// Exercise `fd-phi` — the φ accrual failure detector.
// Lesson: lessons/03-failure-detectors.md ("Suspicion as a number: φ accrual").
//
// Instead of answering "alive or dead", a φ accrual detector (Hayashibara et
// al., 2004) answers "how sure am I that it is dead?":
//   φ = -log10(P(the next heartbeat arrives even later than now)),
// assuming the intervals between heartbeats are normally distributed with the
// mean and standard deviation measured so far. φ = 1: a 10% chance that
// suspecting is a mistake; φ = 3: 0.1%; φ = 8: one in a hundred million.
//
// Part 1 is pure functions and classes, graded against the test vectors of
// Akka's implementation (which the lesson explains). Part 2 uses them in a
// node; the grader sends jittery heartbeats, pauses nodes (GC pauses shorter
// than the acceptable pause), crashes some and splits the network, and measures
// detection time and false suspicions. As in fd-heartbeat: say each change of
// mind once, keep suspects() in step, and keep heartbeating suspects.

import { todo, type Ctx, type Node, type NodeId } from "faultline/sim";

// ---------------------------------------------------------------------------
// Part 1: the pure pieces.

/**
 * φ when `elapsed` ms have passed since the last heartbeat and the intervals
 * between heartbeats have this `mean` and standard deviation `stdDev`.
 * Use the logistic approximation of the normal distribution that Akka uses:
 *   y = (elapsed - mean) / stdDev
 *   e = Math.exp(-y * (1.5976 + 0.070566 * y * y))
 *   if elapsed > mean:  φ = -log10(e / (1 + e))
 *   otherwise:          φ = -log10(1 - 1 / (1 + e))
 * (Two forms of one value: each stays accurate on its side of the mean.)
 * Never return -0: JavaScript's -Math.log10(1) is -0, and the grader compares with Object.is.
 */
export function phi(elapsed: number, mean: number, stdDev: number): number {
  return todo("compute phi");
}

/**
 * The last `maxSampleSize` intervals between heartbeats (a sliding window).
 * Keep a running sum and sum of squares so mean and variance are O(1):
 *   mean = sum / n,  variance = sumOfSquares / n - mean²  (population variance).
 * When the window is full, adding an interval forgets the oldest one.
 */
export class HeartbeatHistory {
  constructor(readonly maxSampleSize: number) {}

  /** Adds an interval (ms). */
  add(interval: number): void {
    todo("HeartbeatHistory.add");
  }

  get size(): number {
    return todo("HeartbeatHistory.size");
  }

  get mean(): number {
    return todo("HeartbeatHistory.mean");
  }

  get variance(): number {
    return todo("HeartbeatHistory.variance");
  }

  get stdDeviation(): number {
    return todo("HeartbeatHistory.stdDeviation");
  }
}

/**
 * A history to start from before any real interval is known: the two
 * intervals `estimate - estimate/4` and `estimate + estimate/4` (so the mean is
 * the estimate and the standard deviation a quarter of it).
 */
export function bootstrapHistory(firstHeartbeatEstimateMs: number, maxSampleSize: number): HeartbeatHistory {
  return todo("bootstrapHistory");
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

/**
 * φ accrual for one monitored node, on the caller's clock (times in ms).
 *   heartbeat(now): the first heartbeat starts a bootstrapHistory; each later
 *     one adds the interval since the previous heartbeat — but only if the node
 *     was available just before (isAvailable(now)): the first heartbeat after
 *     a long silence would distort the statistics.
 *   phi(now): 0 before any heartbeat; otherwise phi(elapsed since the last
 *     heartbeat, mean + acceptablePauseMs, max(stdDeviation, minStdDeviationMs)).
 *   isAvailable(now): phi(now) < threshold.
 */
export class PhiAccrual {
  constructor(readonly opts: PhiOptions) {}

  heartbeat(now: number): void {
    todo("PhiAccrual.heartbeat");
  }

  phi(now: number): number {
    return todo("PhiAccrual.phi");
  }

  isAvailable(now: number): boolean {
    return todo("PhiAccrual.isAvailable");
  }
}

// ---------------------------------------------------------------------------
// Part 2: the detector node.

/** How often each node sends a heartbeat to every other node. */
export const HEARTBEAT_MS = 100;
/** How often a node re-evaluates φ for its peers. */
export const CHECK_MS = 20;
/** The settings the grader uses (scaled-down Akka defaults); its detection bound assumes them. */
export const OPTIONS: PhiOptions = {
  threshold: 8,
  maxSampleSize: 200,
  minStdDeviationMs: 20,
  acceptablePauseMs: 300,
  firstHeartbeatEstimateMs: HEARTBEAT_MS,
};

export type Heartbeat = { type: "heartbeat" };
export type PhiMsg = Heartbeat;
/** Output one of these each time you change your mind about a node. */
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
      // 1. Treat every peer as having just sent a heartbeat (accrual.heartbeat(ctx.now())):
      //    otherwise a peer that is already dead when you start would be trusted forever (φ = 0).
      // 2. Heartbeat every HEARTBEAT_MS, and check every CHECK_MS.
      todo("start heartbeating and checking");
    },
    onMessage(from: NodeId, msg: PhiMsg) {
      // Record the heartbeat (on your own clock, ctx.now()); if `from` was suspected, restore it.
      todo("record a heartbeat");
    },
    onTimer(name: string) {
      // Heartbeat timer: send to every peer. Check timer: suspect (once) every
      // peer that is no longer available.
      todo("heartbeat and check");
    },
    suspects: () => [...suspected].sort(),
    phiOf: (p) => accrual.get(p)?.phi(ctx.now()) ?? 0,
  };
}
