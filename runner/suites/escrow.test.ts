// Suite for `escrow`: three replicas sell from one stock of 300 units, each
// to its own clients (c1 → r1, c2 → r2, c3 → r3). Graded on the application's
// invariant — the units sold never exceed the stock, at any moment, under
// partitions, crashes, loss and duplication — and on avoiding coordination:
// most sales are decided by the replica that receives them, with no round
// trip, and the stock still sells out when the demand is elsewhere.

import { expectThat } from "../check/violation.ts";
import { quiesce, scheduleArb, type Ctx, type FaultOp, type Node, type NodeFactory, type NodeId, type Simulation } from "../sim/index.ts";
import type { NetworkConfig } from "../sim/network.ts";
import { exercise, type Lab } from "./harness/exercise.ts";
import type * as Escrow from "../../exercises/escrow/escrow.ts";

const ex = await exercise<typeof Escrow>("escrow", "escrow.ts");

const STOCK = 300;
const REPLICAS = ["r1", "r2", "r3"] as const;
const HOME: Record<string, NodeId> = { c1: "r1", c2: "r2", c3: "r3" };
/** Clients reach their replica over a steady link, so a reply after exactly 2 × this many ms was decided on the spot. */
const CLIENT_LINK_MS = 5;
const LOCAL_RTT = 2 * CLIENT_LINK_MS;
/** Share of decisions that must be made with no round trip. */
const LOCAL_TARGET = 0.9;
/** Share of the stock that must be sold once demand has exceeded it and the network has been calm. */
const SELL_OUT_TARGET = 0.95;

type ClientOut = { type: "asked"; id: number; qty: number } | { type: "answer"; id: number; ok: boolean };

/** Buys 1–3 units every `everyMs` (on average) from `from` until `until`; never retries. */
function buyer(everyMs: number, from = 0, until = Infinity): NodeFactory<Escrow.Msg, ClientOut> {
  return (ctx: Ctx<Escrow.Msg, ClientOut>): Node<Escrow.Msg> => {
    let next = 0;
    const arm = () => ctx.setTimer("buy", 1 + Math.floor(ctx.random() * 2 * everyMs));
    return {
      onStart() {
        if (from === 0) arm();
        else ctx.setTimer("buy", from);
      },
      onTimer() {
        if (ctx.now() > until) return;
        const qty = 1 + Math.floor(ctx.random() * 3);
        next++;
        ctx.output({ type: "asked", id: next, qty });
        ctx.send(HOME[ctx.id]!, { type: "buy", id: next, qty });
        arm();
      },
      onMessage(_from, msg) {
        if (msg.type === "sold" || msg.type === "refused") ctx.output({ type: "answer", id: msg.id, ok: msg.type === "sold" });
      },
    };
  };
}

type Demand = Partial<Record<keyof typeof HOME, NodeFactory<Escrow.Msg, ClientOut>>>;

function shop(lab: Lab, o: { demand: Demand; schedule?: FaultOp[]; network?: Partial<NetworkConfig>; runMs: number }): Simulation {
  const clients = new Set(Object.keys(HOME));
  const sim = lab.simulation({
    nodes: Object.fromEntries(REPLICAS.map((r) => [r, ex.impl.createReplica])),
    clients: o.demand as Record<NodeId, NodeFactory>,
    network: o.network ?? {},
    messageRule: (from, to) => (clients.has(from) || clients.has(to) ? { drop: 0, duplicate: 0, delayMs: [CLIENT_LINK_MS, CLIENT_LINK_MS], tail: 0 } : undefined),
    schedule: o.schedule ?? [],
  });
  sim.run(o.runMs);
  return sim;
}

const everyone = (everyMs: number, from = 0, until = Infinity): Demand => ({ c1: buyer(everyMs, from, until), c2: buyer(everyMs, from, until), c3: buyer(everyMs, from, until) });

/** The ledger: every sale any replica output, in time order. */
function ledger(sim: Simulation): { t: number; replica: NodeId; sale: Escrow.Out }[] {
  return sim.outputs.filter((o) => (REPLICAS as readonly string[]).includes(o.node)).map((o) => ({ t: o.t, replica: o.node, sale: o.value as Escrow.Out }));
}

