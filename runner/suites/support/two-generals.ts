// The two generals' battlefield: runs a pair of generals over a link that
// loses messages, either at random or by an explicit loss pattern, and the
// bounded exhaustive search that exhibits a loss pattern splitting any
// protocol (lesson 01). Pure and deterministic: same inputs, same runs.

import { Simulation, type Ctx, type Node, type NodeFactory, type NodeId } from "../../sim/index.ts";

export type Plan = "attack" | "hold";

/** The shape a general must have: a node, plus what the harness calls. */
export interface GeneralLike extends Node<any> {
  order(plan: Plan): void;
  decide(): boolean;
}
export type GeneralFactory = (ctx: Ctx<any>) => GeneralLike;

export const DAWN_MS = 1000;

/** Which messages the adversary loses: numbers in send order (1 = first), plus optionally all after `cutAfter`. */
export interface LossPattern {
  lose: readonly number[];
  cutAfter?: number;
}

export interface SentMessage {
  n: number;
  t: number;
  from: NodeId;
  to: NodeId;
  msg: unknown;
  lost: boolean;
}

export interface Battle {
  plan: Plan;
  attack: { g1: boolean; g2: boolean };
  agree: boolean;
  messages: SentMessage[];
  sim: Simulation;
}

export interface BattleOptions {
  seed: number;
  plan: Plan;
  /** Random loss probability (ignored when `pattern` is given). */
  drop?: number;
  duplicate?: number;
  /** The messengers' delay range (random loss only; default 5–15 ms). */
  delayMs?: readonly [number, number];
  /** An explicit loss pattern; the link's delay is then a fixed 10 ms so runs are comparable. */
  pattern?: LossPattern;
  /** Make the simulation through this function (suites pass lab.simulation so failures show a trace). */
  make?: (opts: ConstructorParameters<typeof Simulation>[0]) => Simulation;
}

/** One battle: orders at t=0, decisions at dawn. */
export function battle(create: GeneralFactory, o: BattleOptions): Battle {
  const messages: SentMessage[] = [];
  const pattern = o.pattern;
  const lose = new Set(pattern?.lose ?? []);
  const opts = {
    seed: o.seed,
    nodes: { g1: create as NodeFactory, g2: create as NodeFactory },
    network: pattern ? { delayMs: [10, 10] as const } : { drop: o.drop ?? 0, duplicate: o.duplicate ?? 0, delayMs: o.delayMs ?? ([5, 15] as const) },
    // Called once per send, in send order: this is where the adversary decides.
    messageRule: (from: NodeId, to: NodeId, msg: unknown) => {
      const n = messages.length + 1;
      const lost = pattern ? lose.has(n) || (pattern.cutAfter !== undefined && n > pattern.cutAfter) : false;
      messages.push({ n, t: sim?.now ?? 0, from, to, msg, lost });
      return pattern ? { drop: lost ? 1 : 0 } : undefined;
    },
  };
  let sim: Simulation | undefined;
  sim = o.make ? o.make(opts) : new Simulation(opts);
  sim.call<GeneralLike, void>("g1", "order", (g) => g.order(o.plan));
  sim.runUntil(DAWN_MS);
  const g1 = sim.call<GeneralLike, boolean>("g1", "decide", (g) => g.decide()) === true;
  const g2 = sim.call<GeneralLike, boolean>("g2", "decide", (g) => g.decide()) === true;
  if (!pattern) {
    const dropped = new Set(sim.trace.all().flatMap((e) => (e.k === "drop" ? [e.id] : [])));
    for (const m of messages) m.lost = dropped.has(m.n);
  }
  return { plan: o.plan, attack: { g1, g2 }, agree: g1 === g2, messages, sim };
}

export interface SearchResult {
  /** A loss pattern under which the generals disagree, or null if none was found. */
  pattern: LossPattern | null;
  battle: Battle | null;
  /** How many runs the search made. */
  runs: number;
  /** Messages sent in the battle without any loss. */
  messagesWithoutLoss: number;
}

/**
 * Searches loss patterns for one that makes the generals disagree when g1 is
 * ordered to attack. First exhaustively: every subset of the first `k`
 * messages delivered, everything after the k-th lost (2^k runs), fewest
 * deliveries first. Then, if the protocol needs more than k messages, along
 * the chain "deliver the first j messages, lose the rest" between j = 0 and
 * the loss-free run, by bisection: the ends differ, so some neighbouring pair
 * differs, and the two runs of that pair differ only in what one general
 * received — so in one of them the generals disagree (Gray's argument).
 */
