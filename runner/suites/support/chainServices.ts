// The lab's side of lesson 13 and the `service-chain` exercise: the three
// services an order passes through (stock, payment, shipping) and the
// shoppers who place orders.
//
// A step service has an idempotency-key API:
//   {type: "call", key, order}  →  {type: "done", key}
// It carries out the step once per key, however often the key is sent, and
// outputs {type: "effect", order, key} when it does (a reservation, a charge,
// a parcel: what the grader counts). Its table of keys is on disk, synced, so
// a crash forgets nothing it has done. A different key is a different
// request: retrying with a fresh key does the step again.
//
// A shopper places an order every `everyMs` (a random gap around it) and
// waits for {type: "accepted", id}. Like a person at a checkout, it clicks
// again (the same order id) every `retryMs` until the order is accepted.

import type { Ctx, Node, NodeFactory, NodeId } from "../../sim/index.ts";

export const STEPS = ["stock", "payment", "shipping"] as const;
export type StepId = (typeof STEPS)[number];

export type StepMsg = { type: "call"; key: string; order: string } | { type: "done"; key: string };
export type StepOut = { type: "effect"; order: string; key: string };

export function stepService(): NodeFactory<StepMsg, StepOut> {
  return (ctx: Ctx<StepMsg, StepOut>): Node<StepMsg> => {
    const done = ctx.disk.get<Record<string, string>>("done") ?? {};
    return {
      onMessage(from, msg) {
        if (msg.type !== "call") return;
        if (!(msg.key in done)) {
          done[msg.key] = msg.order;
          ctx.disk.set("done", done);
          ctx.disk.sync();
          ctx.output({ type: "effect", order: msg.order, key: msg.key });
        }
        ctx.send(from, { type: "done", key: msg.key });
      },
    };
  };
}

export type ShopperMsg = { type: "order"; id: string } | { type: "accepted"; id: string };
export type ShopperOut = { type: "placed"; id: string } | { type: "accepted"; id: string };

export interface ShopperOptions {
  /** Where orders go. */
  front: NodeId;
  /** Mean gap between orders (uniform in 0.5–1.5 of it). */
  everyMs: number;
  /** No new orders after this time. */
  until: number;
  /** Click again after this long without "accepted". */
  retryMs: number;
}

export function shopper(o: ShopperOptions): NodeFactory<ShopperMsg, ShopperOut> {
  return (ctx: Ctx<ShopperMsg, ShopperOut>): Node<ShopperMsg> => {
    let placed = 0;
    const waiting = new Set<string>();
    const gap = () => Math.round(o.everyMs * (0.5 + ctx.random()));
    return {
      onStart() {
        ctx.setTimer("place", gap());
      },
      onTimer(name) {
        if (name === "place") {
          const id = `${ctx.id}-${++placed}`;
          waiting.add(id);
          ctx.output({ type: "placed", id });
          ctx.send(o.front, { type: "order", id });
          ctx.setTimer(`again ${id}`, o.retryMs);
          const next = gap();
          if (ctx.now() + next <= o.until) ctx.setTimer("place", next);
          return;
        }
        const id = name.slice("again ".length);
        if (!waiting.has(id)) return;
        ctx.send(o.front, { type: "order", id });
        ctx.setTimer(name, o.retryMs);
      },
      onMessage(_from, msg) {
        if (msg.type !== "accepted" || !waiting.delete(msg.id)) return;
        ctx.cancelTimer(`again ${msg.id}`);
        ctx.output({ type: "accepted", id: msg.id });
      },
    };
  };
}

/** Each order's placement time and when (if ever) it was first accepted. */
export function ordersOf(outputs: readonly { t: number; node: NodeId; value: unknown }[]): Map<string, { placedAt: number; acceptedAt: number | null }> {
  const out = new Map<string, { placedAt: number; acceptedAt: number | null }>();
  for (const o of outputs) {
    const v = o.value as ShopperOut;
    if (v?.type === "placed") out.set(v.id, { placedAt: o.t, acceptedAt: null });
    else if (v?.type === "accepted") {
      const r = out.get(v.id);
      if (r && r.acceptedAt === null) r.acceptedAt = o.t;
    }
  }
  return out;
}

/** The fraction of [from, to) each node spent up, from a schedule of crashes and restarts. */
export function uptime(schedule: readonly { at: number; op: string; node?: NodeId }[], node: NodeId, from: number, to: number): number {
  let down = 0;
  let since: number | null = null;
  for (const op of [...schedule].sort((a, b) => a.at - b.at)) {
    if (op.node !== node) continue;
    if (op.op === "crash" && since === null) since = op.at;
    else if (op.op === "restart" && since !== null) {
      down += Math.max(0, Math.min(op.at, to) - Math.max(since, from));
      since = null;
    }
  }
  if (since !== null) down += Math.max(0, to - Math.max(since, from));
  return 1 - down / (to - from);
}
