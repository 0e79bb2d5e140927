// Suite for `service-chain`: every order must pass through three services in
// turn (stock, payment, shipping: the lab's, support/chainServices.ts), and
// the learner writes the orders service in front of them. Graded on the
// availability shoppers see — a synchronous chain is only up when every link
// is, the product of their availabilities — and on the effects: each step
// once per order, in the chain's order, for every order accepted, through
// lost messages, outages of the services and crashes of the orders service.

import { expectThat } from "../check/violation.ts";
import { quiesce, scheduleArb, type FaultOp, type NodeFactory, type NodeId, type Simulation } from "../sim/index.ts";
import type { NetworkConfig } from "../sim/network.ts";
import { exercise, type Lab } from "./harness/exercise.ts";
import { STEPS, ordersOf, shopper, stepService, uptime, type StepOut } from "./support/chainServices.ts";
import type * as Orders from "../../exercises/service-chain/orders.ts";

const ex = await exercise<typeof Orders>("service-chain", "orders.ts");

const FRONT = "orders";
const SHOPPERS = ["s1", "s2"] as const;
/** A shopper gives up on an attempt (and clicks again) after this long. */
const CLIENT_TIMEOUT_MS = 100;
const TARGET_AVAILABILITY = 0.99;

interface Shop {
  sim: Simulation;
  schedule: FaultOp[];
}

function shop(lab: Lab, o: { until: number; runMs: number; everyMs?: number; schedule?: FaultOp[]; network?: Partial<NetworkConfig> }): Shop {
  const schedule = o.schedule ?? [];
  const sim = lab.simulation({
    nodes: { [FRONT]: ex.impl.createOrders as NodeFactory, ...Object.fromEntries(STEPS.map((s) => [s, stepService()])) },
    clients: Object.fromEntries(SHOPPERS.map((c) => [c, shopper({ front: FRONT, everyMs: o.everyMs ?? 60, until: o.until, retryMs: CLIENT_TIMEOUT_MS })])),
    network: o.network ?? {},
    schedule,
    disk: { loseUnsynced: true },
  });
  sim.run(o.runMs);
  return { sim, schedule };
}

function orders(sim: Simulation) {
  return ordersOf(sim.outputs.filter((o) => (SHOPPERS as readonly string[]).includes(o.node)));
}

type Effect = { t: number; key: string; /** Position in the run's outputs: their order, even within one instant. */ seq: number };

/** Every effect of every step service, per order. */
function effects(sim: Simulation): Map<string, Map<string, Effect[]>> {
  const out = new Map<string, Map<string, Effect[]>>();
  sim.outputs.forEach(({ t, node, value }, seq) => {
    if (!(STEPS as readonly string[]).includes(node)) return;
    const v = value as StepOut;
    const per = out.get(v.order) ?? new Map<string, Effect[]>();
    out.set(v.order, per);
    per.set(node, [...(per.get(node) ?? []), { t, key: v.key, seq }]);
  });
  return out;
}

/** Each step at most once per order, only for orders that exist, and in the chain's order. */
function expectEffectsOnceInOrder(sim: Simulation): void {
  const placed = orders(sim);
  for (const [order, per] of effects(sim)) {
    const first = [...per.values()][0]![0]!;
    expectThat(placed.has(order), "every effect belongs to an order a shopper placed", () => `a step was carried out for order ${JSON.stringify(order)}, which nobody placed`, first.t);
    for (const [i, s] of STEPS.entries()) {
      const done = per.get(s) ?? [];
      expectThat(done.length <= 1, "each step happens at most once per order: a retry reuses the step's idempotency key", () => `${s} was carried out ${done.length} times for order ${order}, at t=${done.map((d) => d.t).join(", t=")} ms, under keys ${done.map((d) => JSON.stringify(d.key)).join(", ")}`, done[1]?.t);
      if (i === 0 || done.length === 0) continue;
      const before = per.get(STEPS[i - 1]!)?.[0];
      expectThat(before !== undefined && before.seq < done[0]!.seq, `the chain runs in order (${STEPS.join(" → ")}): a step starts only after the one before it is done`, () => `order ${order} reached ${s} at t=${done[0]!.t} ms, ${before ? `but ${STEPS[i - 1]} only at t=${before.t} ms` : `but ${STEPS[i - 1]} never happened`}`, done[0]!.t);
    }
  }
}

/** An accepted order is a promise: in the end every step has been carried out for it. */
function expectAcceptedCarriedOut(sim: Simulation): void {
  const eff = effects(sim);
  for (const [order, o] of orders(sim)) {
    if (o.acceptedAt === null) continue;
    const missing = STEPS.filter((s) => !eff.get(order)?.get(s)?.length);
    expectThat(missing.length === 0, "every accepted order is carried out in the end (the queue survives crashes; calls are retried until they succeed)", () => `order ${order} was accepted at t=${o.acceptedAt} ms but never reached ${missing.join(", ")}`);
  }
}

/** Once the orders service is back for good, every order is accepted (shoppers keep clicking). */
function expectAllAccepted(sim: Simulation): void {
  const never = [...orders(sim)].filter(([, o]) => o.acceptedAt === null).map(([id]) => id);
  expectThat(never.length === 0, "every order is accepted in the end (its shopper keeps trying)", () => `never accepted: ${never.slice(0, 8).join(", ")}${never.length > 8 ? ` and ${never.length - 8} more` : ""}`);
}

/** Availability as shoppers see it: orders accepted within CLIENT_TIMEOUT_MS of being placed. */
function availability(sim: Simulation, until: number): { accepted: number; placed: number; ratio: number } {
  const all = [...orders(sim).values()].filter((o) => o.placedAt <= until);
  const accepted = all.filter((o) => o.acceptedAt !== null && o.acceptedAt - o.placedAt <= CLIENT_TIMEOUT_MS).length;
  return { accepted, placed: all.length, ratio: all.length ? accepted / all.length : 1 };
}

