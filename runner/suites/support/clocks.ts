// The lab for the logical-clock exercises (lesson 02): nodes that do local
// work and message each other at random, calling a learner's clock at every
// event, and the ground truth those timestamps are judged against — the
// happened-before relation, computed from the run itself. Also a host that
// holds one clock for rule-by-rule scenarios, and the check that a stamp the
// learner returned never changes afterwards.

import { causality } from "../../check/causality.ts";
import { expectThat } from "../../check/violation.ts";
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

/** A stamp as the learner's clock returned it (not a copy), and what it said at that moment. */
export interface Returned {
  ev: string;
  stamp: unknown;
  said: string;
}

/** Something that remembers the stamps its clock returned. */
export interface StampKeeper {
  returned(): readonly Returned[];
}

/**
 * Keeps each stamp a clock returns exactly as returned, beside a snapshot of
 * what it said then: the grader records copies, but it checks the learner's
 * own objects, so a clock that hands out its internal vector and keeps
 * counting in it is caught (see expectStampsUnchanged).
 */
function stampLog(): { keep(ev: string, stamp: unknown): void; returned(): readonly Returned[] } {
  const kept: Returned[] = [];
  return {
    keep(ev, stamp) {
      if (stamp !== null && typeof stamp === "object") kept.push({ ev, stamp, said: JSON.stringify(stamp) });
    },
    returned: () => kept,
  };
}

/** A node that performs `actions` random events, one every 5–30 ms: a third local, the rest sends to a random peer. */
export function workloadNode<S>(makeClock: (self: NodeId, nodes: readonly NodeId[]) => ClockLike<S>, actions = 30): NodeFactory<WorkMsg, ClockEvent<S>> {
  return (ctx: Ctx<WorkMsg, ClockEvent<S>>): Node<WorkMsg> & StampKeeper => {
    const clock = makeClock(ctx.id, [...ctx.peers, ctx.id].sort());
    const log = stampLog();
    let k = 0;
    let done = 0;
    // Record a copy of what the learner returns (the clock keeps counting); keep the original to check it never changes.
    const copy = (s: S): S => JSON.parse(JSON.stringify(s)) as S;
    const record = (kind: EventKind, stamp: S, sendEv?: string): string => {
      const ev = `${ctx.id}#${++k}`;
      log.keep(ev, stamp);
      ctx.output(sendEv ? { kind, ev, stamp: copy(stamp), sendEv } : { kind, ev, stamp: copy(stamp) });
      return ev;
    };
    return {
      returned: log.returned,
      onStart() {
        ctx.setTimer("act", 5 + Math.floor(ctx.random() * 25));
      },
      onTimer() {
        if (done++ >= actions) return;
        if (ctx.random() < 1 / 3 || ctx.peers.length === 0) record("local", clock.localEvent());
        else {
          const to = ctx.peers[Math.floor(ctx.random() * ctx.peers.length)]!;
          const stamp = clock.send();
          const ev = record("send", stamp);
          ctx.send(to, { type: "work", sendEv: ev, stamp: copy(stamp) as never });
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

/**
 * A stamp, once returned, never changes: the caller keeps it (in a message, a
 * log, a database row) while the clock counts on. Checked on the learner's
 * own objects, at the end of the run.
 */
export function expectStampsUnchanged(sim: Simulation): void {
  for (const id of sim.nodeIds) {
    const keeper = sim.node<Partial<StampKeeper>>(id);
    for (const r of keeper?.returned?.() ?? []) {
      const now = JSON.stringify(r.stamp);
      expectThat(now === r.said, "a stamp, once returned, never changes (return a fresh copy, not the clock's own vector)", () => `${id}'s clock returned ${r.said} for event ${r.ev}, and by t=${sim.now} ms that same object read ${now}`);
    }
  }
}

/** A node that only holds a clock, for scenarios that drive the clock call by call. */
export interface ClockHost<S> extends Node<never>, StampKeeper {
  /** Calls the clock and remembers what it returned. */
  tick(what: "localEvent" | "send"): S;
  receive(stamp: S): S;
}

export function clockHost<S>(makeClock: (self: NodeId, nodes: readonly NodeId[]) => ClockLike<S>): NodeFactory<never, never> {
  return (ctx: Ctx<never, never>): ClockHost<S> => {
    const clock = makeClock(ctx.id, [...ctx.peers, ctx.id].sort());
    const log = stampLog();
    let k = 0;
    const kept = (s: S): S => {
      log.keep(`${ctx.id}#${++k}`, s);
      return s;
    };
    return {
      returned: log.returned,
      tick: (what) => kept(what === "send" ? clock.send() : clock.localEvent()),
      receive: (stamp) => kept(clock.receive(stamp)),
      onMessage() {},
    };
  };
}

/** Drives the clock held by `host` from the harness (errors are reported like a handler's). */
export function drive<S>(sim: Simulation, host: NodeId): { tick(what: "localEvent" | "send"): S; receive(stamp: S): S } {
  return {
    tick: (what) => sim.call<ClockHost<S>, S>(host, what, (h) => h.tick(what)),
    receive: (stamp) => sim.call<ClockHost<S>, S>(host, "receive", (h) => h.receive(JSON.parse(JSON.stringify(stamp)) as S)),
  };
}
