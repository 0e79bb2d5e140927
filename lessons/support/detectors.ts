// Lesson 03's failure detectors, for the lesson's cells. The fd-* exercises
// ask you to write your own; these are the lesson's, built for comparing:
//
//  - `watcher(rule)`: every node sends a heartbeat to every other node every
//    100 ms and checks every 10 ms how suspicious each peer's silence is. The
//    *rule* says how to judge that silence:
//      `fixedTimeout(ms)`    suspect after ms of silence (P, if ms exceeds the bound);
//      `growingTimeout(ms)`  the same, but double a peer's timeout each time a
//                            suspicion of it proves wrong (◇P, Chandra & Toueg);
//      `phiAccrual()`        φ = −log10 P(the next heartbeat is still this late),
//                            from the intervals seen so far (Hayashibara et al.).
//  - `swimMember`: SWIM (Das, Gupta & Motivala 2002): one probe per period,
//    indirect probes, suspicion before death, refutation by incarnation, and
//    news piggybacked on the probes.
//
// Every detector outputs {type: "suspect" | "restore", node} when it changes
// its mind (SWIM also {type: "dead", node}), the shape runner/check/qos.ts reads.

import type { Ctx, Node, NodeFactory, NodeId } from "../../runner/sim/index.ts";

export type Verdict = { type: "suspect" | "restore" | "dead"; node: NodeId };

export const HEARTBEAT_MS = 100;
const CHECK_MS = 10;

/** How one monitor judges one peer's silence. */
export interface SilenceRule {
  /** A heartbeat from `peer` arrived at `now` (also called once per peer when the monitor starts). */
  heard(peer: NodeId, now: number): void;
  /** How suspicious `peer` is at `now`; the monitor suspects it above `threshold`. */
  level(peer: NodeId, now: number): number;
  readonly threshold: number;
  /** A suspicion of `peer` proved wrong: it spoke again. */
  wasWrong?(peer: NodeId): void;
}

export interface Watcher extends Node<{ type: "heartbeat" }> {
  /** How suspicious this node finds `peer` right now, on its rule's scale. */
  level(peer: NodeId): number;
}

/** A heartbeat detector judging silence by `makeRule()` (one rule per node instance: a restart starts afresh). */
export function watcher(makeRule: () => SilenceRule): NodeFactory<{ type: "heartbeat" }, Verdict, Watcher> {
  return (ctx) => {
    const rule = makeRule();
    const suspected = new Set<NodeId>();
    return {
      onStart() {
        for (const p of ctx.peers) rule.heard(p, ctx.now());
        ctx.setTimer("beat", 0);
        ctx.setTimer("check", CHECK_MS);
      },
      onTimer(name) {
        if (name === "beat") {
          for (const p of ctx.peers) ctx.send(p, { type: "heartbeat" });
          ctx.setTimer("beat", HEARTBEAT_MS);
          return;
        }
        for (const p of ctx.peers)
          if (!suspected.has(p) && rule.level(p, ctx.now()) > rule.threshold) {
            suspected.add(p);
            ctx.output({ type: "suspect", node: p });
          }
        ctx.setTimer("check", CHECK_MS);
      },
      onMessage(from) {
        rule.heard(from, ctx.now());
        if (!suspected.delete(from)) return;
        rule.wasWrong?.(from);
        ctx.output({ type: "restore", node: from });
      },
      level: (peer) => rule.level(peer, ctx.now()),
    };
  };
}

/** Silence measured in timeouts: above 1, suspect. */
function silenceRule(initialMs: number, grow: boolean): SilenceRule {
  const last = new Map<NodeId, number>();
  const timeout = new Map<NodeId, number>();
  return {
    threshold: 1,
    heard: (p, now) => void last.set(p, now),
    level: (p, now) => (now - (last.get(p) ?? now)) / (timeout.get(p) ?? initialMs),
    wasWrong: (p) => {
      if (grow) timeout.set(p, 2 * (timeout.get(p) ?? initialMs));
    },
  };
}

/** Suspect after `ms` of silence, always the same `ms`. */
export const fixedTimeout = (ms = 300) => () => silenceRule(ms, false);

/** Start at `ms`; each wrong suspicion of a peer doubles its timeout, so after the network settles the mistakes stop (◇P). */
export const growingTimeout = (ms = 200) => () => silenceRule(ms, true);

