// Lesson 07's trip-booking saga, for the lesson's cells (the `saga` exercise
// asks you to write your own). It books flight, hotel and car one after the
// other through the lab's travel services (runner/suites/support/travelService.ts)
// and, if one refuses, cancels what it booked. Its log is on disk, written
// before it acts, so a crash loses nothing:
//
//   `saga <trip>` = { booked: services booked so far, undoing, cancelled, over }
//
// One switch reproduces a classic mistake: `freshKeys` gives every booking
// *attempt* its own idempotency key (think: a random request id per HTTP
// call), so a service cannot tell a retry from a new request.

import type { Ctx, Node } from "../../runner/sim/index.ts";
import type { ServiceMsg } from "../../runner/suites/support/travelService.ts";

const STEPS = ["flight", "hotel", "car"] as const;
type Service = (typeof STEPS)[number];
type Log = { booked: Service[]; undoing: boolean; cancelled: Service[]; over: boolean };
export type SagaOut = { type: "done"; trip: string; outcome: "booked" | "compensated" };

export interface Saga extends Node<ServiceMsg> {
  book(trip: string): void;
}

const RETRY_MS = 80;

export function tripSaga({ freshKeys = false } = {}) {
  return (ctx: Ctx<ServiceMsg, SagaOut>): Saga => {
    let attempts = 0; // in memory, as the mistake has it: a restart starts counting again
    const read = (trip: string) => ctx.disk.get<Log>(`saga ${trip}`);
    const write = (trip: string, log: Log) => {
      ctx.disk.set(`saga ${trip}`, log);
      ctx.disk.sync();
    };
    const trips = () => ctx.disk.get<string[]>("trips") ?? [];
    /** The key of trip's step at `service`: the same on every attempt and after every restart — unless freshKeys. */
    const key = (trip: string, service: Service) => `${trip}/${service}${freshKeys ? `#${++attempts}` : ""}`;
    const stepOf = (k: string) => {
      const [trip, rest] = [k.slice(0, k.lastIndexOf("/")), k.slice(k.lastIndexOf("/") + 1)];
      return { trip, service: rest.split("#")[0] as Service };
    };

    /** Sends whatever the saga waits for next, and tries again later if no answer comes. */
    const act = (trip: string) => {
      const log = read(trip);
      if (!log || log.over) return;
      if (!log.undoing) {
        const next = STEPS[log.booked.length]!;
        ctx.send(next, { type: "book", key: key(trip, next), trip });
      } else {
        const toCancel = log.booked.filter((s) => !log.cancelled.includes(s));
        if (toCancel.length === 0) return finish(trip, log, "compensated");
        for (const s of toCancel) ctx.send(s, { type: "cancel", key: `${trip}/${s}` });
      }
      ctx.setTimer(`retry ${trip}`, RETRY_MS);
    };
    const finish = (trip: string, log: Log, outcome: SagaOut["outcome"]) => {
      write(trip, { ...log, over: true });
      ctx.cancelTimer(`retry ${trip}`);
      ctx.output({ type: "done", trip, outcome });
    };

    return {
      book(trip) {
        if (read(trip)) return;
        ctx.disk.set("trips", [...trips(), trip]);
        write(trip, { booked: [], undoing: false, cancelled: [], over: false });
        act(trip);
      },
      onStart: () => trips().forEach(act), // back from a crash: carry on from the log
      onTimer: (name) => act(name.slice("retry ".length)),
      onMessage(_from, msg) {
        if (msg.type !== "book_reply" && msg.type !== "cancel_reply") return;
        const { trip, service } = stepOf(msg.key);
        const log = read(trip);
        if (!log || log.over) return;
        if (msg.type === "book_reply" && !log.undoing && STEPS[log.booked.length] === service) {
          if (!msg.ok) write(trip, { ...log, undoing: true }); // refused: apologise for what came before
          else if (log.booked.length + 1 === STEPS.length) return finish(trip, { ...log, booked: [...log.booked, service] }, "booked");
          else write(trip, { ...log, booked: [...log.booked, service] });
          act(trip);
        } else if (msg.type === "cancel_reply" && log.undoing && !log.cancelled.includes(service)) {
          const next = { ...log, cancelled: [...log.cancelled, service] };
          if (next.booked.every((s) => next.cancelled.includes(s))) finish(trip, next, "compensated");
          else write(trip, next);
        }
      },
    };
  };
}
