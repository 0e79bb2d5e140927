// Suite for `saga`: book a flight, a hotel and a car through three unreliable
// services with an orchestrator that can crash. At the end of every run
// (after healing) each trip is all booked or all compensated, nothing is
// booked twice, and the saga has finished.

import { expectThat, outputEvent } from "../check/violation.ts";
import { quiesce, scheduleArb, type Ctx, type FaultOp, type NodeId, type OutputRecord, type Simulation } from "../sim/index.ts";
import type { NetworkConfig } from "../sim/network.ts";
import { exercise, type Lab } from "./harness/exercise.ts";
import { activeBookings, createTravelService, type ServiceOut } from "./support/travelService.ts";
import type * as Saga from "../../exercises/saga/saga.ts";

const ex = await exercise<typeof Saga>("saga", "saga.ts");

const SERVICES = ["flight", "hotel", "car"] as const;
const NODES = ["orch", ...SERVICES];

interface Trip {
  id: string;
  /** Services that have no room for this trip. */
  refusedBy: readonly string[];
  at: number;
}

interface Run {
  sim: Simulation;
  trips: Trip[];
  started: Set<string>;
}

function sagaRun(lab: Lab, trips: Trip[], opts: { network?: Partial<NetworkConfig>; schedule?: FaultOp[] } = {}): Run {
  const refuse = (s: string) => trips.filter((t) => t.refusedBy.includes(s)).map((t) => t.id);
  const sim = lab.simulation({
    nodes: {
      orch: ex.impl.createOrchestrator as (ctx: Ctx<never>) => never,
      flight: createTravelService({ refuse: refuse("flight") }),
      hotel: createTravelService({ refuse: refuse("hotel") }),
      car: createTravelService({ refuse: refuse("car") }),
    },
    network: opts.network,
    schedule: opts.schedule,
    disk: { loseUnsynced: true },
  });
  const started = new Set<string>();
  for (const t of trips)
    sim.at(t.at, () => {
      if (sim.status("orch") !== "up") return;
      sim.call<Saga.Orchestrator, void>("orch", "book", (o) => o.book(t.id));
      started.add(t.id);
    });
  return { sim, trips, started };
}

/** Nothing is booked twice: each service made at most one booking per trip. */
function expectNoDoubleBooking(run: Run): void {
  for (const s of SERVICES) {
    const made = new Map<string, OutputRecord<ServiceOut>[]>();
    for (const o of run.sim.outputsOf<ServiceOut>(s)) if (o.value.type === "booked") made.set(o.value.trip, [...(made.get(o.value.trip) ?? []), o]);
    for (const [trip, booked] of made) {
      const keys = booked.map((o) => (o.value as { key: string }).key);
      // The second booking is where it went wrong.
      expectThat(booked.length <= 1, "nothing is booked twice (retries reuse the idempotency key)", () => `${s} booked trip ${trip} ${keys.length} times, under keys ${keys.join(", ")}`, booked[1] ? outputEvent(booked[1]) : undefined);
    }
  }
}

/** Every trip the harness started is all booked or all compensated, and the saga says which. */
function expectAllOrNothing(run: Run): void {
  const active = Object.fromEntries(SERVICES.map((s) => [s, activeBookings(run.sim.disk(s).get("bookings"))]));
  const records = run.sim.outputsOf<Saga.Out>("orch");
  const done = records.map((o) => o.value);
  for (const t of run.trips) {
    if (!run.started.has(t.id)) continue;
    const holding = SERVICES.filter((s) => (active[s]!.get(t.id)?.length ?? 0) > 0);
    const outcomes = done.filter((d) => d.type === "done" && d.trip === t.id).map((d) => d.outcome);
    expectThat(outcomes.length > 0, "once the network heals and the orchestrator is back, every saga finishes (the saga log survives crashes)", () => `trip ${t.id} never output {type: "done"}; bookings held: ${holding.join(", ") || "none"}`);
    // The output that finished the saga (or finished it a second, different way) is the event to look at.
    const finished = records.filter((o) => o.value.type === "done" && o.value.trip === t.id);
    const second = finished.find((o) => (o.value as { outcome: string }).outcome !== outcomes[0]);
    expectThat(new Set(outcomes).size === 1, "a saga finishes one way only", () => `trip ${t.id} finished as ${outcomes.join(" and ")}`, second ? outputEvent(second) : undefined);
    const outcome = outcomes[0]!;
    if (outcome === "booked") {
      expectThat(t.refusedBy.length === 0, "a trip some service refused cannot end up booked", () => `trip ${t.id} was refused by ${t.refusedBy.join(", ")} but finished as booked`, outputEvent(finished[0]!));
      expectThat(holding.length === SERVICES.length, "a booked trip holds a flight, a hotel and a car", () => `trip ${t.id} finished as booked but only ${holding.join(", ") || "nothing"} is booked`);
    } else {
      expectThat(holding.length === 0, "a compensated trip holds nothing: every booking made was cancelled (cancels are retried until they succeed)", () => `trip ${t.id} finished as compensated but ${holding.join(", ")} still hold a booking`);
    }
    expectThat(t.refusedBy.length > 0 || outcome === "booked", "with room everywhere the trip gets booked", () => `trip ${t.id} had room everywhere but finished as ${outcome}`);
  }
}

