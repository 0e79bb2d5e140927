// The lab for the logical-clock exercises (lesson 02): nodes that do local
// work and message each other at random, calling a learner's clock at every
// event, and the ground truth those timestamps are judged against — the
// happened-before relation, computed from the run itself.

import { causality } from "../../check/causality.ts";
import type { Ctx, Node, NodeFactory, NodeId, Simulation } from "../../sim/index.ts";

export interface ClockLike<S> {
  localEvent(): S;
  send(): S;
  receive(stamp: S): S;
}

export type EventKind = "local" | "send" | "receive";

/** What a workload node outputs for each event it performs. */
export interface ClockEvent<S> {
  kind: EventKind;
  /** `${node}#${k}`: the k-th event of that node (k from 1). */
  ev: string;
  stamp: S;
  /** For a receive: the send event it receives. */
  sendEv?: string;
}

type WorkMsg = { type: "work"; sendEv: string; stamp: unknown };

/** A node that performs `actions` random events, one every 5–30 ms: a third local, the rest sends to a random peer. */
export function workloadNode<S>(makeClock: (self: NodeId, nodes: readonly NodeId[]) => ClockLike<S>, actions = 30): NodeFactory<WorkMsg, ClockEvent<S>> {
  return (ctx: Ctx<WorkMsg, ClockEvent<S>>): Node<WorkMsg> => {
    const clock = makeClock(ctx.id, [...ctx.peers, ctx.id].sort());
    let k = 0;
    let done = 0;
    // Copy what the learner returns: the grader keeps it, the clock keeps counting.
    const copy = (s: S): S => JSON.parse(JSON.stringify(s)) as S;
    const record = (kind: EventKind, stamp: S, sendEv?: string): string => {
      const ev = `${ctx.id}#${++k}`;
      ctx.output(sendEv ? { kind, ev, stamp: copy(stamp), sendEv } : { kind, ev, stamp: copy(stamp) });
      return ev;
    };
    return {
      onStart() {
        ctx.setTimer("act", 5 + Math.floor(ctx.random() * 25));
      },
      onTimer() {
        if (done++ >= actions) return;
        if (ctx.random() < 1 / 3 || ctx.peers.length === 0) record("local", clock.localEvent());
        else {
          const to = ctx.peers[Math.floor(ctx.random() * ctx.peers.length)]!;
          const stamp = copy(clock.send());
          const ev = record("send", stamp);
          ctx.send(to, { type: "work", sendEv: ev, stamp: stamp as never });
        }
        ctx.setTimer("act", 5 + Math.floor(ctx.random() * 25));
      },
      onMessage(_from, msg) {
        record("receive", clock.receive(copy(msg.stamp as S)), msg.sendEv);
      },
    };
  };
}

export interface Recorded<S> {
  events: (ClockEvent<S> & { node: NodeId; t: number })[];
  /** happenedBefore(i, j): event i happened before event j (indices into `events`). */
  happenedBefore(i: number, j: number): boolean;
  /** A chain of events witnessing i → j, for explanations. */
  chain(i: number, j: number): string[];
}

/** The run's events (in output order, which respects causality) and their happened-before relation. */
export function record<S>(sim: Simulation): Recorded<S> {
  const events = sim.outputs.map((o) => ({ ...(o.value as ClockEvent<S>), node: o.node, t: o.t }));
  const c = causality(events.map((e) => ({ node: e.node, ev: e.ev, sendEv: e.kind === "receive" ? e.sendEv : undefined })));
  return { events, happenedBefore: c.happenedBefore, chain: c.chain };
}

export function describeEvent<S>(e: ClockEvent<S> & { t: number }): string {
  const what = e.kind === "receive" ? `receive of ${e.sendEv}` : e.kind;
  return `${e.ev} (${what} at t=${e.t} ms, stamp ${JSON.stringify(e.stamp)})`;
}
