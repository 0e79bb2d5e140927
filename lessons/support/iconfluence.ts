// Lesson 12's bench: is an invariant I-confluent under a merge? (Bailis et
// al., "Coordination Avoidance in Database Systems", 2015.)
//
// Replicas start from the same state and each runs operations on its own,
// with no coordination: an operation commits only if the invariant holds on
// the replica's local state afterwards (each replica is locally correct).
// Then the replicas merge. The search tries every such execution up to a
// bounded number of operations per replica and reports one whose merged state
// breaks the invariant — or says none exists within the bound.
//
// Pure and deterministic.

import { Simulation, type Ctx, type Node } from "../../runner/sim/index.ts";

export interface Operation<S> {
  name: string;
  /** The new state after `replica` runs the operation (the k-th operation on that replica). */
  apply(state: S, replica: string, k: number): S;
}

export interface Model<S> {
  name: string;
  initial: S;
  operations: Operation<S>[];
  /** Combines two replicas' states (e.g. union of the rows each has). */
  merge(a: S, b: S): S;
  describe(s: S): string;
}

export interface Invariant<S> {
  name: string;
  holds(s: S): boolean;
}

export interface Counterexample<S> {
  /** What each replica ran (every step locally valid). */
  histories: { replica: string; ops: string[]; state: S }[];
  merged: S;
}

export interface SearchResult<S> {
  iConfluent: boolean;
  /** Executions tried. */
  executions: number;
  counterexample: Counterexample<S> | null;
}

/** Every locally valid history of one replica, up to `depth` operations. */
function histories<S>(m: Model<S>, inv: Invariant<S>, replica: string, depth: number): { ops: string[]; state: S }[] {
  const out: { ops: string[]; state: S }[] = [];
  const walk = (state: S, ops: string[]) => {
    out.push({ ops, state });
    if (ops.length === depth) return;
    for (const op of m.operations) {
      const next = op.apply(state, replica, ops.length + 1);
      if (inv.holds(next)) walk(next, [...ops, op.name]); // otherwise the replica aborts it
    }
  };
  walk(m.initial, []);
  return out;
}

/**
 * Searches executions of `replicas` replicas with up to `depth` operations
 * each, shortest first, for a merged state that violates the invariant.
 */
export function searchMerge<S>(m: Model<S>, inv: Invariant<S>, o: { replicas?: number; depth?: number } = {}): SearchResult<S> {
  const names = Array.from({ length: o.replicas ?? 2 }, (_, i) => `r${i + 1}`);
  const per = names.map((r) => histories(m, inv, r, o.depth ?? 2));
  let executions = 0;
  // Combinations in order of total length, so the first counterexample found is a short one.
  const combos: number[][] = [[]];
  for (const hs of per) {
    const next: number[][] = [];
    for (const c of combos) for (let i = 0; i < hs.length; i++) next.push([...c, i]);
    combos.splice(0, combos.length, ...next);
  }
  const size = (c: number[]) => c.reduce((s, i, r) => s + per[r]![i]!.ops.length, 0);
  combos.sort((a, b) => size(a) - size(b));
  for (const c of combos) {
    executions++;
    const hs = c.map((i, r) => per[r]![i]!);
    const merged = hs.map((h) => h.state).reduce((a, b) => m.merge(a, b));
    if (!inv.holds(merged)) return { iConfluent: false, executions, counterexample: { histories: hs.map((h, r) => ({ replica: names[r]!, ...h })), merged } };
  }
  return { iConfluent: true, executions, counterexample: null };
}

export function explain<S>(m: Model<S>, inv: Invariant<S>, r: SearchResult<S>): string {
  if (!r.counterexample) return `"${inv.name}" held after every merge (${r.executions} executions tried): I-confluent within the bound — no coordination needed.`;
  const lines = [`"${inv.name}" breaks after a merge (found after ${r.executions} executions):`];
  lines.push(`  start:   ${m.describe(m.initial)}`);
  for (const h of r.counterexample.histories) lines.push(`  ${h.replica} runs ${h.ops.length ? h.ops.join(", then ") : "nothing"} → ${m.describe(h.state)}   (invariant holds here)`);
  lines.push(`  merged:  ${m.describe(r.counterexample.merged)}   ← violates the invariant`);
  return lines.join("\n");
}

// ---------------------------------------------------------------------------
// The lesson's three objects. State is a set of rows keyed by who wrote them,
// so merge is set union: replicas never lose each other's writes.

type Rows<R> = { [key: string]: R };
const union = <R>(a: Rows<R>, b: Rows<R>): Rows<R> => ({ ...a, ...b });

/** Accounts: rows are deposits (+) and withdrawals (−); the balance is their sum. */
export const account: Model<Rows<number>> = {
  name: "bank account (opening deposit 100)",
  initial: { open: 100 },
  operations: [
    { name: "withdraw 60", apply: (s, r, k) => ({ ...s, [`${r}:${k}`]: -60 }) },
    { name: "deposit 50", apply: (s, r, k) => ({ ...s, [`${r}:${k}`]: 50 }) },
  ],
  merge: union,
  describe: (s) => `balance ${Object.values(s).reduce((a, b) => a + b, 0)}`,
};
export const balance = (s: Rows<number>) => Object.values(s).reduce((a, b) => a + b, 0);

