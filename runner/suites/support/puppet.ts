// Puppets: harness-driven peers for white-box rule tests. The node under test
// talks to them like to any peer; the scenario decides what they say, so one
// rule can be tested alone — with exactly the messages it is about, including
// stale, duplicated and late ones. Puppets are harness code, not learner code:
// the scenario reads their inboxes and calls them directly.

import type { Ctx, Node, NodeFactory, NodeId, Simulation, SimOptions } from "../../sim/index.ts";
import type { Lab } from "../harness/exercise.ts";

export interface Received<M> {
  t: number;
  from: NodeId;
  msg: M;
}

export interface Puppet<M> extends Node<M> {
  /** Every message the puppet received, in order. */
  readonly inbox: Received<M>[];
  /** Sends `msg` now, as this puppet. */
  send(to: NodeId, msg: M): void;
  /** How the puppet answers by itself (null: it never answers). */
  answer: ((from: NodeId, msg: M, reply: (to: NodeId, msg: M) => void) => void) | null;
}

export function puppet<M>(ctx: Ctx<M>): Puppet<M> {
  const send = (to: NodeId, msg: M) => ctx.send(to, msg);
  const p: Puppet<M> = {
    inbox: [],
    answer: null,
    send,
    onMessage(from, msg) {
      p.inbox.push({ t: ctx.now(), from, msg });
      p.answer?.(from, msg, send);
    },
  };
  return p;
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