/** The invariant, at every moment: units sold ≤ the stock. */
function expectNeverOversold(sim: Simulation): void {
  let total = 0;
  const byReplica: Record<string, number> = {};
  for (const { t, replica, sale } of ledger(sim)) {
    const qty = sale?.qty;
    expectThat(Number.isInteger(qty) && qty > 0, "every sale in the ledger is a whole number of units", () => `${replica} output ${JSON.stringify(sale)} at t=${t} ms`, t);
    total += qty;
    byReplica[replica] = (byReplica[replica] ?? 0) + qty;
    expectThat(total <= STOCK, `the stock never goes below zero: at most ${STOCK} units are ever sold`, () => `by t=${t} ms ${total} units were sold (${REPLICAS.map((r) => `${r} ${byReplica[r] ?? 0}`).join(", ")})`, t);
  }
}

/** The ledger and the replies agree: a sale is one request, sold once, and the client was told. */
function expectLedgerMatchesReplies(sim: Simulation): void {
  const seen = new Set<string>();
  const askedQty = new Map<string, number>();
  for (const o of sim.outputs) if ((o.value as ClientOut).type === "asked") askedQty.set(`${o.node}/${(o.value as ClientOut).id}`, (o.value as Extract<ClientOut, { type: "asked" }>).qty);
  for (const { t, replica, sale } of ledger(sim)) {
    const key = `${sale.client}/${sale.id}`;
    const asked = askedQty.get(key);
    expectThat(asked !== undefined && asked === sale.qty, "every sale answers a real request, for the quantity asked", () => `${replica} recorded ${JSON.stringify(sale)} at t=${t} ms, but ${sale.client} ${asked !== undefined ? `asked for ${asked}` : "asked no such request"}`, t);
    expectThat(!seen.has(key), "each request is sold at most once", () => `${sale.client}'s request ${sale.id} was recorded as sold twice`, t);
    seen.add(key);
  }
  for (const c of Object.keys(HOME))
    for (const { t, value: v } of sim.outputsOf<ClientOut>(c)) {
      if (v.type !== "answer") continue;
      const key = `${c}/${v.id}`;
      expectThat(v.ok === seen.has(key), "a client is told \"sold\" exactly when the sale is in the ledger", () => `${c} was told ${v.ok ? "sold" : "refused"} for request ${v.id}, but the ledger ${seen.has(key) ? "has" : "has no"} such sale`, t);
    }
}

/** Coordination avoidance: of the requests asked in [from, to), all are answered and most with no round trip. */
function expectLocalDecisions(sim: Simulation, from: number, to: number): void {
  let asked = 0;
  let local = 0;
  for (const c of Object.keys(HOME)) {
    const outs = sim.outputsOf<ClientOut>(c);
    const answeredAt = new Map(outs.flatMap((o) => (o.value.type === "answer" ? [[o.value.id, o.t] as const] : [])));
    for (const o of outs) {
      if (o.value.type !== "asked" || o.t < from || o.t >= to) continue;
      asked++;
      const at = answeredAt.get(o.value.id);
      expectThat(at !== undefined, "every request gets an answer, sold or refused", () => `${c}'s request ${o.value.id} (asked at t=${o.t} ms) was never answered`, o.t);
      if (at - o.t === LOCAL_RTT) local++;
    }
  }
  expectThat(asked === 0 || local / asked >= LOCAL_TARGET, `at least ${LOCAL_TARGET * 100}% of requests are decided by the replica that receives them, with no round trip (the reply comes ${LOCAL_RTT} ms after asking)`, () => `${local} of ${asked} requests asked between t=${from} and t=${to} ms were answered in ${LOCAL_RTT} ms`);
}

function sold(sim: Simulation, replica?: NodeId, before = Infinity): number {
  return ledger(sim).reduce((s, l) => s + (l.t < before && (!replica || l.replica === replica) ? l.sale.qty : 0), 0);
}

/** With demand above the stock and a calm network at the end, (almost) everything is sold. */
function expectSoldOut(sim: Simulation, where: string): void {
  const total = sold(sim);
  expectThat(total >= SELL_OUT_TARGET * STOCK, `when buyers want more than the stock, at least ${SELL_OUT_TARGET * 100}% of it is sold: rights move to where the buyers are`, () => `only ${total} of ${STOCK} units were sold (${REPLICAS.map((r) => `${r} ${sold(sim, r)}`).join(", ")}) ${where}`);
}

