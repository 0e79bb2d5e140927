// Simulator nodes that host a learner's CRDT replica (lesson 11).
//
// gossipNode — for state-based CRDTs: on a timer, the node sends its
//   replica's whole state to its peers; a node that receives a state merges
//   it. Nothing is acknowledged or retried: losing a state is harmless because
//   the next round carries everything again, and a duplicate or a stale state
//   merges to no effect. That is the point of a join.
//
// opNode — for operation-based CRDTs (the RGA): local updates return an
//   operation, which the lab's causal broadcast (causal.ts) delivers to every
//   other replica exactly once, in causal order.
//
// The harness (or a lesson cell) drives updates with
//   sim.call("n2", "add", (n: GossipNode<OrSet>) => n.update((r) => r.add("milk")))
// and reads values with sim.call(id, "value", (n) => n.replica.value()).
//
// A gossip node also carries a grow-only set of `events` (numbers the harness
// gives each update) merged along with the state, in the same messages. Suites
// use it as the ground truth of "which updates has this replica seen" when they
// compute the value the specification demands.

import type { Ctx, Node, NodeFactory, NodeId } from "../../sim/index.ts";
import { CausalBroadcast, type CausalMsg, type CausalOptions } from "./causal.ts";

/** What a state-based replica offers the node. */
export interface StateReplica<S> {
  state(): S;
  merge(other: S): void;
}

export type GossipMsg<S = unknown> = { type: "gossip"; state: S; events: number[] };

export interface GossipNode<R> extends Node<GossipMsg> {
  readonly replica: R;
  /** Harness bookkeeping: the updates this replica has seen (see above). */
  readonly events: ReadonlySet<number>;
  /** Runs a local update on the replica; `event` (optional) is recorded as seen. */
  update<T>(fn: (replica: R) => T, event?: number): T;
  /** This node's (possibly skewed) clock. */
  now(): number;
}

export interface GossipOptions {
  /** Gossip period (ms). Default 100. */
  intervalMs?: number;
  /** How many peers to send to each round: "all" (default) or a number picked at random. */
  fanout?: "all" | number;
  /**
   * Suites: stop with an error when a merge leaves the state longer than this
   * (as JSON). A merge that keeps copies of what it already has grows the
   * state exponentially under gossip; this says so before it swamps the run.
   */
  maxStateChars?: number;
}

export const GOSSIP_TIMER = "gossip";

/**
 * A node factory around a state-based replica built by `create(ctx.id)`.
 * States are copied on the way out and on the way in, so a replica may hand
 * out (and keep) its own objects without meeting a frozen message later.
 */
export function gossipNode<R extends StateReplica<S>, S = ReturnType<R["state"]>>(create: (id: NodeId) => R, opts: GossipOptions = {}): NodeFactory<GossipMsg<S>> {
  const every = opts.intervalMs ?? 100;
  const fanout = opts.fanout ?? "all";
  return (ctx: Ctx<GossipMsg<S>>): GossipNode<R> => {
    const replica = create(ctx.id);
    const events = new Set<number>();
    const targets = (): readonly NodeId[] => {
      if (fanout === "all" || fanout >= ctx.peers.length) return ctx.peers;
      const pool = [...ctx.peers];
      const out: NodeId[] = [];
      while (out.length < fanout) out.push(pool.splice(Math.floor(ctx.random() * pool.length), 1)[0]!);
      return out;
    };
    return {
      replica,
      events,
      now: () => ctx.now(),
      update<T>(fn: (r: R) => T, event?: number): T {
        const result = fn(replica);
        if (event !== undefined) events.add(event);
        return result;
      },
      onStart() {
        ctx.setTimer(GOSSIP_TIMER, every);
      },
      onTimer(name) {
        if (name !== GOSSIP_TIMER) return;
        const msg: GossipMsg<S> = { type: "gossip", state: structuredClone(replica.state()), events: [...events] };
        for (const p of targets()) ctx.send(p, msg);
        ctx.setTimer(GOSSIP_TIMER, every);
      },
      onMessage(from, msg) {
        if (msg.type !== "gossip") return;
        replica.merge(structuredClone(msg.state) as S);
        for (const e of msg.events) events.add(e);
        if (opts.maxStateChars !== undefined) {
          const size = JSON.stringify(replica.state())?.length ?? 0;
          if (size > opts.maxStateChars)
            throw new Error(`after merging a state from ${from}, ${ctx.id}'s state is ${size} characters long for a few dozen updates: merging what a replica already has must not grow its state`);
        }
      },
    };
  };
}

/** What an operation-based replica offers the node: applying a remote operation. */
export interface OpReplica<Op> {
  apply(op: Op): void;
}

export interface OpNode<R, Op> extends Node<CausalMsg<Op>> {
  readonly replica: R;
  /** Runs a local update that returns its operation, and broadcasts the operation. */
  update(fn: (replica: R) => Op): Op;
  /** Remote operations delivered so far, in delivery order (for checkers). */
  readonly delivered: readonly Op[];
}

/** A node factory around an operation-based replica, on top of the lab's causal broadcast. */
export function opNode<R extends OpReplica<Op>, Op>(create: (id: NodeId) => R, opts: CausalOptions = {}): NodeFactory<CausalMsg<Op>> {
  return (ctx: Ctx<CausalMsg<Op>>): OpNode<R, Op> => {
    const replica = create(ctx.id);
    const delivered: Op[] = [];
    const layer = new CausalBroadcast<Op>(
      ctx,
      (op) => {
        delivered.push(op);
        // Operations arrive frozen; hand the replica its own copy.
        replica.apply(structuredClone(op) as Op);
      },
      opts,
    );
    return {
      replica,
      delivered,
      update(fn) {
        const op = fn(replica);
        // The op travels in messages (frozen there): send a copy, so the replica may keep its own.
        layer.broadcast(structuredClone(op));
        return op;
      },
      onStart() {
        layer.start();
      },
      onTimer(name) {
        layer.onTimer(name);
      },
      onMessage(from, msg) {
        layer.onMessage(from, msg);
      },
    };
  };
}
