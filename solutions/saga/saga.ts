// Reference solution for `saga`.
//
// The saga log on disk says, per trip, how far the saga got. Every request is
// retried until its reply arrives, with an idempotency key derived from the
// trip and the service, so a retry (or a restart) can never book twice. When a
// service refuses, every booking made so far is cancelled, each cancel retried
// until it is confirmed.

import type { Ctx, Node } from "faultline/sim";

export type ServiceId = "flight" | "hotel" | "car";
/** The order the saga books in. */
export const SERVICES: readonly ServiceId[] = ["flight", "hotel", "car"];
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
    ctx.disk.sync(); // the saga log must survive a crash
  };
  // The same key on every attempt and after every restart: that is what makes a retry safe.
  const keyOf = (trip: string, s: ServiceId) => `${trip}/${s}`;
  const parse = (key: string) => {
    const i = key.lastIndexOf("/");
    return { trip: key.slice(0, i), service: key.slice(i + 1) as ServiceId };
  };

  /** Sends whatever the saga is waiting for, and arms a retry. */
  function act(trip: string): void {
    const rec = log()[trip];
    if (!rec || rec.phase === "done") return;
    if (rec.phase === "booking") {
      const s = SERVICES[rec.step]!;
      ctx.send(s, { type: "book", key: keyOf(trip, s), trip });
    } else {
      const pending = rec.booked.filter((s) => !rec.cancelled.includes(s));
      if (pending.length === 0) return finish(trip, rec, "compensated");
      for (const s of pending) ctx.send(s, { type: "cancel", key: keyOf(trip, s) });
    }
    ctx.setTimer(`retry ${trip}`, RETRY_MS);
  }

  function finish(trip: string, rec: SagaRecord, outcome: Out["outcome"]): void {
    write(trip, { ...rec, phase: "done" });
    ctx.cancelTimer(`retry ${trip}`);
    ctx.output({ type: "done", trip, outcome });
  }

  return {
    onStart() {
      // Carry on with every saga the log says is unfinished.
      for (const trip of Object.keys(log())) act(trip);
    },

    book(trip) {
      if (log()[trip]) return;
      write(trip, { phase: "booking", step: 0, booked: [], cancelled: [] });
      act(trip);
    },

    onMessage(_from, msg) {
      if (msg.type !== "book_reply" && msg.type !== "cancel_reply") return;
      const { trip, service } = parse(msg.key);
      const rec = log()[trip];
      if (!rec) return;
      if (msg.type === "book_reply") {
        // Only the reply for the step under way counts; anything else is a stale duplicate.
        if (rec.phase !== "booking" || SERVICES[rec.step] !== service) return;
        if (msg.ok) {
          const next = { ...rec, step: rec.step + 1, booked: [...rec.booked, service] };
          if (next.step === SERVICES.length) return finish(trip, next, "booked");
          write(trip, next);
        } else write(trip, { ...rec, phase: "compensating" });
        return act(trip);
      }
      if (rec.phase !== "compensating" || rec.cancelled.includes(service)) return;
      const next = { ...rec, cancelled: [...rec.cancelled, service] };
      write(trip, next);
      if (next.booked.every((s) => next.cancelled.includes(s))) finish(trip, next, "compensated");
    },

    onTimer(name) {
      // No reply yet: send again (same keys, so the services see one request).
      if (name.startsWith("retry ")) act(name.slice("retry ".length));
    },
  };
}
