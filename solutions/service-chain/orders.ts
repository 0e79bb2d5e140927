// Reference solution for `service-chain`.
//
// A synchronous chain answers only when stock, payment and shipping have all
// answered, so it is up only when all three are: its availability is the
// product of theirs. Here the orders service takes an order into a durable
// queue (its disk, synced before it says so) and answers "accepted" at once:
// the shopper sees this service's availability alone. The chain runs behind
// the queue, one step at a time per order, each call retried on a timeout
// with the same idempotency key — the same on every attempt and after a
// restart — so no step ever happens twice.

import type { Ctx, Node } from "faultline/sim";

/** The chain every order goes through, in this order. */
export const STEPS = ["stock", "payment", "shipping"] as const;
export type StepId = (typeof STEPS)[number];
/** How long to wait for a step's reply before calling again. */
export const CALL_TIMEOUT_MS = 40;

export type Msg =
  | { type: "order"; id: string }
  | { type: "accepted"; id: string }
  | { type: "call"; key: string; order: string }
  | { type: "done"; key: string };

export function createOrders(ctx: Ctx<Msg>): Node<Msg> {
  // The queue: for every accepted order, the index in STEPS of its next step
  // (STEPS.length once carried out). Read back from disk first thing: this
  // body runs at boot and after every restart.
  const queue: Record<string, number> = ctx.disk.get("queue") ?? {};
  const save = (order: string, step: number) => {
    queue[order] = step;
    ctx.disk.set("queue", queue);
    ctx.disk.sync(); // durable before anyone hears about it
  };
  const keyOf = (order: string, step: number) => `${order}/${STEPS[step]}`;

  /** Calls the order's next step, and sets its timeout. */
  function next(order: string): void {
    const step = queue[order];
    if (step === undefined || step >= STEPS.length) return;
    ctx.send(STEPS[step]!, { type: "call", key: keyOf(order, step), order });
    ctx.setTimer(order, CALL_TIMEOUT_MS);
  }

  return {
    onStart() {
      // After a crash: everything accepted and not yet carried out carries on.
      for (const order of Object.keys(queue)) next(order);
    },
    onMessage(from, msg) {
      if (msg.type === "order") {
        if (!(msg.id in queue)) {
          save(msg.id, 0);
          next(msg.id);
        }
        // Accepted means queued on disk; a repeat of an accepted order is simply accepted again.
        ctx.send(from, { type: "accepted", id: msg.id });
      } else if (msg.type === "done") {
        const cut = msg.key.lastIndexOf("/");
        const order = msg.key.slice(0, cut);
        const step = queue[order];
        // Only the reply to the step under way counts; a duplicate or a late one is ignored.
        if (step === undefined || STEPS[step] !== msg.key.slice(cut + 1)) return;
        save(order, step + 1);
        ctx.cancelTimer(order);
        next(order);
      }
    },
    onTimer(order) {
      next(order); // no reply in time: call again, with the same key
    },
  };
}
