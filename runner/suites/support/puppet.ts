// Puppets: harness-driven peers for rule-by-rule scenarios. The node under
// test talks to a puppet as to any peer; the scenario writes what the puppet
// says (including stale, duplicated and late messages) and reads what it was
// told. A puppet answers nothing by itself unless the scenario gives it a
// `reply` rule, so each rule can be driven alone.

import type { Ctx, Node, NodeId, Simulation } from "../../sim/index.ts";

export interface Heard<M> {
  t: number;
  from: NodeId;
  msg: M;
}

export interface Puppet<M> extends Node<M> {
  /** Every message the puppet received, in arrival order. */
  readonly inbox: Heard<M>[];
  send(to: NodeId, msg: M): void;
  /** Answers a message as it arrives (nothing when it returns nothing). */
  reply: ((from: NodeId, msg: M) => readonly M[] | M | void) | null;
}

export function puppet<M = unknown>(ctx: Ctx<M>): Puppet<M> {
  const p: Puppet<M> = {
    inbox: [],
    reply: null,
    send: (to, msg) => ctx.send(to, msg),
    onMessage(from, msg) {
      p.inbox.push({ t: ctx.now(), from, msg });
      const answer = p.reply?.(from, msg);
      if (answer === undefined) return;
      for (const m of Array.isArray(answer) ? answer : [answer as M]) ctx.send(from, m);
    },
  };
  return p;
}

/** A scenario's handle on the puppets of one simulation. */
export class Puppets<M> {
  constructor(readonly sim: Simulation) {}

  of(id: NodeId): Puppet<M> {
    const p = this.sim.node<Puppet<M>>(id);
    if (!p) throw new Error(`${id} is not a running puppet`);
    return p;
  }

  /** Puppet `from` sends `msg` to `to` now. */
  say(from: NodeId, to: NodeId, msg: M): void {
    this.sim.call<Puppet<M>, void>(from, "send", (p) => p.send(to, msg));
  }

  /** What puppet `id` has received, optionally only messages of one type. */
  heard<T extends string>(id: NodeId, type?: T): Heard<Extract<M, { type: T }>>[] {
    return this.of(id).inbox.filter((h) => type === undefined || (h.msg as { type?: string }).type === type) as Heard<Extract<M, { type: T }>>[];
  }
}

/** What a puppet received (the name some suites use). */
export type Received<M> = Heard<M>;

/** Puppet `from` sends `msg` to `to`; then virtual time moves on `ms`. */
export function say(sim: Simulation, from: NodeId, to: NodeId, msg: unknown, ms = 20): void {
  sim.call<Puppet<unknown>, void>(from, "send", (p) => p.send(to, msg));
  sim.run(ms);
}

/** What puppet `id` has received so far. */
export function inboxOf<M>(sim: Simulation, id: NodeId): readonly Received<M>[] {
  return sim.node<Puppet<M>>(id)?.inbox ?? [];
}