function expectAvailable(lab: Lab, run: Shop, until: number): void {
  const a = availability(run.sim, until);
  const links = Object.fromEntries(STEPS.map((s) => [s, uptime(run.schedule, s, 0, until)]));
  const product = STEPS.reduce((p, s) => p * links[s]!, 1);
  lab.metrics({ availability: Number(a.ratio.toFixed(4)), linkProduct: Number(product.toFixed(4)), ...Object.fromEntries(STEPS.map((s) => [`${s}Up`, Number(links[s]!.toFixed(4))])) });
  expectThat(
    a.ratio >= TARGET_AVAILABILITY,
    `shoppers see the orders service available: at least ${TARGET_AVAILABILITY * 100}% of orders accepted within ${CLIENT_TIMEOUT_MS} ms, however the chain behind it fares`,
    () => `${a.accepted} of ${a.placed} orders (${(100 * a.ratio).toFixed(1)}%) were accepted in time. The links were up ${STEPS.map((s) => `${s} ${(100 * links[s]!).toFixed(0)}%`).join(", ")} of the time: a chain that answers only when all three have is up about ${(100 * product).toFixed(0)}% of the time, the product. Queue the order durably and accept it at once.`,
  );
}

ex.scripted("a calm network: every order accepted at once and carried out once, step by step", { runs: 3 }, (lab) => {
  const run = shop(lab, { until: 1500, runMs: 2500 });
  expectEffectsOnceInOrder(run.sim);
  expectAllAccepted(run.sim);
  expectAcceptedCarriedOut(run.sim);
  expectAvailable(lab, run, 1500);
});

ex.scripted(`the services go down in turn: shoppers still see ≥ ${TARGET_AVAILABILITY * 100}% availability, not the product of the links`, { runs: 2 }, (lab) => {
  // Each service is down 250 ms in every 700, 900 or 1100: up about 64%, 72% and 77% of the time.
  const schedule: FaultOp[] = [];
  for (const [s, period, offset] of [["stock", 700, 100], ["payment", 900, 400], ["shipping", 1100, 650]] as const)
    for (let t = offset; t < 4000; t += period) schedule.push({ at: t, op: "crash", node: s }, { at: t + 250, op: "restart", node: s });
  const run = shop(lab, { until: 4000, runMs: 5500, schedule });
  expectAvailable(lab, run, 4000);
  expectEffectsOnceInOrder(run.sim);
  expectAcceptedCarriedOut(run.sim);
});

ex.scripted("lost replies are retried with the same key: nothing happens twice", { runs: 3 }, (lab) => {
  const run = shop(lab, {
    until: 1200,
    runMs: 2500,
    schedule: [
      { at: 200, op: "partition-oneway", from: ["stock", "payment", "shipping"], to: [FRONT] },
      { at: 600, op: "heal" },
    ],
    network: { drop: 0.2, duplicate: 0.2 },
  });
  expectEffectsOnceInOrder(run.sim);
  expectAllAccepted(run.sim);
  expectAcceptedCarriedOut(run.sim);
});

ex.scripted("an orders service that crashes again and again keeps every order it accepted", { runs: 4 }, (lab) => {
  // Down for 20 ms in every 113: orders are accepted just before crashes, and calls are cut off mid-flight.
  const schedule: FaultOp[] = [];
  for (let t = 57; t < 1500; t += 113) schedule.push({ at: t, op: "crash", node: FRONT }, { at: t + 20, op: "restart", node: FRONT });
  const run = shop(lab, { until: 1500, runMs: 3000, everyMs: 30, schedule });
  expectEffectsOnceInOrder(run.sim);
  expectAllAccepted(run.sim);
  expectAcceptedCarriedOut(run.sim);
});

ex.scripted("an orders service that crashes while a service is down resumes every unfinished order when it restarts, whichever step it was waiting for", { runs: 3 }, (lab) => {
  // Each service in turn is down for 600 ms, and the orders service crashes in
  // the middle of that outage: the calls it made to that service are lost with
  // its timers, and only what it wrote to disk can bring them back.
  const schedule: FaultOp[] = [];
  STEPS.forEach((s, i) => {
    const down = 300 + i * 900;
    schedule.push({ at: down, op: "crash", node: s }, { at: down + 300, op: "crash", node: FRONT }, { at: down + 310, op: "restart", node: FRONT }, { at: down + 600, op: "restart", node: s });
  });
  const run = shop(lab, { until: 2700, runMs: 4500, schedule });
  expectEffectsOnceInOrder(run.sim);
  expectAllAccepted(run.sim);
  expectAcceptedCarriedOut(run.sim);
});

const NODES: NodeId[] = [FRONT, ...STEPS];

ex.generative(
  "under crashes, pauses, partitions, loss and duplication: every accepted order carried out, each step once, in order",
  { runs: 40, schedule: scheduleArb({ nodes: NODES, durationMs: 1500, kinds: ["crash", "restart", "partition", "heal", "pause", "resume", "network"], maxOps: 10, maxDrop: 0.4, maxDuplicate: 0.4, maxDelayMs: 60 }) },
  (lab, schedule) => {
    const run = shop(lab, { until: 1400, runMs: 3500, schedule: [...schedule, ...quiesce(1500, NODES, {}, schedule)], network: { tail: 0.05, tailMs: [50, 200] } });
    expectEffectsOnceInOrder(run.sim);
    expectAllAccepted(run.sim);
    expectAcceptedCarriedOut(run.sim);
  },
);