ex.scripted("a calm network: every sale is decided on the spot, and the stock sells out", { runs: 3 }, (lab) => {
  const sim = shop(lab, { demand: everyone(20), runMs: 2500 });
  expectNeverOversold(sim);
  expectLedgerMatchesReplies(sim);
  expectLocalDecisions(sim, 0, 2300);
  expectSoldOut(sim, "though every replica had buyers all along");
});

ex.scripted("all the buyers at one replica: rights move to where the demand is", { runs: 3 }, (lab) => {
  const sim = shop(lab, { demand: { c1: buyer(10) }, runMs: 3000 });
  expectNeverOversold(sim);
  expectLedgerMatchesReplies(sim);
  expectLocalDecisions(sim, 0, 2800);
  expectSoldOut(sim, "though c1 kept buying at r1 for 3 s: ask the others for their rights");
});

ex.scripted("a replica cut off from the others sells its own share, and not a unit more", { runs: 3 }, (lab) => {
  const sim = shop(lab, { demand: everyone(15), schedule: [{ at: 0, op: "partition", groups: [["r1"], ["r2", "r3"]] }, { at: 2000, op: "heal" }], runMs: 3000 });
  expectNeverOversold(sim);
  expectLedgerMatchesReplies(sim);
  expectLocalDecisions(sim, 0, 2800);
  const alone = sold(sim, "r1", 2000);
  expectThat(alone >= 0.95 * (STOCK / 3), "an isolated replica keeps selling from its own rights: it needs nobody's permission", () => `r1 sold only ${alone} units in the 2 s it was cut off, though it holds a third of the stock (${STOCK / 3}) and c1 kept buying`);
});

ex.scripted("a replica that crashes and restarts remembers what it sold", { runs: 3 }, (lab) => {
  // r1 is cut off, sells its share, crashes and comes back, still cut off: the others sell theirs meanwhile.
  const sim = shop(lab, {
    demand: everyone(15),
    schedule: [
      { at: 0, op: "partition", groups: [["r1"], ["r2", "r3"]] },
      { at: 900, op: "crash", node: "r1" },
      { at: 950, op: "restart", node: "r1" },
      { at: 1300, op: "crash", node: "r2" },
      { at: 1320, op: "restart", node: "r2" },
      { at: 2000, op: "heal" },
    ],
    runMs: 3000,
  });
  expectNeverOversold(sim);
  expectLedgerMatchesReplies(sim);
});

ex.scripted("duplicated, delayed and reordered messages between replicas create no rights", { runs: 3 }, (lab) => {
  const sim = shop(lab, { demand: { c1: buyer(10), c2: buyer(60) }, network: { duplicate: 0.5, tail: 0.3, tailMs: [50, 300] }, runMs: 3500 });
  expectNeverOversold(sim);
  expectLedgerMatchesReplies(sim);
  expectSoldOut(sim, "with c1 buying fast at r1 and c2 slowly at r2");
});

ex.generative(
  "under partitions, crashes, pauses, loss and duplication the stock never goes below zero; once calm, sales are local and the stock sells out",
  {
    runs: 40,
    schedule: scheduleArb({ nodes: [...REPLICAS], durationMs: 1500, kinds: ["crash", "restart", "partition", "heal", "pause", "resume", "network"], maxOps: 10, maxDrop: 0.4, maxDuplicate: 0.5, maxDelayMs: 80 }),
  },
  (lab, schedule) => {
    // Uneven demand: one replica's buyers are ten times as eager as another's.
    const sim = shop(lab, {
      demand: { c1: buyer(10), c2: buyer(100), c3: buyer(30, 1700) },
      schedule: [...schedule, ...quiesce(1500, [...REPLICAS])],
      network: { tail: 0.1, tailMs: [50, 200] },
      runMs: 3500,
    });
    expectNeverOversold(sim);
    expectLedgerMatchesReplies(sim);
    expectLocalDecisions(sim, 1700, 3300);
    expectSoldOut(sim, "though demand stayed above the stock and the network was calm from t=1500 ms");
  },
);
