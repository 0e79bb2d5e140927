// Causal broadcast: the delivery layer the lab gives operation-based CRDTs
// (lesson 11, "Operations instead of states"). Every operation a node
// broadcasts reaches every other node exactly once, and never before the
// operations its sender had delivered when it sent it — whatever the network
// drops, duplicates, reorders or partitions, as long as it eventually heals.
//
// How: each operation carries (origin, seq) and its sender's version vector
// (`deps`). A receiver delivers it once every dependency is delivered, buffers
// it until then, and ignores copies it already has. Each node keeps every
// operation it delivered and, on a timer, tells its peers what it has (its
// version vector); a peer that has more sends the missing operations back.
// Any node can relay any origin's operations, so a partitioned origin's work
// still spreads.

import type { Ctx, NodeId } from "../../sim/index.ts";

export type VersionVector = { [replica: NodeId]: number };

export type CausalOp<P> = { type: "causal-op"; origin: NodeId; seq: number; deps: VersionVector; payload: P };
export type CausalSync = { type: "causal-sync"; have: VersionVector };
export type CausalMsg<P> = CausalOp<P> | CausalSync;

export interface CausalOptions {
  /** How often a node tells its peers what it has (ms). */
  syncMs?: number;
  /** At most this many operations are resent in answer to one sync. */
  batch?: number;
}

export const CAUSAL_SYNC_TIMER = "causal-sync";

export class CausalBroadcast<P> {
  /** How many operations of each origin this node has delivered (and, for itself, broadcast). */
  readonly vv: VersionVector = {};
  private readonly log = new Map<NodeId, CausalOp<P>[]>();
  private readonly waiting = new Map<string, CausalOp<P>>();
  private readonly syncMs: number;
  private readonly batch: number;

  constructor(
    private readonly ctx: Ctx<CausalMsg<P>>,
    /** Called exactly once per remote operation, in causal order. */
    private readonly deliver: (payload: P, origin: NodeId) => void,
    opts: CausalOptions = {},
  ) {
    this.syncMs = opts.syncMs ?? 100;
    this.batch = opts.batch ?? 64;
  }

  /** Call from the node's onStart. */
  start(): void {
    this.ctx.setTimer(CAUSAL_SYNC_TIMER, this.syncMs);
  }

  /** Sends an operation the node has already applied locally to every peer. */
  broadcast(payload: P): void {
    const self = this.ctx.id;
    const op: CausalOp<P> = { type: "causal-op", origin: self, seq: (this.vv[self] ?? 0) + 1, deps: { ...this.vv }, payload };
    this.record(op);
    for (const p of this.ctx.peers) this.ctx.send(p, op);
  }

  /** Returns true when the message belonged to this layer. */
  onMessage(from: NodeId, msg: CausalMsg<P>): boolean {
    if (msg.type === "causal-op") {
      this.receive(msg);
      return true;
    }
    if (msg.type === "causal-sync") {
      this.resendMissing(from, msg.have);
      return true;
    }
    return false;
  }

  /** Returns true when the timer belonged to this layer. */
  onTimer(name: string): boolean {
    if (name !== CAUSAL_SYNC_TIMER) return false;
    for (const p of this.ctx.peers) this.ctx.send(p, { type: "causal-sync", have: { ...this.vv } });
    this.ctx.setTimer(CAUSAL_SYNC_TIMER, this.syncMs);
    return true;
  }

  private record(op: CausalOp<P>): void {
    this.vv[op.origin] = op.seq;
    let l = this.log.get(op.origin);
    if (!l) this.log.set(op.origin, (l = []));
    l[op.seq - 1] = op;
  }

  private ready(op: CausalOp<P>): boolean {
    if ((this.vv[op.origin] ?? 0) !== op.seq - 1) return false;
    for (const [r, n] of Object.entries(op.deps)) if (r !== op.origin && (this.vv[r] ?? 0) < n) return false;
    return true;
  }

  private receive(op: CausalOp<P>): void {
    if (op.seq <= (this.vv[op.origin] ?? 0)) return; // a copy we already delivered
    this.waiting.set(`${op.origin}#${op.seq}`, op);
    // Deliver everything that has become ready, until nothing more is.
    for (let progress = true; progress; ) {
      progress = false;
      for (const [k, w] of this.waiting) {
        if (w.seq <= (this.vv[w.origin] ?? 0)) {
          this.waiting.delete(k);
          continue;
        }
        if (!this.ready(w)) continue;
        this.waiting.delete(k);
        this.record(w);
        this.deliver(w.payload, w.origin);
        progress = true;
      }
    }
  }

  private resendMissing(to: NodeId, have: VersionVector): void {
    let budget = this.batch;
    for (const [origin, ops] of this.log) {
      for (let s = (have[origin] ?? 0) + 1; s <= ops.length && budget > 0; s++, budget--) this.ctx.send(to, ops[s - 1]!);
    }
  }
}