/**
 * The same 100, split into allotments that each replica spends alone
 * (escrow): r1 and r2 hold 50 each, any other replica none. A replica's rows
 * are its own withdrawals and deposits, so its allotment is known to it
 * exactly, and the allotments add up to the balance.
 */
export const ALLOTMENTS: Readonly<Record<string, number>> = { r1: 50, r2: 50 };
export const escrowAccount: Model<Rows<number>> = {
  ...account,
  name: "account split in allotments (escrow)",
  operations: [
    { name: "withdraw 30 from my allotment", apply: (s, r, k) => ({ ...s, [`${r}:${k}`]: -30 }) },
    { name: "deposit 50 into my allotment", apply: (s, r, k) => ({ ...s, [`${r}:${k}`]: 50 }) },
  ],
};
/** What is left of a replica's allotment. */
export const allotment = (s: Rows<number>, r: string) => (ALLOTMENTS[r] ?? 0) + Object.entries(s).reduce((a, [k, v]) => a + (k.startsWith(`${r}:`) ? v : 0), 0);
/** Every replica within its allotment (so the balance, their sum, is never negative). */
export const withinAllotments = (s: Rows<number>) => [...new Set([...Object.keys(ALLOTMENTS), ...Object.keys(s).map((k) => k.split(":")[0]!)])].every((r) => r === "open" || allotment(s, r) >= 0);

/** Orders: each insert picks an id. */
export type Order = { id: string };
export const orders: Model<Rows<Order>> = {
  name: "orders table",
  initial: {},
  operations: [
    {
      name: "insert with id = max + 1",
      apply: (s, r, k) => ({ ...s, [`${r}:${k}`]: { id: String(Math.max(0, ...Object.values(s).map((o) => Number(o.id) || 0)) + 1) } }),
    },
  ],
  merge: union,
  describe: (s) => `ids [${Object.values(s).map((o) => o.id).join(", ")}]`,
};
export const ordersNamespaced: Model<Rows<Order>> = {
  ...orders,
  name: "orders table, ids prefixed by replica",
  operations: [{ name: "insert with id = replica-counter", apply: (s, r, k) => ({ ...s, [`${r}:${k}`]: { id: `${r}-${k}` } }) }],
};

const guestAt = (replica: string) => ({ r1: "Ann", r2: "Bob", r3: "Cy" } as Record<string, string>)[replica] ?? replica;

/** Hotel bookings: a row per booking. */
export type Booking = { room: number; night: number; guest: string };
export const hotel: Model<Rows<Booking>> = {
  name: "hotel bookings",
  initial: {},
  operations: [
    // The guest is whoever the replica is serving: Ann at r1, Bob at r2, Cy at r3.
    { name: "book room 101 for night 1", apply: (s, r, k) => ({ ...s, [`${r}:${k}`]: { room: 101, night: 1, guest: guestAt(r) } }) },
    { name: "book room 102 for night 2", apply: (s, r, k) => ({ ...s, [`${r}:${k}`]: { room: 102, night: 2, guest: guestAt(r) } }) },
  ],
  merge: union,
  describe: (s) => (Object.values(s).length ? Object.values(s).map((b) => `${b.guest}@${b.room}/n${b.night}`).join(" ") : "no bookings"),
};

// ---------------------------------------------------------------------------
// Replaying a counterexample in the simulator: the replicas run their
// operations while partitioned (each checking the invariant locally), then
// the partition heals and they exchange states and merge.


type ReplicaMsg<S> = { type: "state"; state: S };
interface Replica<S> extends Node<ReplicaMsg<S>> {
  run(op: string): boolean;
  state(): S;
}

export function replayInSim<S>(m: Model<S>, inv: Invariant<S>, cex: Counterexample<S>, seed = 1): { sim: Simulation; final: Record<string, S> } {
  const replica = (ctx: Ctx<ReplicaMsg<S>, unknown>): Replica<S> => {
    let state = m.initial;
    let k = 0;
    return {
      run(name) {
        const op = m.operations.find((o) => o.name === name)!;
        const next = op.apply(state, ctx.id, ++k);
        if (!inv.holds(next)) return false; // local check: abort
        state = next;
        ctx.output({ ran: name, now: m.describe(state) });
        return true;
      },
      state: () => state,
      onStart() {
        ctx.setTimer("gossip", 100);
      },
      onTimer() {
        for (const p of ctx.peers) ctx.send(p, { type: "state", state: JSON.parse(JSON.stringify(state)) });
        ctx.setTimer("gossip", 100);
      },
      onMessage(_from, msg) {
        const merged = m.merge(state, msg.state);
        if (JSON.stringify(merged) !== JSON.stringify(state)) {
          state = merged;
          ctx.output({ merged: m.describe(state), invariant: inv.holds(state) ? "holds" : "VIOLATED" });
        }
      },
    };
  };
  const ids = cex.histories.map((h) => h.replica);
  const sim = new Simulation({ seed, nodes: Object.fromEntries(ids.map((id) => [id, replica])) });
  sim.partition(...ids.map((id) => [id]));
  cex.histories.forEach((h, r) => h.ops.forEach((op, i) => sim.at(20 + 30 * i + 5 * r, () => sim.call<Replica<S>, boolean>(h.replica, "run", (n) => n.run(op)))));
  sim.at(300, () => sim.heal());
  sim.run(600);
  return { sim, final: Object.fromEntries(ids.map((id) => [id, sim.node<Replica<S>>(id)!.state()])) };
}
