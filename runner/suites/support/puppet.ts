// Puppets: harness-driven peers for rule-by-rule scenarios. The node under
// test talks to a puppet as to any peer; the scenario writes what the puppet
// says (including stale, duplicated and late messages) and reads what it was
// told. A puppet answers nothing by itself unless the scenario gives it a
// `reply` or `answer` rule, so each rule can be driven alone. Puppets are
// harness code, not learner code: the scenario reads their inboxes and calls
// them directly.

import type { Ctx, Node, NodeFactory, NodeId, SimOptions, Simulation } from "../../sim/index.ts";
import type { Lab } from "../harness/exercise.ts";

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
  /** Or answers by calling `send` itself, to anyone (null: it never answers). */
  answer: ((from: NodeId, msg: M, send: (to: NodeId, msg: M) => void) => void) | null;
}

export function puppet<M = unknown>(ctx: Ctx<M>): Puppet<M> {
  const send = (to: NodeId, msg: M) => ctx.send(to, msg);
  const p: Puppet<M> = {
    inbox: [],
    reply: null,
    answer: null,
    send,
    onMessage(from, msg) {
      p.inbox.push({ t: ctx.now(), from, msg });
      p.answer?.(from, msg, send);
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
/** One node under test (the subject) among puppets. */
export class PuppetRig<M extends { type: string }> {
  readonly sim: Simulation;

  constructor(
    lab: Lab,
    readonly subject: NodeId,
    create: NodeFactory,
    readonly puppets: readonly NodeId[],
    opts: Omit<SimOptions, "seed" | "nodes"> = {},
  ) {
    const nodes: Record<NodeId, NodeFactory> = { [subject]: create };
    for (const p of puppets) nodes[p] = puppet;
    this.sim = lab.simulation({ network: { delayMs: [5, 5] }, ...opts, nodes });
  }

  puppet(p: NodeId): Puppet<M> {
    return this.sim.node<Puppet<M>>(p)!;
  }

  /** Puppet `from` sends `msg` to the subject now. */
  say(from: NodeId, msg: M): void {
    this.sim.call<Puppet<M>, void>(from, "send", (x) => x.send(this.subject, msg));
  }

  /** At virtual time `t`, puppet `from` sends `msg` to the subject. */
  sayAt(t: number, from: NodeId, msg: M): void {
    this.sim.at(t, () => this.say(from, msg));
  }

  /** From virtual time `from`, every `periodMs` until `until`, puppet `from` sends the subject `msg(k)` (k = 1, 2, …). */
  every(who: NodeId, from: number, periodMs: number, until: number, msg: (k: number) => M): void {
    let k = 0;
    const tick = (t: number) => {
      if (t >= until) return;
      this.say(who, msg(++k));
      this.sim.at(t + periodMs, () => tick(t + periodMs));
    };
    this.sim.at(from, () => tick(from));
  }

  /** What the subject sent to puppet `to` (every puppet when omitted), optionally of one type. */
  sent<T extends M["type"]>(type?: T, to?: NodeId): (Received<Extract<M, { type: T }>> & { to: NodeId })[] {
    const out: (Received<Extract<M, { type: T }>> & { to: NodeId })[] = [];
    for (const p of to === undefined ? this.puppets : [to])
      for (const r of this.puppet(p).inbox) if (r.from === this.subject && (type === undefined || r.msg.type === type)) out.push({ ...(r as Received<Extract<M, { type: T }>>), to: p });
    return out.sort((a, b) => a.t - b.t);
  }

  /** The subject's outputs, in order. */
  outputs<Out>(): { t: number; value: Out }[] {
    return this.sim.outputsOf<Out>(this.subject).map((o) => ({ t: o.t, value: o.value }));
  }
}