export function searchForDisagreement(create: GeneralFactory, k = 10, seed = 1): SearchResult {
  let runs = 0;
  const run = (pattern: LossPattern) => {
    runs++;
    return battle(create, { seed, plan: "attack", pattern });
  };
  const clean = run({ lose: [] });
  const m = clean.messages.length;
  const kk = Math.min(k, m);
  // Subsets of {1..kk} as bitmasks (bit i set = message i+1 delivered), fewest deliveries first.
  const masks = Array.from({ length: 1 << kk }, (_, i) => i).sort((a, b) => popcount(a) - popcount(b) || a - b);
  for (const mask of masks) {
    const lose: number[] = [];
    for (let i = 0; i < kk; i++) if (!(mask & (1 << i))) lose.push(i + 1);
    const pattern: LossPattern = { lose, cutAfter: kk };
    const b = run(pattern);
    if (!b.agree) return { pattern: simplify(pattern, b), battle: b, runs, messagesWithoutLoss: m };
  }
  // The prefix chain, by bisection on the outcome.
  const outcome = (j: number) => {
    const b = run({ lose: [], cutAfter: j });
    return { b, key: `${b.attack.g1}/${b.attack.g2}` };
  };
  let lo = 0;
  let hi = m;
  const loOut = outcome(lo);
  if (!loOut.b.agree) return { pattern: { lose: [], cutAfter: 0 }, battle: loOut.b, runs, messagesWithoutLoss: m };
  const hiOut = outcome(hi);
  if (!hiOut.b.agree) return { pattern: { lose: [], cutAfter: hi }, battle: hiOut.b, runs, messagesWithoutLoss: m };
  if (loOut.key === hiOut.key) return { pattern: null, battle: null, runs, messagesWithoutLoss: m };
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    const o = outcome(mid);
    if (!o.b.agree) return { pattern: { lose: [], cutAfter: mid }, battle: o.b, runs, messagesWithoutLoss: m };
    if (o.key === loOut.key) lo = mid;
    else hi = mid;
  }
  return { pattern: null, battle: null, runs, messagesWithoutLoss: m };
}

function popcount(x: number): number {
  let c = 0;
  for (; x; x &= x - 1) c++;
  return c;
}

/** Drops the redundant tail of a pattern: "lose 3, 4, 5, cut after 5" reads better as "cut after 2". */
function simplify(p: LossPattern, b: Battle): LossPattern {
  const lose = [...p.lose].sort((a, c) => a - c);
  let cut = p.cutAfter ?? b.messages.length;
  while (lose.length && lose[lose.length - 1] === cut) {
    lose.pop();
    cut--;
  }
  return { lose, cutAfter: cut };
}

function short(msg: unknown): string {
  return JSON.stringify(msg);
}

/** The pattern and its outcome in plain words. */
export function describePattern(p: LossPattern, b: Battle): string {
  const lines: string[] = [];
  for (const m of b.messages) {
    const fate = m.lost ? "LOST     " : "delivered";
    lines.push(`  #${String(m.n).padEnd(3)} t=${String(m.t).padStart(4)} ms  ${m.from} → ${m.to}  ${fate}  ${short(m.msg)}`);
    if (lines.length >= 14 && b.messages.length > 16) {
      const rest = b.messages.slice(lines.length);
      const lostRest = rest.filter((x) => x.lost).length;
      lines.push(`  … ${rest.length} more message${rest.length > 1 ? "s" : ""}${lostRest === rest.length ? ", all lost" : `, ${lostRest} of them lost`}`);
      break;
    }
  }
  const who = (x: boolean) => (x ? "attacks" : "holds");
  const lost = p.lose.length ? `lose message${p.lose.length > 1 ? "s" : ""} ${p.lose.map((n) => `#${n}`).join(", ")}` : "";
  const cut = p.cutAfter !== undefined ? `lose every message after #${p.cutAfter}` : "";
  const words = [lost, cut].filter(Boolean).join(", and ") || "lose nothing";
  return [`The adversary's pattern: ${words}.`, ...lines, `At dawn g1 ${who(b.attack.g1)} and g2 ${who(b.attack.g2)}.`].join("\n");
}

// ---------------------------------------------------------------------------
// The lab's own protocol for part 2 (the "handshake"), as described in
// exercises/two-generals/adversary.ts.

type HandshakeMsg = { kind: "ORDER" } | { kind: "ACK" } | { kind: "CONFIRM" };

export function createHandshakeGeneral(ctx: Ctx<HandshakeMsg>): GeneralLike {
  const other = ctx.peers[0]!;
  let ordered = false; // g1: ordered to attack
  let acked = false; // g1: got an ACK
  let orderSends = 0;
  let heard = false; // g2: got an ORDER
  let confirmed = false; // g2: got a CONFIRM
  let ackSends = 0;
  const sendOrder = () => {
    if (acked || orderSends >= 5) return;
    orderSends++;
    ctx.send(other, { kind: "ORDER" });
    ctx.setTimer("order", 50);
  };
  const sendAck = () => {
    if (confirmed || ackSends >= 5) return;
    ackSends++;
    ctx.send(other, { kind: "ACK" });
    ctx.setTimer("ack", 50);
  };
  return {
    order(plan) {
      ordered = plan === "attack";
      if (ordered) sendOrder();
    },
    onTimer(name) {
      if (name === "order") sendOrder();
      else sendAck();
    },
    onMessage(_from, msg) {
      if (msg.kind === "ORDER") {
        heard = true;
        sendAck();
      } else if (msg.kind === "ACK") {
        acked = true;
        ctx.send(other, { kind: "CONFIRM" });
      } else {
        confirmed = true;
        ctx.cancelTimer("ack");
      }
    },
    decide() {
      return ctx.id === "g1" ? ordered && acked : heard && confirmed;
    },
  };
}
