// Exercise `service-chain`. Lesson: lessons/13-state-and-services.md ("A chain of calls").
//
// You write the orders service ("orders"). Shoppers send it {type: "order", id}
// and wait up to 100 ms for {type: "accepted", id}; then they click again
// (same id). Every order must go through three services, in this order:
//     stock (reserve the item) → payment (charge) → shipping (send it)
// Each has an idempotency-key API:
//     {type: "call", key, order}  →  {type: "done", key}
// A service carries out a step once per key, however often the key is sent;
// a new key is a new request, and the step happens again.
//
// The grader takes the services down in turn, loses, repeats and delays
// messages, and crashes your service (its disk keeps only what you forced
// with ctx.disk.sync()). It checks that
//   - shoppers see at least 99% of orders accepted within 100 ms while the
//     services behind you are down a third of the time — a chain that answers
//     only when all three have answered is up only when all three are (the
//     product of their availabilities: here under 40%);
//   - every accepted order is carried out in the end, whatever crashes;
//   - each step happens at most once per order, and in the chain's order.
//
// Run `npx faultline grade service-chain` (or `npx faultline watch service-chain`).

import { todo, type Ctx, type Node } from "faultline/sim";

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
  // Your queue: accepted orders and how far each has got. Where must it live
  // so that "accepted" is a promise you can keep after a crash?

  return {
    onStart() {
      // At boot and after a crash: carry on with every order your queue holds.
      todo("resume the orders in your queue");
    },
    onMessage(from, msg) {
      // "order": queue it (durably: set, then sync) unless you already have
      //   it, start its first step, and accept it — now, not when the chain is
      //   done. A repeated order is accepted again, not queued again.
      // "done": the step under way for that order is done: record it, and
      //   call the next step. A duplicate or late "done" changes nothing.
      todo("queue and accept orders, and move each one along the chain");
    },
    onTimer(name) {
      // No "done" within CALL_TIMEOUT_MS: call the same step again. Which key?
      // The same on every attempt and after a restart — derive it from the
      // order and the step, never from a counter or ctx.random().
      todo("retry a step that has not answered");
    },
  };
}