ex.scripted("with room everywhere and a calm network, the trip is booked", { runs: 3 }, (lab) => {
  const run = sagaRun(lab, [{ id: "t1", refusedBy: [], at: 10 }]);
  run.sim.run(3000);
  expectNoDoubleBooking(run);
  expectAllOrNothing(run);
});

ex.scripted("when the car is not available, the flight and the hotel are cancelled", { runs: 3 }, (lab) => {
  const run = sagaRun(lab, [{ id: "t1", refusedBy: ["car"], at: 10 }]);
  run.sim.run(3000);
  expectNoDoubleBooking(run);
  expectAllOrNothing(run);
});

ex.scripted("lost replies are retried without booking twice", { runs: 3 }, (lab) => {
  // Replies from the services are lost for a while: the orchestrator must retry, with the same keys.
  const run = sagaRun(lab, [{ id: "t1", refusedBy: [], at: 10 }, { id: "t2", refusedBy: ["hotel"], at: 15 }], {
    schedule: [
      { at: 0, op: "partition-oneway", from: ["flight", "hotel", "car"], to: ["orch"] },
      { at: 400, op: "heal" },
    ],
  });
  run.sim.run(4000);
  expectNoDoubleBooking(run);
  expectAllOrNothing(run);
});

ex.scripted("an orchestrator that crashes in the middle carries on from its saga log", { runs: 3 }, (lab) => {
  const run = sagaRun(lab, [{ id: "t1", refusedBy: [], at: 10 }, { id: "t2", refusedBy: ["car"], at: 10 }], {
    network: { delayMs: [5, 5] },
    schedule: [
      { at: 22, op: "crash", node: "orch" },
      { at: 500, op: "restart", node: "orch" },
    ],
  });
  run.sim.run(4000);
  expectNoDoubleBooking(run);
  expectAllOrNothing(run);
});

ex.scripted("cancels lost in the network are retried until they succeed", { runs: 3 }, (lab) => {
  // The car refuses at once; then every cancel to the flight is lost for a while.
  const run = sagaRun(lab, [{ id: "t1", refusedBy: ["car"], at: 10 }], {
    network: { delayMs: [5, 5] },
    schedule: [
      { at: 31, op: "partition-oneway", from: ["orch"], to: ["flight"] },
      { at: 600, op: "heal" },
    ],
  });
  run.sim.run(4000);
  expectNoDoubleBooking(run);
  expectAllOrNothing(run);
});

ex.generative(
  "under crashes, partitions, loss and duplication every trip ends all booked or all compensated, nothing booked twice",
  {
    runs: 80,
    schedule: scheduleArb({ nodes: NODES, durationMs: 2000, kinds: ["crash", "restart", "partition", "heal", "network"], maxOps: 8, maxDrop: 0.4, maxDuplicate: 0.3, maxDelayMs: 80 }),
  },
  (lab, schedule) => {
    const refused = SERVICES[lab.seed % 3]!;
    const run = sagaRun(
      lab,
      [
        { id: "t1", refusedBy: [], at: 10 },
        { id: "t2", refusedBy: [refused], at: 20 },
        { id: "t3", refusedBy: [], at: 300 },
      ],
      { network: { tail: 0.1, tailMs: [50, 300] }, schedule: [...schedule, ...quiesce(2000, NODES as NodeId[], {}, schedule)] },
    );
    run.sim.run(8000);
    expectNoDoubleBooking(run);
    expectAllOrNothing(run);
  },
);