export interface PhiSettings {
  /** Suspect above this φ. */
  threshold: number;
  /** How many recent intervals between heartbeats to keep. */
  window: number;
  /** A floor for σ, so that very regular heartbeats do not make φ jump at the first late one. */
  minSigmaMs: number;
  /** Silence tolerated on top of the mean interval (a GC pause of known length). */
  acceptablePauseMs: number;
}

export const PHI: PhiSettings = { threshold: 8, window: 100, minSigmaMs: 20, acceptablePauseMs: 300 };

/**
 * φ accrual: model the interval between heartbeats as normal, with the mean μ
 * and deviation σ of the last `window` intervals (before any are seen, guess
 * μ = the heartbeat period, σ = a quarter of it), and report how surprising
 * the current silence is: φ = −log10 P(interval > silence − acceptable pause).
 * This lesson computes the normal tail exactly; Akka (and the fd-phi
 * exercise) use a cheaper logistic approximation of it.
 */
export function phiAccrual(s: PhiSettings = PHI) {
  return (): SilenceRule => {
    const last = new Map<NodeId, number>();
    const intervals = new Map<NodeId, number[]>();
    const stats = (p: NodeId) => {
      const xs = intervals.get(p) ?? [];
      if (xs.length < 2) return { mu: HEARTBEAT_MS, sigma: Math.max(HEARTBEAT_MS / 4, s.minSigmaMs) };
      const mu = xs.reduce((a, b) => a + b, 0) / xs.length;
      const variance = xs.reduce((a, x) => a + (x - mu) ** 2, 0) / xs.length;
      return { mu, sigma: Math.max(Math.sqrt(variance), s.minSigmaMs) };
    };
    return {
      threshold: s.threshold,
      heard: (p, now) => {
        const before = last.get(p);
        last.set(p, now);
        if (before === undefined) return;
        const xs = intervals.get(p) ?? [];
        xs.push(now - before);
        if (xs.length > s.window) xs.shift();
        intervals.set(p, xs);
      },
      level: (p, now) => {
        const { mu, sigma } = stats(p);
        return -log10NormalTail((now - (last.get(p) ?? now) - mu - s.acceptablePauseMs) / sigma);
      },
    };
  };
}

/** log10 P(Z > z) for a standard normal Z, accurate far into the tail (where P itself underflows). */
export function log10NormalTail(z: number): number {
  if (z < 0) return Math.log10(1 - 10 ** log10NormalTail(-z));
  if (z < 3) {
    // P(Z > z) = 1/2 − ∫₀ᶻ pdf, by Simpson's rule (smooth integrand, 60 panels: ample here).
    const n = 60;
    const h = z / n;
    let sum = 0;
    for (let i = 0; i <= n; i++) sum += (i === 0 || i === n ? 1 : i % 2 ? 4 : 2) * Math.exp(-((i * h) ** 2) / 2);
    return Math.log10(0.5 - (sum * h) / 3 / Math.sqrt(2 * Math.PI));
  }
  // Laplace's continued fraction: P(Z > z) = pdf(z) / (z + 1/(z + 2/(z + 3/(z + …)))).
  let cf = z;
  for (let k = 60; k >= 1; k--) cf = z + k / cf;
  return (-(z * z) / 2 - Math.log(Math.sqrt(2 * Math.PI) * cf)) / Math.LN10;
}

// ---------------------------------------------------------------------------
// SWIM

export const SWIM = {
  /** One probe per member per period. */
  periodMs: 200,
  /** Wait this long for a direct ack before asking others to probe. */
  ackTimeoutMs: 60,
  /** How many members to ask for an indirect probe. */
  helpers: 3,
  /** How long a member stays suspect before it is declared dead. */
  suspicionMs: 3000,
  /** Each piece of news rides on this many messages (about 3 log₂ n for the cell's sizes). */
  retransmits: 9,
  /** At most this many pieces of news per message. */
  perMessage: 6,
};

type Status = "alive" | "suspect" | "dead";
type News = { node: NodeId; status: Status; inc: number };
type SwimMsg = { type: "ping" | "ack"; probe: string; news: News[] } | { type: "ping-req"; probe: string; target: NodeId; news: News[] };

/** Does `n` override what we hold, `held`? Dead beats all; else the higher incarnation; at equal ones suspect beats alive. */
function overrides(n: News, held: { status: Status; inc: number }): boolean {
  if (held.status === "dead") return false;
  if (n.status === "dead") return true;
  if (n.inc !== held.inc) return n.inc > held.inc;
  return n.status === "suspect" && held.status === "alive";
}

