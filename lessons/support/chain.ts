// Lesson 13's bench: an order must pass through three services (stock →
// payment → shipping, the lab's idempotent-key services), and three front
// ends handle it differently while services crash:
//
//  - "synchronous": calls the chain in turn and tells the shopper only when
//    the last step is done, as an RPC would: up only when every link is.
//  - "queued, new request per retry": accepts the order into a queue at once
//    and works the chain behind it, retrying on a timeout — but each retry is
//    a new request, so a step whose reply was lost or late happens again.
//  - "queued, idempotency key": the same, with one key per (order, step),
//    unchanged across retries, so a retry can never do a step twice.
//
// (The `service-chain` exercise asks for the last one, with a queue that also
// survives the front end's own crashes.) Pure and deterministic.

import { Simulation, type Ctx, type FaultOp, type Node, type NodeFactory, type NodeId } from "../../runner/sim/index.ts";
import type { NetworkConfig } from "../../runner/sim/network.ts";
import { STEPS, ordersOf, shopper, stepService, uptime, type ShopperMsg, type StepMsg, type StepOut } from "../../runner/suites/support/chainServices.ts";

export type Design = "synchronous" | "queued, new request per retry" | "queued, idempotency key";
export const DESIGNS: readonly Design[] = ["synchronous", "queued, new request per retry", "queued, idempotency key"];

type Msg = ShopperMsg | StepMsg;
const SHOPPERS: readonly NodeId[] = ["s1", "s2"];
const RETRY_MS = 40;

function front(design: Design): NodeFactory<Msg> {
  return (ctx: Ctx<Msg>): Node<Msg> => {
    /** Per order: the next step, who to tell (synchronous only), and the attempt count (for new-request keys). */
    const orders = new Map<string, { step: number; shopper: NodeId; attempt: number }>();
    const keyOf = (id: string, o: { step: number; attempt: number }) => (design === "queued, idempotency key" || design === "synchronous" ? `${id}/${STEPS[o.step]}` : `${id}/${STEPS[o.step]}#${o.attempt}`);
    const call = (id: string) => {
      const o = orders.get(id);
      if (!o || o.step >= STEPS.length) return;
      o.attempt++;
      ctx.send(STEPS[o.step]!, { type: "call", key: keyOf(id, o), order: id });
      ctx.setTimer(id, RETRY_MS);
    };
    return {
      onMessage(from, msg) {
        if (msg.type === "order") {
          const known = orders.get(msg.id);
          if (known) known.shopper = from;
          else {
            orders.set(msg.id, { step: 0, shopper: from, attempt: 0 });
            call(msg.id);
          }
          if (design !== "synchronous") ctx.send(from, { type: "accepted", id: msg.id });
          else if (known && known.step >= STEPS.length) ctx.send(from, { type: "accepted", id: msg.id });
        } else if (msg.type === "done") {
          const id = msg.key.slice(0, msg.key.lastIndexOf("/"));
          const o = orders.get(id);
          if (!o || o.step >= STEPS.length || !msg.key.startsWith(`${id}/${STEPS[o.step]}`)) return;
          o.step++;
          ctx.cancelTimer(id);
          if (o.step < STEPS.length) call(id);
          else if (design === "synchronous") ctx.send(o.shopper, { type: "accepted", id });
        }
      },
      onTimer(id) {
        call(id);
      },
    };
  };
}

export interface ChainRun {
  design: Design;
  /** Orders placed, and accepted within the shopper's 100 ms. */
  placed: number;
  acceptedInTime: number;
  /** Each service's share of the time it was up, and their product. */
  uptime: Record<string, number>;
  linkProduct: number;
  /** Steps carried out more than once for the same order (a second charge, a second parcel). */
  duplicates: number;
  /** Orders for which every step has been carried out by the end. */
  completed: number;
}

export interface ChainOptions {
  seed: number;
  design: Design;
  /** Crashes and restarts of the services. */
  outages?: FaultOp[];
  network?: Partial<NetworkConfig>;
  /** Orders are placed until this time; the run goes on for 2 s more. */
  untilMs?: number;
}

/** Payment is down from 0.8 s to 1.6 s, shipping from 2.2 s to 2.8 s. */
export const DEFAULT_OUTAGES: FaultOp[] = [
  { at: 800, op: "crash", node: "payment" },
  { at: 1600, op: "restart", node: "payment" },
  { at: 2200, op: "crash", node: "shipping" },
  { at: 2800, op: "restart", node: "shipping" },
];

export function runChain(o: ChainOptions): ChainRun {
  const until = o.untilMs ?? 4000;
  const outages = o.outages ?? DEFAULT_OUTAGES;
  const sim = new Simulation({
    seed: o.seed,
    nodes: { orders: front(o.design), ...Object.fromEntries(STEPS.map((s) => [s, stepService()])) },
    clients: Object.fromEntries(SHOPPERS.map((c) => [c, shopper({ front: "orders", everyMs: 50, until, retryMs: 100 })])),
    // Calls between services are lost (3%) or slow (5%) now and then; the shoppers' own link is steady,
    // so what they see is the front end's design, not their network.
    network: o.network ?? { drop: 0.03, tail: 0.05, tailMs: [40, 120] },
    messageRule: (from, to) => (SHOPPERS.includes(from) || SHOPPERS.includes(to) ? { drop: 0, tail: 0 } : undefined),
    schedule: outages,
  });
  sim.run(until + 2000);
  const placed = ordersOf(sim.outputs);
  const done = new Map<string, Map<string, number>>();
  for (const s of STEPS)
    for (const { value } of sim.outputsOf<StepOut>(s)) {
      const per = done.get(value.order) ?? new Map<string, number>();
      done.set(value.order, per);
      per.set(s, (per.get(s) ?? 0) + 1);
    }
  const up = Object.fromEntries(STEPS.map((s) => [s, uptime(outages, s, 0, until)]));
  return {
    design: o.design,
    placed: placed.size,
    acceptedInTime: [...placed.values()].filter((p) => p.acceptedAt !== null && p.acceptedAt - p.placedAt <= 100).length,
    uptime: up,
    linkProduct: STEPS.reduce((p, s) => p * up[s]!, 1),
    duplicates: [...done.values()].reduce((n, per) => n + [...per.values()].reduce((m, c) => m + c - 1, 0), 0),
    completed: [...done.values()].filter((per) => STEPS.every((s) => per.has(s))).length,
  };
}
