// Exercise `exactly-once`. Lesson: lessons/05-delivery-semantics.md ("Faking exactly-once").
//
// A producer ("p") sends you payments: {type: "deliver", id, amount}. It is
// at-least-once: it resends every payment until you acknowledge it
// ({type: "ack", ids: [...]}), and the network may also duplicate, delay and
// reorder messages. You may crash at any moment between two events and
// restart with only your disk.
//
// Your job: apply each payment's effect exactly once —
//     ctx.output({ type: "effect", id, amount })
// — never twice, never zero times, whatever is resent, duplicated or lost
// in a crash.
//
// The disk in this exercise forgets writes that were not synced:
// ctx.disk.set(key, value) then ctx.disk.sync() makes them survive a crash.
//
// The grader checks the effects ledger (every output "effect" across all your
// incarnations): each payment id appears exactly once, with its amount, and
// every payment is acknowledged in the end.

import { todo, type Ctx, type Node, type NodeId } from "faultline/sim";

/** The producer's message: apply `amount` for payment `id`. Retries and duplicates repeat the same id. */
export type Deliver = { type: "deliver"; id: string; amount: number };
/** Your acknowledgement: these ids need not be sent again. */
export type Ack = { type: "ack"; ids: string[] };
export type QueueMsg = Deliver | Ack;

/** The effect: one output per applied message (think: a row in the payments table). */
export type Effect = { type: "effect"; id: string; amount: number };

export function createConsumer(ctx: Ctx<QueueMsg, Effect>): Node<QueueMsg> {
  // Your state. What must survive a crash? This body runs at boot and after
  // every restart, before any message arrives: recover from ctx.disk here.

  return {
    onStart() {
      // Set timers here if you want them (e.g. to acknowledge in batches).
    },
    onMessage(from: NodeId, msg: QueueMsg) {
      // 1. Have you applied this id already? Then do not apply it again.
      // 2. Otherwise output the effect, and record that you did — durably.
      // 3. Acknowledge (now, or in a batch on a timer) — but only what is applied and synced.
      todo("apply each payment once and acknowledge it");
    },
  };
}
