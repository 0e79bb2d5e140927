// Reference solution for `fd-swim`: SWIM membership (Das, Gupta & Motivala,
// "SWIM: Scalable Weakly-consistent Infection-style Process Group Membership
// Protocol", 2002). Each period a member probes one other member; if the
// direct ping is not answered it asks K others to probe indirectly; if that
// fails too, the member becomes suspect, and only after a suspicion timeout is
// it declared dead. Incarnation numbers let a suspected live member refute the
// suspicion. All news travels piggybacked on probe traffic, so each member
// sends a constant number of messages per period whatever the group size.

import type { Ctx, Node, NodeId } from "faultline/sim";

/** One protocol period: one probe per member. */
export const PERIOD_MS = 200;
/** How long to wait for a direct ack before asking others to probe. */
export const PING_TIMEOUT_MS = 60;
/** How many members to ask for an indirect probe. */
export const INDIRECT_K = 3;
/** How long a member stays suspect before it is declared dead. */
export const SUSPICION_TIMEOUT_MS = 4000;
/** At most this many updates ride on one message. */
export const MAX_PIGGYBACK = 6;
/** Each update is piggybacked RETRANSMIT_MULT × ⌈log2(n + 1)⌉ times. */
export const RETRANSMIT_MULT = 3;

export type Status = "alive" | "suspect" | "dead";
/** News about one member: its status at an incarnation. */
export type Update = { node: NodeId; status: Status; incarnation: number };
export type Ping = { type: "ping"; seq: number; updates: Update[] };
/** `target` is the member whose liveness the ack confirms (for a relayed ack, not the sender). */
export type Ack = { type: "ack"; seq: number; target: NodeId; updates: Update[] };
export type PingReq = { type: "ping-req"; seq: number; target: NodeId; updates: Update[] };
export type SwimMsg = Ping | Ack | PingReq;
export type SwimOutput = { type: "suspect"; node: NodeId } | { type: "restore"; node: NodeId } | { type: "dead"; node: NodeId };

export interface Member extends Node<SwimMsg> {
  /** Every other member's status as this member sees it. */
  view(): Record<NodeId, Status>;
  /** This member's own incarnation number. */
  incarnation(): number;
}

