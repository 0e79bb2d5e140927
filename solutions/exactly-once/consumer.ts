// Reference solution for `exactly-once`: exactly-once *processing* on top of
// at-least-once delivery. The producer retries until acknowledged, so a
// message may arrive many times; the consumer applies each message's effect
// once by remembering, durably and together with the effect, which ids it has
// applied — and acknowledges only what it has applied and synced.

import type { Ctx, Node, NodeId } from "faultline/sim";

/** The producer's message: apply `amount` for payment `id`. Retries and duplicates repeat the same id. */
export type Deliver = { type: "deliver"; id: string; amount: number };
/** Your acknowledgement: these ids need not be sent again. */
export type Ack = { type: "ack"; ids: string[] };
export type QueueMsg = Deliver | Ack;

/** The effect: one output per applied message (think: a row in the payments table). */
export type Effect = { type: "effect"; id: string; amount: number };

export const ACK_EVERY_MS = 30;

export function createConsumer(ctx: Ctx<QueueMsg, Effect>): Node<QueueMsg> {
  // Recover first thing: this body runs at boot and after every restart, before any message.
  const applied = new Set<string>(ctx.disk.get<string[]>("applied") ?? []);
  let toAck: string[] = [];
  let producer: NodeId = "p";

  function apply(msg: Deliver): void {
    if (applied.has(msg.id)) return; // a retry or a duplicate: already done
    ctx.output({ type: "effect", id: msg.id, amount: msg.amount });
    // The record of the effect must be as durable as the effect itself,
    // before anyone is told it happened.
    applied.add(msg.id);
    ctx.disk.set("applied", [...applied]);
    ctx.disk.sync();
  }

  return {
    onStart() {
      ctx.setTimer("ack", ACK_EVERY_MS);
    },
    onMessage(from, msg) {
      if (msg.type !== "deliver") return;
      producer = from;
      apply(msg);
      // Acknowledge later, in batches (like committing a consumer offset).
      // A crash before then means redelivery — which `applied` absorbs.
      toAck.push(msg.id);
    },
    onTimer() {
      if (toAck.length > 0) ctx.send(producer, { type: "ack", ids: toAck });
      toAck = [];
      ctx.setTimer("ack", ACK_EVERY_MS);
    },
  };
}
