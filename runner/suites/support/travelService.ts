// The three travel services of the `saga` exercise (flight, hotel, car).
// Each is a node with an idempotency-key API and a durable booking table:
//   {type: "book", key, trip}  → {type: "book_reply", key, ok}
//   {type: "cancel", key}      → {type: "cancel_reply", key}
// The same key always gets the same answer, however often it is sent. A
// cancel for a key the service has never seen leaves a tombstone, so a
// booking request that arrives late (after its cancel) is refused rather than
// booked. Outputs {type: "booked" | "cancelled", trip, key} are what the
// grader counts.

import type { Ctx, Node } from "../../sim/index.ts";

export type ServiceMsg =
  | { type: "book"; key: string; trip: string }
  | { type: "book_reply"; key: string; ok: boolean }
  | { type: "cancel"; key: string }
  | { type: "cancel_reply"; key: string };

export type ServiceOut = { type: "booked"; trip: string; key: string } | { type: "cancelled"; trip: string; key: string };

type Booking = { trip: string | null; status: "booked" | "refused" | "cancelled" };

export interface ServiceOptions {
  /** Trips this service has no room for (it refuses them). */
  refuse?: readonly string[];
}

export function createTravelService(opts: ServiceOptions = {}) {
  return (ctx: Ctx<ServiceMsg, ServiceOut>): Node<ServiceMsg> => {
    const table = (): Record<string, Booking> => ctx.disk.get("bookings") ?? {};
    const save = (key: string, b: Booking) => {
      ctx.disk.set("bookings", { ...table(), [key]: b });
      ctx.disk.sync();
    };
    return {
      onMessage(from, msg) {
        if (msg.type === "book") {
          let b = table()[msg.key];
          if (!b) {
            b = { trip: msg.trip, status: opts.refuse?.includes(msg.trip) ? "refused" : "booked" };
            save(msg.key, b);
            if (b.status === "booked") ctx.output({ type: "booked", trip: msg.trip, key: msg.key });
          }
          ctx.send(from, { type: "book_reply", key: msg.key, ok: b.status === "booked" });
        } else if (msg.type === "cancel") {
          const b = table()[msg.key];
          if (!b) save(msg.key, { trip: null, status: "cancelled" }); // tombstone: a late "book" with this key is refused
          else if (b.status === "booked") {
            save(msg.key, { ...b, status: "cancelled" });
            ctx.output({ type: "cancelled", trip: b.trip!, key: msg.key });
          }
          ctx.send(from, { type: "cancel_reply", key: msg.key });
        }
      },
    };
  };
}

/** Active (booked, not cancelled) bookings per trip, read from a service's disk. */
export function activeBookings(bookings: Record<string, Booking> | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [key, b] of Object.entries(bookings ?? {})) if (b.status === "booked" && b.trip) out.set(b.trip, [...(out.get(b.trip) ?? []), key]);
  return out;
}
