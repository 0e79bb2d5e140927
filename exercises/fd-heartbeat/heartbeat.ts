// Exercise `fd-heartbeat` — a heartbeat failure detector with a fixed timeout.
// Lesson: lessons/03-failure-detectors.md ("The simplest detector").
//
// Every node monitors every other node:
//   - every HEARTBEAT_MS, send {type: "heartbeat", seq} to each peer;
//   - suspect a peer you have not heard from for TIMEOUT_MS, and say so once
//     with ctx.output({type: "suspect", node});
//   - if a heartbeat arrives from a suspected peer, you were wrong: withdraw
//     the suspicion with ctx.output({type: "restore", node}).
//
// The grader crashes, pauses and restarts nodes. It checks strong
// completeness (a crashed node is suspected by every live node within
// TIMEOUT_MS + HEARTBEAT_MS + the network delay, and stays suspected), strong
// accuracy while the network is synchronous (nobody alive is ever suspected),
// and the cost: at most one heartbeat per peer per period. Your outputs are
// the specification: say each change of mind once (never suspect a node you
// already suspect, never restore one you do not), keep suspects() in step with
// them, and keep heartbeating suspects too — after a partition heals, that is
// how they learn you are alive.
//
// Run `npx faultline grade fd-heartbeat` to check your work.

import { todo, type Ctx, type Node, type NodeId } from "faultline/sim";

// The grader's bounds assume these two values: keep them.

/** How often each node sends a heartbeat to every other node. */
export const HEARTBEAT_MS = 100;
/** Silence after which a node is suspected. Must exceed the longest gap between heartbeats. */
export const TIMEOUT_MS = 300;

/** `seq` counts this node's heartbeats since it (re)started. */
export type Heartbeat = { type: "heartbeat"; seq: number };
export type HeartbeatMsg = Heartbeat;
/** Output one of these each time you change your mind about a node. */
export type DetectorOutput = { type: "suspect"; node: NodeId } | { type: "restore"; node: NodeId };

export interface Detector extends Node<HeartbeatMsg> {
  /** The nodes this node suspects right now, sorted. */
  suspects(): NodeId[];
}

export function createDetector(ctx: Ctx<HeartbeatMsg, DetectorOutput>): Detector {
  const suspected = new Set<NodeId>();
  let seq = 0;

  return {
    onStart() {
      // Runs at boot and after every restart (all timers are gone after a crash).
      // 1. Send the first round of heartbeats and schedule the next (ctx.setTimer).
      // 2. Start watching every peer: a timer per peer that fires after TIMEOUT_MS of silence.
      //    Give each peer's timer its own name — a timer with the same name replaces the old one.
      todo("start heartbeating and watching every peer");
    },
    onMessage(from: NodeId, msg: HeartbeatMsg) {
      // A heartbeat proves `from` is alive now: restart its silence timer, and
      // if you suspected it, withdraw the suspicion (output "restore").
      // Careful with `seq`: a node that restarts counts from 1 again.
      todo("handle a heartbeat");
    },
    onTimer(name: string) {
      // Either it is time to send the next round of heartbeats,
      // or a peer has been silent for TIMEOUT_MS: suspect it (output "suspect" once).
      todo("handle the heartbeat timer and the silence timers");
    },
    suspects: () => [...suspected].sort(),
  };
}
