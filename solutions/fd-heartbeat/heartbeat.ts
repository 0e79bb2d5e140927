// Reference solution for `fd-heartbeat`: every node sends a heartbeat to every
// other node each period, and suspects a node it has not heard from for a
// fixed timeout. Perfect (P) while the network keeps its promises; wrong as
// soon as a delay exceeds the timeout.

import type { Ctx, Node, NodeId } from "faultline/sim";

/** How often each node sends a heartbeat to every other node. */
export const HEARTBEAT_MS = 100;
/** Silence after which a node is suspected. Must exceed the longest gap between heartbeats. */
export const TIMEOUT_MS = 300;

export type Heartbeat = { type: "heartbeat"; seq: number };
export type HeartbeatMsg = Heartbeat;
export type DetectorOutput = { type: "suspect"; node: NodeId } | { type: "restore"; node: NodeId };

export interface Detector extends Node<HeartbeatMsg> {
  /** The nodes this node suspects right now, sorted. */
  suspects(): NodeId[];
}

export function createDetector(ctx: Ctx<HeartbeatMsg, DetectorOutput>): Detector {
  const suspected = new Set<NodeId>();
  let seq = 0;

  const beat = () => {
    seq++;
    for (const p of ctx.peers) ctx.send(p, { type: "heartbeat", seq });
    ctx.setTimer("beat", HEARTBEAT_MS);
  };
  // One timer per peer, named after it: a timer with the same name replaces the old one.
  const watch = (p: NodeId) => ctx.setTimer(`silence ${p}`, TIMEOUT_MS);

  return {
    onStart() {
      beat();
      for (const p of ctx.peers) watch(p);
    },
    onMessage(from, msg) {
      if (msg.type !== "heartbeat") return;
      // Any heartbeat proves the sender is alive now — even one from a restarted node with a low seq.
      if (suspected.delete(from)) ctx.output({ type: "restore", node: from });
      watch(from);
    },
    onTimer(name) {
      if (name === "beat") return beat();
      const p = name.slice("silence ".length);
      if (!suspected.has(p)) {
        suspected.add(p);
        ctx.output({ type: "suspect", node: p });
      }
    },
    suspects: () => [...suspected].sort(),
  };
}
