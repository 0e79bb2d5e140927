// Exercise `saga`. Lesson: lessons/07-sagas.md ("Sagas").
//
// Book a flight, a hotel and a car for a trip, in that order, through three
// services ("flight", "hotel", "car") that you reach over an unreliable
// network. Each service has an idempotency-key API:
//   {type: "book", key, trip}  → {type: "book_reply", key, ok}   ok=false: no room, a final answer
//   {type: "cancel", key}      → {type: "cancel_reply", key}     undoes the booking made under `key`
// A service answers the same key the same way however often it is asked.
//
// The harness calls `book(trip)` on your orchestrator ("orch"). When the trip
// is settled, output {type: "done", trip, outcome: "booked" | "compensated"},
// once: "booked" when all three are confirmed, "compensated" when every
// booking made has been cancelled and each cancel confirmed.
//
// The grader loses, duplicates and delays messages (replies can arrive long
// after you resent a request), partitions the network and crashes your
// orchestrator, also while it compensates and while it recovers (the disk keeps
// only what you forced with ctx.disk.sync()). It tests each rule on its own too,
// with fake services that answer exactly as a rule needs. After healing, for
// every trip:
//   - either all three are booked, or every booking made has been cancelled;
//   - nothing is booked twice;
//   - the steps go in order: a service is asked only after the one before it confirmed;
//   - a refusal is final: it is not retried, and compensation starts at once;
//   - cancels are retried until they are confirmed;
//   - the saga finishes, and says done once, even if the orchestrator crashed on the way;
//   - then the orchestrator goes quiet.
// Trip ids can be any string (including "/", "#", spaces).
//
// Run `npx faultline grade saga` to check your work.

import { todo, type Ctx, type Node } from "faultline/sim";

export type ServiceId = "flight" | "hotel" | "car";
/** The order the saga books in. */
export const SERVICES: readonly ServiceId[] = ["flight", "hotel", "car"];
/** How long to wait for a reply before sending again. */
export const RETRY_MS = 80;

export type Msg =
  | { type: "book"; key: string; trip: string }
  | { type: "book_reply"; key: string; ok: boolean }
  | { type: "cancel"; key: string }
  | { type: "cancel_reply"; key: string };

export type Out = { type: "done"; trip: string; outcome: "booked" | "compensated" };

export interface Orchestrator extends Node<Msg> {
  /** Called by the harness: book flight, hotel and car for `trip`. */
  book(trip: string): void;
}

/** The saga log on disk, one record per trip. A suggestion: change it if you like. */
type SagaRecord = {
  phase: "booking" | "compensating" | "done";
  /** Index in SERVICES of the booking under way. */
  step: number;
  booked: ServiceId[];
  cancelled: ServiceId[];
};

export function createOrchestrator(ctx: Ctx<Msg, Out>): Orchestrator {
  const log = (): Record<string, SagaRecord> => ctx.disk.get("sagas") ?? {};
  const write = (trip: string, rec: SagaRecord) => {
    ctx.disk.set("sagas", { ...log(), [trip]: rec });
    ctx.disk.sync();
  };

  return {
    onStart() {
      // At boot and after a crash: carry on with every saga your log says is unfinished.
      todo("resume unfinished sagas from the log");
    },

    book(trip) {
      // Record the new saga, then ask the first service. Which key will you use,
      // so that a retry, or a retry after a restart, is recognised as the same request?
      todo("start the saga for this trip");
    },

    onMessage(from, msg) {
      // book_reply: ok → record it and book the next service (or finish: "booked").
      //             not ok → compensate: cancel every booking made so far.
      // cancel_reply: record it; when every booking is cancelled, finish: "compensated".
      // Replies may be duplicated or stale: act only on the one you are waiting for.
      todo("handle the services' replies");
    },

    onTimer(name) {
      // No reply yet? Send the same request again (same key).
      todo("retry what has not been answered");
    },
  };
}
