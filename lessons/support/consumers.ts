// Lesson 05's deduplicating consumer, for the lesson's cells (the
// `exactly-once` exercise asks you to write your own). It speaks the lab
// producer's protocol (runner/suites/support/queue.ts).

import type { Ctx, Node } from "../../runner/sim/index.ts";
import type { QueueMsg } from "../../runner/suites/support/queue.ts";

export type Effect = { type: "effect"; id: string; amount: number };

/** Applies each payment once: the effect and its record in one handler, the record made durable, and only then the acknowledgement. */
export function dedupConsumer(ctx: Ctx<QueueMsg, Effect>): Node<QueueMsg> {
  return {
    onMessage(from, msg) {
      if (msg.type !== "deliver") return;
      const record = `applied ${msg.id}`;
      if (ctx.disk.get(record) === undefined) {
        ctx.output({ type: "effect", id: msg.id, amount: msg.amount });
        ctx.disk.set(record, msg.amount);
        ctx.disk.sync();
      }
      ctx.send(from, { type: "ack", ids: [msg.id] }); // a repeat is acknowledged too: the last ack may be the one that was lost
    },
  };
}
