// Lesson 05's deduplicating consumer, for the lesson's cells (the
// `exactly-once` exercise asks you to write your own). It speaks the lab
// producers' protocol (runner/suites/support/queue.ts): a payment is
// (producer, seq).

import type { Ctx, Node, NodeId } from "../../runner/sim/index.ts";
import type { QueueMsg } from "../../runner/suites/support/queue.ts";

export type Effect = { type: "effect"; producer: NodeId; seq: number; amount: number };

/**
 * Applies each payment once: the effect and its record in one handler, the
 * record made durable, and only then the acknowledgement. (It keeps one
 * record per payment, so its disk grows with every payment; the exercise
 * asks for a memory that stays small.)
 */
export function dedupConsumer(ctx: Ctx<QueueMsg, Effect>): Node<QueueMsg> {
  return {
    onMessage(from, msg) {
      if (msg.type !== "deliver") return;
      const record = JSON.stringify(["applied", from, msg.seq]);
      if (ctx.disk.get(record) === undefined) {
        ctx.output({ type: "effect", producer: from, seq: msg.seq, amount: msg.amount });
        ctx.disk.set(record, msg.amount);
        ctx.disk.sync();
      }
      ctx.send(from, { type: "ack", seqs: [msg.seq] }); // a repeat is acknowledged too: the last ack may be the one that was lost
    },
  };
}
