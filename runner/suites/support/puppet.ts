// Puppets: harness-driven peers for rule-by-rule scenarios. The node under
// test talks to a puppet as to any peer; the scenario decides exactly what
// the puppet says (including stale, duplicated, malformed or wrongly typed
// messages) and reads what it was told. Pure harness code: no learner code
// runs in a puppet.

import type { Ctx, Node, NodeId, Simulation } from "../../sim/index.ts";

export interface Received<M> {
  t: number;
  from: NodeId;
  msg: M;
}

export interface Puppet<M> extends Node<M> {
  /** Every message this puppet received, in order. */
  readonly inbox: Received<M>[];
  send(to: NodeId, msg: unknown): void;
}

export function puppet<M = unknown>(ctx: Ctx<unknown>): Puppet<M> {
  const inbox: Received<M>[] = [];
  return {
    inbox,
    send: (to, msg) => ctx.send(to, msg),
    onMessage(from, msg) {
      inbox.push({ t: ctx.now(), from, msg: msg as M });
    },
  };
}

/** Puppet `from` sends `msg` to `to`; then virtual time moves on `ms`. */
export function say(sim: Simulation, from: NodeId, to: NodeId, msg: unknown, ms = 20): void {
  sim.call<Puppet<unknown>, void>(from, "send", (p) => p.send(to, msg));
  sim.run(ms);
}

/** What puppet `id` has received so far. */
export function inboxOf<M>(sim: Simulation, id: NodeId): readonly Received<M>[] {
  return sim.node<Puppet<M>>(id)?.inbox ?? [];
}
