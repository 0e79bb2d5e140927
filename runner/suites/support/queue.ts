// The lab's at-least-once producer for lesson 05 and the `exactly-once`
// exercise: it sends payments to the consumer "c" and resends each one until
// it is acknowledged.

import type { Ctx, Node, NodeFactory } from "../../sim/index.ts";

export type QueueMsg = { type: "deliver"; id: string; amount: number } | { type: "ack"; ids: string[] };

export type ProducerOut = { type: "sent"; id: string; amount: number } | { type: "acked"; id: string };

/** At-least-once: sends `count` payments, one every `gapMs`, and resends each every `retryMs` until acknowledged. */
export function producer(count: number, gapMs = 25, retryMs = 80): NodeFactory<QueueMsg, ProducerOut> {
  return (ctx: Ctx<QueueMsg, ProducerOut>): Node<QueueMsg> => {
    const pending = new Map<string, number>();
    const acked = new Set<string>();
    // Amounts repeat on purpose: two payments of 20 are still two payments.
    const amounts = [20, 5, 20, 10, 5, 20];
    return {
      onStart() {
        for (let i = 1; i <= count; i++) ctx.setTimer(`new ${i}`, i * gapMs);
      },
      onTimer(name) {
        const [kind, n] = name.split(" ");
        const id = `pay-${n}`;
        if (kind === "new") {
          const amount = amounts[(Number(n) - 1) % amounts.length]!;
          pending.set(id, amount);
          ctx.output({ type: "sent", id, amount });
        }
        const amount = pending.get(id);
        if (amount === undefined) return;
        ctx.send("c", { type: "deliver", id, amount });
        ctx.setTimer(`retry ${n}`, retryMs);
      },
      onMessage(_from, msg) {
        if (msg.type !== "ack" || !Array.isArray(msg.ids)) return;
        for (const id of msg.ids) {
          if (!pending.delete(id) || acked.has(id)) continue;
          acked.add(id);
          ctx.output({ type: "acked", id });
        }
      },
    };
  };
}

