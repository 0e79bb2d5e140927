// Exercise `exactly-once`. Lesson: lessons/05-delivery-semantics.md ("Faking exactly-once").
//
// Producers ("p1", "p2", … — any names, sometimes a dozen of them) send you
// payments: {type: "deliver", seq, amount}. Each producer numbers its own
// payments 0, 1, 2, …, so a payment is identified by (producer, seq): p1's
// seq 3 and p2's seq 3 are two different payments. Producers are
// at-least-once: each resends a payment until you acknowledge it
// ({type: "ack", seqs: [...]}, sent back to that producer), and the network
// may also duplicate, delay and reorder messages — a copy can turn up long
// after the producer has moved on. You may crash at any moment between two
// events and restart with only your disk.
//
// Your job: apply each payment's effect exactly once —
//     ctx.output({ type: "effect", producer, seq, amount })
// — never twice, never zero times, whatever is resent, duplicated or lost
// in a crash.
//
// The disk in this exercise forgets writes that were not synced:
// ctx.disk.set(key, value) then ctx.disk.sync() makes them survive a crash.
//
// Keep it small. A producer never has more than WINDOW payments
// unacknowledged: it sends seq s only once every seq up to s − WINDOW is
// acknowledged. So you need not remember every seq you ever applied — per
// producer, a number below which everything is applied, and the few applied
// seqs above it, are enough.
//
// The grader checks the effects ledger (every output "effect" across all your
// incarnations): each (producer, seq) exactly once, with its amount; that
// every payment is acknowledged in the end, and only after it was applied;
// that your disk stays small however many payments flow (it sends thousands;
// the bound is 120 + 240 bytes of JSON per producer);
// that an acknowledgement names at most 3 × WINDOW different seqs; and that
// you fall silent once everything is acknowledged.

import { todo, type Ctx, type Node, type NodeId } from "faultline/sim";

/** A producer's message: its payment number `seq` (0, 1, 2, … per producer) of `amount`. A retry or duplicate repeats the same seq. */
export type Deliver = { type: "deliver"; seq: number; amount: number };
/** Your acknowledgement to that producer: these seqs need not be sent again. */
export type Ack = { type: "ack"; seqs: number[] };
export type QueueMsg = Deliver | Ack;

/** The effect: one output per applied payment (think: a row in the payments table). */
export type Effect = { type: "effect"; producer: NodeId; seq: number; amount: number };

/** A producer sends seq s only once every seq up to s − WINDOW is acknowledged. */
export const WINDOW = 8;

export function createConsumer(ctx: Ctx<QueueMsg, Effect>): Node<QueueMsg> {
  // Your state. What must survive a crash? This body runs at boot and after
  // every restart, before any message arrives: recover from ctx.disk here.

  return {
    onStart() {
      // Set timers here if you want them (e.g. to acknowledge in batches).
    },
    onMessage(from: NodeId, msg: QueueMsg) {
      // 1. Have you applied (from, msg.seq) already? Then do not apply it again.
      // 2. Otherwise output the effect, and record that you did — durably.
      // 3. Acknowledge (now, or in a batch on a timer) — but only what is applied and synced.
      todo("apply each payment once and acknowledge it");
    },
  };
}
