// Reference solution for `fd-adaptive`: an eventually perfect detector (◇P)
// for a partially synchronous network. Heartbeats as in fd-heartbeat, but each
// peer has its own timeout, and every suspicion that turns out wrong makes that
// timeout longer. Once delays are bounded (after the unknown stabilisation
// time) the timeouts stop growing after finitely many mistakes; a crashed node
// sends nothing, so it is suspected whatever the timeout has grown to.

import type { Ctx, Node, NodeId } from "faultline/sim";

/** How often each node sends a heartbeat to every other node. */
export const HEARTBEAT_MS = 100;
/** Where every peer's timeout starts. */
export const INITIAL_TIMEOUT_MS = 200;

export type Heartbeat = { type: "heartbeat"; seq: number };
export type AdaptiveMsg = Heartbeat;
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
  let seq = 0;

  const beat = () => {
    seq++;
    for (const p of ctx.peers) ctx.send(p, { type: "heartbeat", seq });
    ctx.setTimer("beat", HEARTBEAT_MS);
  };
  const watch = (p: NodeId) => ctx.setTimer(`silence ${p}`, timeout.get(p)!);

  return {
    onStart() {
      beat();
      for (const p of ctx.peers) watch(p);
    },
    onMessage(from, msg) {
      if (msg.type !== "heartbeat") return;
      if (suspected.delete(from)) {
        // We were wrong: it was slow, not dead. Be more patient with it from now on. Doubling
        // reaches any unknown bound after a few mistakes (adding a constant would too, but slowly).
        timeout.set(from, timeout.get(from)! * 2);
        ctx.output({ type: "restore", node: from });
      }
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
    timeoutFor: (p) => timeout.get(p) ?? INITIAL_TIMEOUT_MS,
  };
}