export function createMember(ctx: Ctx<SwimMsg, SwimOutput>): Member {
  const members = new Map<NodeId, { status: Status; incarnation: number }>(ctx.peers.map((p) => [p, { status: "alive", incarnation: 0 }]));
  let incarnation = 0;
  let seq = 0;
  let order: NodeId[] = [];
  let probe: { target: NodeId; seq: number; acked: boolean } | null = null;
  /** Pings we send on behalf of others: our seq → who asked, with their seq. */
  const relays = new Map<number, { requester: NodeId; seq: number; target: NodeId; at: number }>();
  /** The latest news about each member, and how often it has been piggybacked. */
  const gossip = new Map<NodeId, { update: Update; sent: number }>();
  const maxSends = RETRANSMIT_MULT * Math.ceil(Math.log2(ctx.peers.length + 2));

  const spread = (u: Update) => gossip.set(u.node, { update: u, sent: 0 });

  /** The least-sent news first, at most MAX_PIGGYBACK items. */
  const piggyback = (): Update[] => {
    const items = [...gossip.values()].sort((a, b) => a.sent - b.sent).slice(0, MAX_PIGGYBACK);
    for (const g of items) if (++g.sent >= maxSends) gossip.delete(g.update.node);
    return items.map((g) => g.update);
  };

  const setStatus = (node: NodeId, status: Status, inc: number) => {
    const m = members.get(node)!;
    const was = m.status;
    m.status = status;
    m.incarnation = inc;
    spread({ node, status, incarnation: inc });
    if (status === "suspect") {
      ctx.setTimer(`suspicion ${node}`, SUSPICION_TIMEOUT_MS);
      if (was === "alive") ctx.output({ type: "suspect", node });
    } else {
      ctx.cancelTimer(`suspicion ${node}`);
      if (status === "dead") ctx.output({ type: "dead", node });
      else if (was === "suspect") ctx.output({ type: "restore", node });
    }
  };

  /** SWIM's precedence rules: dead beats everything; otherwise a higher incarnation wins, and at equal incarnations suspect beats alive. */
  const apply = (u: Update) => {
    if (u.node === ctx.id) {
      if (u.status !== "alive" && u.incarnation >= incarnation) {
        // Someone thinks we are suspect (or dead): refute with a newer incarnation.
        incarnation = u.incarnation + 1;
        spread({ node: ctx.id, status: "alive", incarnation });
      }
      return;
    }
    const m = members.get(u.node);
    if (!m || m.status === "dead") return;
    if (u.status === "dead") return setStatus(u.node, "dead", u.incarnation);
    if (u.status === "alive" && u.incarnation > m.incarnation) return setStatus(u.node, "alive", u.incarnation);
    if (u.status === "suspect" && (u.incarnation > m.incarnation || (u.incarnation === m.incarnation && m.status === "alive"))) setStatus(u.node, "suspect", u.incarnation);
  };

  const live = () => [...members].filter(([, m]) => m.status !== "dead").map(([p]) => p);

  /** Round-robin over a freshly shuffled list: random, yet every member is probed within two rounds. */
  const nextTarget = (): NodeId | null => {
    for (;;) {
      if (order.length === 0) {
        order = live();
        for (let i = order.length - 1; i > 0; i--) {
          const j = Math.floor(ctx.random() * (i + 1));
          [order[i], order[j]] = [order[j]!, order[i]!];
        }
        if (order.length === 0) return null;
      }
      const t = order.pop()!;
      if (members.get(t)!.status !== "dead") return t;
    }
  };

  const period = () => {
    // The previous probe got no ack, directly or indirectly: suspect its target.
    if (probe && !probe.acked) {
      const m = members.get(probe.target)!;
      if (m.status === "alive") setStatus(probe.target, "suspect", m.incarnation);
    }
    const target = nextTarget();
    probe = target === null ? null : { target, seq: ++seq, acked: false };
    if (probe) {
      ctx.send(probe.target, { type: "ping", seq: probe.seq, updates: piggyback() });
      ctx.setTimer("ping timeout", PING_TIMEOUT_MS);
    }
    // A relay's ack is useful only within the requester's period: forget older ones.
    for (const [s, r] of relays) if (ctx.now() - r.at > PERIOD_MS) relays.delete(s);
    ctx.setTimer("period", PERIOD_MS);
  };

  return {
    onStart() {
      ctx.setTimer("period", Math.floor(ctx.random() * PERIOD_MS)); // desynchronise members' periods
    },
    onMessage(from, msg) {
      for (const u of msg.updates) apply(u);
      switch (msg.type) {
        case "ping":
          ctx.send(from, { type: "ack", seq: msg.seq, target: ctx.id, updates: piggyback() });
          return;
        case "ping-req": {
          const mine = ++seq;
          relays.set(mine, { requester: from, seq: msg.seq, target: msg.target, at: ctx.now() });
          ctx.send(msg.target, { type: "ping", seq: mine, updates: piggyback() });
          return;
        }
        case "ack": {
          const relay = relays.get(msg.seq);
          if (relay && relay.target === msg.target) {
            relays.delete(msg.seq);
            ctx.send(relay.requester, { type: "ack", seq: relay.seq, target: relay.target, updates: piggyback() });
            return;
          }
          if (probe && msg.seq === probe.seq && msg.target === probe.target) probe.acked = true;
          return;
        }
      }
    },
    onTimer(name) {
      if (name === "period") return period();
      if (name === "ping timeout") {
        if (!probe || probe.acked) return;
        const target = probe.target;
        const helpers = live().filter((p) => p !== target);
        for (let i = 0; i < INDIRECT_K && helpers.length > 0; i++) {
          const h = helpers.splice(Math.floor(ctx.random() * helpers.length), 1)[0]!;
          ctx.send(h, { type: "ping-req", seq: probe.seq, target, updates: piggyback() });
        }
        return;
      }
      if (name.startsWith("suspicion ")) {
        const node = name.slice("suspicion ".length);
        const m = members.get(node);
        if (m && m.status === "suspect") setStatus(node, "dead", m.incarnation);
      }
    },
    view: () => Object.fromEntries([...members].map(([p, m]) => [p, m.status])),
    incarnation: () => incarnation,
  };
}
