// The lab's at-least-once producers for lesson 05 and the `exactly-once`
// exercise. Each numbers its payments 0, 1, 2, … (its own sequence), keeps at
// most WINDOW of them unacknowledged, and resends each one to the consumer
// "c" until it is acknowledged.

import type { Ctx, Node, NodeFactory } from "../../sim/index.ts";

export type QueueMsg = { type: "deliver"; seq: number; amount: number } | { type: "ack"; seqs: number[] };

export type ProducerOut = { type: "sent"; seq: number; amount: number } | { type: "acked"; seq: number };

/** A producer never has more payments than this unacknowledged (the exercise says so too). */
export const WINDOW = 8;

/** Amounts repeat on purpose (two payments of 20 are still two payments), and sit at the edges: zero, a refund, a fraction, a large one. */
const AMOUNTS = [20, 5, 20, 0, -5, 12.5, 20, 1_000_000_000];

export interface ProducerOptions {
  /** A new payment is due every `gapMs` (if the window allows). */
  gapMs?: number;
  /** Each unacknowledged payment is resent every `retryMs`. */
  retryMs?: number;
}

/**
 * At-least-once: sends `count` payments (seq 0 … count−1), a new one every
 * `gapMs` while fewer than WINDOW are unacknowledged, and resends each one
 * every `retryMs` until it is acknowledged.
 */
export function producer(count: number, o: ProducerOptions = {}): NodeFactory<QueueMsg, ProducerOut> {
  const gapMs = o.gapMs ?? 25;
  const retryMs = o.retryMs ?? 80;
  return (ctx: Ctx<QueueMsg, ProducerOut>): Node<QueueMsg> => {
    const pending = new Map<number, number>(); // seq → amount
    let next = 0;
    const lowest = () => (pending.size ? Math.min(...pending.keys()) : next);
    const send = (seq: number) => {
      ctx.send("c", { type: "deliver", seq, amount: pending.get(seq)! });
      ctx.setTimer(`retry ${seq}`, retryMs);
    };
    return {
      onStart() {
        ctx.setTimer("new", gapMs);
      },
      onTimer(name) {
        if (name !== "new") {
          const seq = Number(name.slice("retry ".length));
          if (pending.has(seq)) send(seq);
          return;
        }
        if (next >= count) return;
        if (next < lowest() + WINDOW) {
          const amount = AMOUNTS[next % AMOUNTS.length]!;
          pending.set(next, amount);
          ctx.output({ type: "sent", seq: next, amount });
          send(next++);
        }
        ctx.setTimer("new", gapMs);
      },
      onMessage(_from, msg) {
        if (msg.type !== "ack" || !Array.isArray(msg.seqs)) return;
        for (const seq of msg.seqs) {
          if (!pending.delete(seq)) continue;
          ctx.cancelTimer(`retry ${seq}`);
          ctx.output({ type: "acked", seq });
        }
      },
    };
  };
}
