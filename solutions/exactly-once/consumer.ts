// Reference solution for `exactly-once`: exactly-once *processing* on top of
// at-least-once delivery. Producers retry until acknowledged, so a payment may
// arrive many times; the consumer applies each (producer, seq) once by
// remembering, durably and together with the effect, what it has applied —
// and acknowledges only what it has applied and synced.
//
// Sequence numbers let that memory stay small: per producer, a watermark
// below which everything is applied, plus the few applied seqs above it. A
// producer never has more than WINDOW payments unacknowledged, so those are
// always fewer than WINDOW.

import type { Ctx, Node, NodeId } from "faultline/sim";

/** A producer's message: its payment number `seq` (0, 1, 2, … per producer) of `amount`. A retry or duplicate repeats the same seq. */
export type Deliver = { type: "deliver"; seq: number; amount: number };
/** Your acknowledgement to that producer: these seqs need not be sent again. */
export type Ack = { type: "ack"; seqs: number[] };
export type QueueMsg = Deliver | Ack;

/** The effect: one output per applied payment (think: a row in the payments table). */
export type Effect = { type: "effect"; producer: NodeId; seq: number; amount: number };

/** A producer sends seq s only once every seq up to s − WINDOW is acknowledged. */
export const WINDOW = 8;

export const ACK_EVERY_MS = 30;

/** Per producer: every seq below `below` is applied, and so are the seqs in `above`. */
type Applied = { below: number; above: number[] };

export function createConsumer(ctx: Ctx<QueueMsg, Effect>): Node<QueueMsg> {
  // Recover first thing: this body runs at boot and after every restart, before any message.
  const applied = new Map<NodeId, Applied>(Object.entries(ctx.disk.get<Record<NodeId, Applied>>("applied") ?? {}));
  // Per producer, the seqs received since the last batch of acknowledgements.
  const toAck = new Map<NodeId, Set<number>>();

  function isApplied(from: NodeId, seq: number): boolean {
    const a = applied.get(from);
    return a !== undefined && (seq < a.below || a.above.includes(seq));
  }

  function apply(from: NodeId, msg: Deliver): void {
    ctx.output({ type: "effect", producer: from, seq: msg.seq, amount: msg.amount });
    const a = applied.get(from) ?? { below: 0, above: [] };
    a.above.push(msg.seq);
    // Slide the watermark over the seqs that are now contiguous.
    while (a.above.includes(a.below)) {
      a.above.splice(a.above.indexOf(a.below), 1);
      a.below++;
    }
    applied.set(from, a);
    // The record of the effect must be as durable as the effect itself,
    // before anyone is told it happened.
    ctx.disk.set("applied", Object.fromEntries(applied));
    ctx.disk.sync();
  }

  return {
    onStart() {
      ctx.setTimer("ack", ACK_EVERY_MS);
    },
    onMessage(from, msg) {
      if (msg.type !== "deliver") return;
      if (!isApplied(from, msg.seq)) apply(from, msg);
      // Acknowledge later, in batches (like committing a consumer offset).
      // A crash before then means redelivery — which `applied` absorbs.
      const batch = toAck.get(from) ?? new Set<number>();
      toAck.set(from, batch.add(msg.seq));
    },
    onTimer() {
      for (const [producer, seqs] of toAck) ctx.send(producer, { type: "ack", seqs: [...seqs] });
      toAck.clear();
      ctx.setTimer("ack", ACK_EVERY_MS);
    },
  };
}