export function swimMember(ctx: Ctx<SwimMsg, Verdict>): Node<SwimMsg> {
  const view = new Map<NodeId, { status: Status; inc: number }>(ctx.peers.map((p) => [p, { status: "alive", inc: 0 }]));
  let myInc = 0;
  let round: NodeId[] = [];
  let probes = 0;
  /** The probe of this period: whom, and whether an ack (direct or relayed) came back. */
  let current: { id: string; target: NodeId; acked: boolean } | null = null;
  /** Probes we run for others: our probe id → who asked, and under which id. */
  const relaying = new Map<string, { asker: NodeId; probe: string }>();
  /** News still to spread, with how many more messages each should ride on. */
  const outbox = new Map<NodeId, { news: News; left: number }>();

  const publish = (news: News) => outbox.set(news.node, { news, left: SWIM.retransmits });
  const news = (): News[] =>
    [...outbox.values()]
      .sort((a, b) => b.left - a.left)
      .slice(0, SWIM.perMessage)
      .map((o) => {
        if (--o.left === 0) outbox.delete(o.news.node);
        return o.news;
      });
  const send = (to: NodeId, msg: { type: "ping" | "ack"; probe: string } | { type: "ping-req"; probe: string; target: NodeId }) => ctx.send(to, { ...msg, news: news() } as SwimMsg);

  const learn = (n: News) => {
    if (n.node === ctx.id) {
      // Refute: only we may raise our incarnation, and a higher one beats any suspicion.
      if (n.status !== "alive" && n.inc >= myInc) publish({ node: ctx.id, status: "alive", inc: (myInc = n.inc + 1) });
      return;
    }
    const held = view.get(n.node);
    if (!held || !overrides(n, held)) return;
    const was = held.status;
    view.set(n.node, { status: n.status, inc: n.inc });
    publish(n);
    if (n.status === "suspect") ctx.setTimer(`give up on ${n.node}`, SWIM.suspicionMs);
    else ctx.cancelTimer(`give up on ${n.node}`);
    if (n.status !== was) ctx.output(n.status === "alive" ? { type: "restore", node: n.node } : { type: n.status, node: n.node });
  };

  const nextTarget = (): NodeId | undefined => {
    // Round-robin over a shuffled list of the living: random, yet nobody waits long to be probed.
    if (round.length === 0) {
      round = [...view].filter(([, m]) => m.status !== "dead").map(([p]) => p);
      for (let i = round.length - 1; i > 0; i--) {
        const j = Math.floor(ctx.random() * (i + 1));
        [round[i], round[j]] = [round[j]!, round[i]!];
      }
    }
    return round.pop();
  };

  return {
    onStart() {
      ctx.setTimer("period", Math.floor(ctx.random() * SWIM.periodMs)); // members' periods out of step
    },
    onTimer(name) {
      if (name === "period") {
        if (current && !current.acked) {
          const m = view.get(current.target)!;
          learn({ node: current.target, status: "suspect", inc: m.inc });
        }
        relaying.clear(); // relays last one period
        const target = nextTarget();
        current = target === undefined ? null : { id: `${ctx.id}:${++probes}`, target, acked: false };
        if (current) {
          send(current.target, { type: "ping", probe: current.id });
          ctx.setTimer("no ack", SWIM.ackTimeoutMs);
        }
        ctx.setTimer("period", SWIM.periodMs);
      } else if (name === "no ack" && current && !current.acked) {
        const others = [...view].filter(([p, m]) => p !== current!.target && m.status !== "dead").map(([p]) => p);
        for (let i = 0; i < SWIM.helpers && others.length; i++) {
          const helper = others.splice(Math.floor(ctx.random() * others.length), 1)[0]!;
          send(helper, { type: "ping-req", probe: current.id, target: current.target });
        }
      } else if (name.startsWith("give up on ")) {
        const node = name.slice("give up on ".length);
        const m = view.get(node);
        if (m?.status === "suspect") learn({ node, status: "dead", inc: m.inc });
      }
    },
    onMessage(from, msg) {
      for (const n of msg.news) learn(n);
      if (msg.type === "ping") send(from, { type: "ack", probe: msg.probe });
      else if (msg.type === "ping-req") {
        const mine = `${ctx.id}:${++probes}`;
        relaying.set(mine, { asker: from, probe: msg.probe });
        send(msg.target, { type: "ping", probe: mine });
      } else {
        const relay = relaying.get(msg.probe);
        if (relay) {
          relaying.delete(msg.probe);
          send(relay.asker, { type: "ack", probe: relay.probe });
        } else if (current && msg.probe === current.id) current.acked = true;
      }
    },
  };
}
