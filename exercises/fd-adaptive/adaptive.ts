// Exercise `fd-adaptive` — an eventually perfect failure detector (◇P).
// Lesson: lessons/03-failure-detectors.md ("Partial synchrony" and "◇P: be
// wrong, then learn").
//
// The network is partially synchronous: until some stabilisation time that
// nobody tells you, delays keep growing; after it they are bounded — by a
// bound nobody tells you either. No fixed timeout can be right. Instead:
//   - heartbeat every HEARTBEAT_MS, as in fd-heartbeat;
//   - keep a timeout per peer, starting at INITIAL_TIMEOUT_MS, and suspect a
//     peer silent for longer than its timeout (output {type: "suspect", node});
//   - when a suspected peer turns out to be alive, withdraw the suspicion
//     (output {type: "restore", node}) and grow that peer's timeout, so that
//     you make only finitely many mistakes once delays are bounded.
// (Another way that works: ping, and suspect after twice the largest round
// trip seen so far.)
//
// The grader checks strong completeness (every crashed node is eventually
// suspected by every live node, for good) and eventual strong accuracy (after
// stabilisation, eventually no live node is suspected), across pauses,
// restarts and partitions, and on a link far slower than the first guess.
// As in fd-heartbeat, say each change of mind once, keep suspects() and
// timeoutFor() in step with what you do, and keep heartbeating suspects.

import { todo, type Ctx, type Node, type NodeId } from "faultline/sim";

/** How often each node sends a heartbeat to every other node. */
export const HEARTBEAT_MS = 100;
/** Where every peer's timeout starts. */
export const INITIAL_TIMEOUT_MS = 200;

/** `seq` counts this node's heartbeats since it (re)started. */
export type Heartbeat = { type: "heartbeat"; seq: number };
export type AdaptiveMsg = Heartbeat;
/** Output one of these each time you change your mind about a node. */
export type DetectorOutput = { type: "suspect"; node: NodeId } | { type: "restore"; node: NodeId };

export interface Detector extends Node<AdaptiveMsg> {
  /** The nodes this node suspects right now, sorted. */
  suspects(): NodeId[];
  /** The current timeout for `peer`, in ms. */
  timeoutFor(peer: NodeId): number;
}

export function createDetector(ctx: Ctx<AdaptiveMsg, DetectorOutput>): Detector {
  const suspected = new Set<NodeId>();
  const timeout = new Map<NodeId, number>(ctx.peers.map((p) => [p, INITIAL_TIMEOUT_MS]));

  return {
    onStart() {
      // Start heartbeating, and start a silence timer per peer using that peer's timeout.
      todo("start heartbeating and watching every peer");
    },
    onMessage(from: NodeId, msg: AdaptiveMsg) {
      // Proof of life. If `from` was suspected, that was a mistake: restore it and
      // make its timeout longer. By how much? Anything that grows without bound is ◇P in
      // theory; the grader also wants a bound ten times your first guess learnt within a
      // few minutes (doubling gets there after a handful of mistakes; +1 ms never does).
      // Then re-arm its silence timer with its current timeout.
      todo("handle a heartbeat");
    },
    onTimer(name: string) {
      todo("handle the heartbeat timer and the silence timers");
    },
    suspects: () => [...suspected].sort(),
    timeoutFor: (p) => timeout.get(p) ?? INITIAL_TIMEOUT_MS,
  };
}
