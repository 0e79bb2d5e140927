// Suite for `saga`: book a flight, a hotel and a car through three unreliable
// services with an orchestrator that can crash. Graded by
//   - short stories against the lab's travel services;
//   - the saga's rules one at a time, each driven by puppet services that
//     answer exactly as the rule needs (late, duplicated and stale replies
//     included): the forward rules (T1, T2, T3 in order, each retried with its
//     idempotency key) and the compensating ones (a refusal is final; every
//     step done is undone, each cancel retried until confirmed), and recovery
//     from the saga log (Garcia-Molina & Salem, "Sagas", 1987);
//   - random fault schedules: crashes at every step (during compensation and
//     again during recovery), loss, duplicated and very late replies,
//     partitions, and many trips whose ids contain separators;
//   - exhaustive search of every order of the first events of one trip.
// At the end of every run (after healing) each trip is all booked or all
// compensated, nothing is booked twice, each saga has said `done` once and
// meant it, and the orchestrator has gone quiet.

import { expectThat } from "../check/violation.ts";
import type { ClusterFaults, ClusterView } from "../sim/exploreCluster.ts";
import { quiesce, scheduleArb, type Ctx, type FaultOp, type NodeFactory, type NodeId, type OutputRecord, type Simulation } from "../sim/index.ts";
import type { NetworkConfig } from "../sim/network.ts";
import { exercise, type Lab } from "./harness/exercise.ts";
import { crashStormArb, crashStormEnd, type CrashStormOptions } from "./support/crashStorm.ts";
import { exhaustiveSearches } from "./support/exhaustive.ts";
import { puppet, Puppets } from "./support/puppet.ts";
import { expectQuiet } from "./support/quiescence.ts";
import { activeBookings, createTravelService, type ServiceOut } from "./support/travelService.ts";
import type * as Saga from "../../exercises/saga/saga.ts";

const ex = await exercise<typeof Saga>("saga", "saga.ts");
const { RETRY_MS } = ex.impl;

const SERVICES = ["flight", "hotel", "car"] as const;
type Service = (typeof SERVICES)[number];
const ORCH = "orch";
const NODES = [ORCH, ...SERVICES];

// ---------------------------------------------------------------------------
// Stories, against the lab's travel services.

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

function sagaRun(lab: Lab, trips: Trip[], opts: { network?: Partial<NetworkConfig>; schedule?: FaultOp[]; messageRule?: (from: NodeId, to: NodeId) => Partial<NetworkConfig> | undefined } = {}): Run {
  const refuse = (s: string) => trips.filter((t) => t.refusedBy.includes(s)).map((t) => t.id);
  const sim = lab.simulation({
    nodes: {
      [ORCH]: ex.impl.createOrchestrator as (ctx: Ctx<never>) => never,
      flight: createTravelService({ refuse: refuse("flight") }),
      hotel: createTravelService({ refuse: refuse("hotel") }),
      car: createTravelService({ refuse: refuse("car") }),
    },
    network: opts.network,
    messageRule: opts.messageRule,
    schedule: opts.schedule,
    disk: { loseUnsynced: true },
  });
  const started = new Set<string>();
  for (const t of trips)
    sim.at(t.at, () => {
      if (sim.status(ORCH) !== "up") return;
      sim.call<Saga.Orchestrator, void>(ORCH, "book", (o) => o.book(t.id));
      started.add(t.id);
    });
  return { sim, trips, started };
}

/** Nothing is booked twice: each service made at most one booking per trip. */
function expectNoDoubleBooking(sim: Simulation): void {
  for (const s of SERVICES) {
    const made = new Map<string, string[]>();
    for (const o of sim.outputsOf<ServiceOut>(s)) if (o.value.type === "booked") made.set(o.value.trip, [...(made.get(o.value.trip) ?? []), o.value.key]);
    for (const [trip, keys] of made)
      expectThat(keys.length <= 1, "nothing is booked twice (retries reuse the idempotency key)", () => `${s} booked trip ${trip} ${keys.length} times, under keys ${keys.join(", ")}`);
  }
}

/** What the services had done for `trip` by time `t`: bookings made and not cancelled, per service. */
function holdingAt(sim: Simulation, trip: string, t: number): Service[] {
  return SERVICES.filter((s) => {
    const outs = sim.outputsOf<ServiceOut>(s).filter((o) => o.t <= t && o.value.trip === trip);
    const booked = outs.filter((o) => o.value.type === "booked").map((o) => o.value.key);
    const cancelled = new Set(outs.filter((o) => o.value.type === "cancelled").map((o) => o.value.key));
    return booked.some((k) => !cancelled.has(k));
  });
}

/**
 * Every trip the harness started is all booked or all compensated; the saga
 * said `done` once, and what it said was true when it said it.
 */
function expectAllOrNothing(run: Run): void {
  const active = Object.fromEntries(SERVICES.map((s) => [s, activeBookings(run.sim.disk(s).get("bookings"))]));
  const done = run.sim.outputsOf<Saga.Out>(ORCH);
  for (const t of run.trips) {
    if (!run.started.has(t.id)) continue;
    const holding = SERVICES.filter((s) => (active[s]!.get(t.id)?.length ?? 0) > 0);
    const mine = done.filter((d) => d.value.type === "done" && d.value.trip === t.id);
    expectThat(mine.length > 0, "once the network heals and the orchestrator is back, every saga finishes (the saga log survives crashes)", () => `trip ${t.id} never output {type: "done"}; bookings held: ${holding.join(", ") || "none"}`);
    expectThat(mine.length === 1, "a saga reports done once, whatever is duplicated and however often the orchestrator restarts", () => `trip ${t.id} output done ${mine.length} times: ${mine.map((d) => `${d.value.outcome} at t=${d.t}`).join(", ")}`, mine[1]?.t);
    const { outcome } = mine[0]!.value;
    const said = mine[0]!.t;
    if (outcome === "booked") {
      expectThat(t.refusedBy.length === 0, "a trip some service refused cannot end up booked", () => `trip ${t.id} was refused by ${t.refusedBy.join(", ")} but finished as booked`, said);
      const then = holdingAt(run.sim, t.id, said);
      expectThat(then.length === SERVICES.length, "done \"booked\" means what it says: when the saga says it, the flight, the hotel and the car are booked", () => `trip ${t.id} said booked at t=${said} when only ${then.join(", ") || "nothing"} was booked`, said);
      expectThat(holding.length === SERVICES.length, "a booked trip holds a flight, a hotel and a car", () => `trip ${t.id} finished as booked but only ${holding.join(", ") || "nothing"} is booked`);
    } else {
      const then = holdingAt(run.sim, t.id, said);
      expectThat(then.length === 0, "done \"compensated\" means what it says: when the saga says it, every booking it made has been cancelled (each cancel confirmed)", () => `trip ${t.id} said compensated at t=${said} while ${then.join(", ")} still held a booking`, said);
      expectThat(holding.length === 0, "a compensated trip holds nothing: every booking made was cancelled (cancels are retried until they succeed)", () => `trip ${t.id} finished as compensated but ${holding.join(", ")} still hold a booking`);
    }
    expectThat(t.refusedBy.length > 0 || outcome === "booked", "with room everywhere the trip gets booked", () => `trip ${t.id} had room everywhere but finished as ${outcome}`, said);
  }
}

/** After the faults end: time to finish every saga, then the checks, then a quiet orchestrator. */
function settleAndCheck(run: Run, until: number): void {
  run.sim.runUntil(until);
  expectNoDoubleBooking(run.sim);
  expectAllOrNothing(run);
  expectQuiet(run.sim, [ORCH], 2000, "every saga has finished");
  expectAllOrNothing(run);
}

ex.scripted("with room everywhere and a calm network, the trip is booked", { runs: 3 }, (lab) => {
  const run = sagaRun(lab, [{ id: "t1", refusedBy: [], at: 10 }]);
  settleAndCheck(run, 3000);
});

ex.scripted("when the car is not available, the flight and the hotel are cancelled", { runs: 3 }, (lab) => {
  const run = sagaRun(lab, [{ id: "t1", refusedBy: ["car"], at: 10 }]);
  settleAndCheck(run, 3000);
});

ex.scripted("lost replies are retried without booking twice", { runs: 3 }, (lab) => {
  // Replies from the services are lost for a while: the orchestrator must retry, with the same keys.
  const run = sagaRun(lab, [{ id: "t1", refusedBy: [], at: 10 }, { id: "t2", refusedBy: ["hotel"], at: 15 }], {
    schedule: [
      { at: 0, op: "partition-oneway", from: ["flight", "hotel", "car"], to: [ORCH] },
      { at: 400, op: "heal" },
    ],
  });
  settleAndCheck(run, 4000);
});

ex.scripted("an orchestrator that crashes in the middle carries on from its saga log", { runs: 3 }, (lab) => {
  const run = sagaRun(lab, [{ id: "t1", refusedBy: [], at: 10 }, { id: "t2", refusedBy: ["car"], at: 10 }], {
    network: { delayMs: [5, 5] },
    schedule: [
      { at: 22, op: "crash", node: ORCH },
      { at: 500, op: "restart", node: ORCH },
    ],
  });
  settleAndCheck(run, 4000);
});

ex.scripted("cancels lost in the network are retried until they succeed", { runs: 3 }, (lab) => {
  // The car refuses at once; then every cancel to the flight is lost for a while.
  const run = sagaRun(lab, [{ id: "t1", refusedBy: ["car"], at: 10 }], {
    network: { delayMs: [5, 5] },
    schedule: [
      { at: 31, op: "partition-oneway", from: [ORCH], to: ["flight"] },
      { at: 600, op: "heal" },
    ],
  });
  settleAndCheck(run, 4000);
});

ex.scripted("an orchestrator that crashes while compensating, and again while recovering, finishes the compensation", { runs: 3 }, (lab) => {
  // Every message takes 5 ms: the car's refusal arrives at t=40 and the cancels go out; their confirmations would arrive at t=50.
  const run = sagaRun(lab, [{ id: "t1", refusedBy: ["car"], at: 10 }], {
    network: { delayMs: [5, 5] },
    schedule: [
      { at: 47, op: "crash", node: ORCH },
      { at: 300, op: "restart", node: ORCH },
      { at: 302, op: "crash", node: ORCH },
      { at: 600, op: "restart", node: ORCH },
    ],
  });
  settleAndCheck(run, 3000);
});

// ---------------------------------------------------------------------------
// The saga's rules: the learner's orchestrator, puppet services.

type Msg = Saga.Msg;
type BookMsg = Extract<Msg, { type: "book" }>;

class SagaRig {
  readonly sim: Simulation;
  readonly puppets: Puppets<Msg>;
  constructor(lab: Lab) {
    const nodes: Record<NodeId, NodeFactory> = { [ORCH]: ex.impl.createOrchestrator as NodeFactory };
    for (const s of SERVICES) nodes[s] = puppet;
    this.sim = lab.simulation({ nodes, network: { delayMs: [1, 8] }, disk: { loseUnsynced: true } });
    this.puppets = new Puppets(this.sim);
    this.sim.run(10);
  }
  book(trip: string, ms = 20): void {
    this.sim.call<Saga.Orchestrator, void>(ORCH, "book", (o) => o.book(trip));
    this.sim.run(ms);
  }
  /** The book requests service `s` has received for `trip`. */
  books(s: Service, trip: string): BookMsg[] {
    return this.puppets.heard(s, "book").filter((h) => h.msg.trip === trip).map((h) => h.msg);
  }
  /** The cancel requests service `s` has received under `key`. */
  cancels(s: Service, key: string): number {
    return this.puppets.heard(s, "cancel").filter((h) => h.msg.key === key).length;
  }
  /** The one key `s` was asked to book `trip` under (the rule: one key per step, whatever the attempt). */
  keyOf(s: Service, trip: string): string {
    const keys = [...new Set(this.books(s, trip).map((b) => b.key))];
    expectThat(keys.length === 1, "a step keeps one idempotency key on every attempt and after every restart", () => `${s} was asked to book trip ${JSON.stringify(trip)} under ${keys.length ? keys.map((k) => JSON.stringify(k)).join(", ") : "no key at all"}`, this.sim.now);
    return keys[0]!;
  }
  /** Service `s` replies to the orchestrator, then time moves on `ms`. */
  reply(s: Service, msg: Msg, ms = 20): void {
    this.puppets.say(s, ORCH, msg);
    this.sim.run(ms);
  }
  ok(s: Service, trip: string, ok = true): void {
    this.reply(s, { type: "book_reply", key: this.keyOf(s, trip), ok });
  }
  done(trip?: string): OutputRecord<Saga.Out>[] {
    return this.sim.outputsOf<Saga.Out>(ORCH).filter((o) => trip === undefined || o.value.trip === trip);
  }
  /** Every puppet answers every request at once: ok, and confirms every cancel. */
  autoReply(refuse: (s: Service, trip: string) => boolean = () => false): void {
    for (const s of SERVICES) this.puppets.of(s).reply = (_from, m) => (m.type === "book" ? { type: "book_reply", key: m.key, ok: !refuse(s, m.trip) } : m.type === "cancel" ? { type: "cancel_reply", key: m.key } : undefined);
  }
  bounce(downMs = 100): void {
    this.sim.crash(ORCH);
    this.sim.run(downMs);
    this.sim.restart(ORCH);
  }
}

/** Books t1 through flight and hotel; the car's request is under way. */
function toCar(r: SagaRig): void {
  r.book("t1");
  r.ok("flight", "t1");
  r.ok("hotel", "t1");
}

ex.scripted("forward: the flight is booked first, and each next service only after the previous one confirmed (Garcia-Molina & Salem 1987: T1, T2, T3 in order)", { runs: 2 }, (lab) => {
  const r = new SagaRig(lab);
  r.book("t1", 300);
  const early = () => `hotel got ${r.books("hotel", "t1").length} and car ${r.books("car", "t1").length} book requests`;
  expectThat(r.books("flight", "t1").length > 0, "the saga's first step is the flight", () => `after book("t1") the flight got no book request for t1`, r.sim.now);
  expectThat(r.books("hotel", "t1").length === 0 && r.books("car", "t1").length === 0, "a step starts only once the step before it is confirmed", () => `with the flight not yet confirmed, ${early()}`, r.sim.now);
  r.ok("flight", "t1");
  expectThat(r.books("hotel", "t1").length > 0 && r.books("car", "t1").length === 0, "once the flight is confirmed, the hotel is next (and only the hotel)", () => `after the flight's ok, ${early()}`, r.sim.now);
  r.ok("hotel", "t1");
  expectThat(r.books("car", "t1").length > 0, "once the hotel is confirmed, the car is next", () => `after the hotel's ok, ${early()}`, r.sim.now);
});

ex.scripted("forward: a request without a reply is sent again, under the same key, until it is answered — and then no more", { runs: 2 }, (lab) => {
  const r = new SagaRig(lab);
  r.book("t1", 8 * RETRY_MS);
  const n = r.books("flight", "t1").length;
  expectThat(n >= 3, `a request that gets no reply is sent again (every RETRY_MS = ${RETRY_MS} ms or so)`, () => `the flight got ${n} book request(s) in ${8 * RETRY_MS} ms without answering`, r.sim.now);
  r.keyOf("flight", "t1");
  r.ok("flight", "t1");
  r.sim.run(2 * RETRY_MS);
  const after = r.books("flight", "t1").length;
  r.sim.run(6 * RETRY_MS);
  expectThat(r.books("flight", "t1").length === after, "an answered request is not sent again", () => `the flight confirmed t1 and was asked ${r.books("flight", "t1").length - after} more time(s)`, r.sim.now);
});

ex.scripted("forward: each trip has its own key at each service, whatever the trip ids look like, and every trip is booked and reported once", { runs: 2 }, (lab) => {
  const r = new SagaRig(lab);
  r.autoReply();
  const trips = ["t/1", "t 2", "t#3", "t1", "10", "trip:5/hotel"];
  for (const t of trips) r.book(t, 5);
  r.sim.run(1000);
  for (const s of SERVICES) {
    const keys = trips.map((t) => r.keyOf(s, t));
    expectThat(new Set(keys).size === keys.length, "each trip has an idempotency key of its own at each service (the service must not mistake one trip's booking for another's)", () => `${s} was asked under the keys ${keys.map((k) => JSON.stringify(k)).join(", ")} for the trips ${trips.map((t) => JSON.stringify(t)).join(", ")}`, r.sim.now);
  }
  for (const t of trips) {
    const d = r.done(t).map((o) => o.value.outcome);
    expectThat(d.join() === "booked", "with room everywhere each trip is booked, and reported done once", () => `trip ${JSON.stringify(t)} reported ${JSON.stringify(d)}`, r.sim.now);
  }
});

ex.scripted("forward: stale and duplicated replies are ignored — only the reply to the request under way moves the saga", { runs: 2 }, (lab) => {
  const r = new SagaRig(lab);
  r.book("t1");
  r.ok("flight", "t1");
  const flightKey = r.keyOf("flight", "t1");
  // While the hotel request is under way: the flight's ok again (twice), and replies about a trip never booked.
  r.reply("flight", { type: "book_reply", key: flightKey, ok: true });
  r.reply("flight", { type: "book_reply", key: flightKey, ok: true });
  r.reply("hotel", { type: "book_reply", key: "t9/hotel", ok: true });
  r.reply("car", { type: "cancel_reply", key: "t9/car" });
  r.sim.run(3 * RETRY_MS);
  expectThat(r.books("car", "t1").length === 0, "a duplicate of an earlier step's reply does not count as the reply to the step under way", () => `the car was asked to book t1 although only the flight had confirmed (the flight's ok arrived three times)`, r.sim.now);
  expectThat(r.done().length === 0, "a saga finishes only when its steps are done", () => `the orchestrator output ${JSON.stringify(r.done().map((o) => o.value))}`, r.sim.now);
  r.ok("hotel", "t1");
  expectThat(r.books("car", "t1").length > 0, "once the hotel is confirmed, the car is next", () => `the hotel confirmed and the car got no request`, r.sim.now);
});

ex.scripted("forward: when all three are confirmed the saga says done \"booked\" once; late duplicates change nothing, and it goes quiet", { runs: 2 }, (lab) => {
  const r = new SagaRig(lab);
  toCar(r);
  expectThat(r.done().length === 0, "done \"booked\" waits for the car", () => `the orchestrator output ${JSON.stringify(r.done().map((o) => o.value))} before the car confirmed`, r.sim.now);
  r.ok("car", "t1");
  r.ok("car", "t1");
  r.ok("hotel", "t1");
  r.sim.run(100);
  const d = r.done("t1").map((o) => o.value.outcome);
  expectThat(d.join() === "booked", "a saga reports done once, whatever is duplicated", () => `trip t1 reported ${JSON.stringify(d)}`, r.sim.now);
  expectQuiet(r.sim, [ORCH], 1000, "the saga has finished");
});

ex.scripted("compensating: a refusal is final — it is not retried, and every step already confirmed is cancelled under its own key (Garcia-Molina & Salem 1987: Cj … C1)", { runs: 2 }, (lab) => {
  const r = new SagaRig(lab);
  toCar(r);
  r.ok("car", "t1", false);
  r.sim.run(2 * RETRY_MS);
  const books = () => SERVICES.map((s) => r.books(s, "t1").length).join();
  const before = books();
  for (const s of ["flight", "hotel"] as const) expectThat(r.cancels(s, r.keyOf(s, "t1")) > 0, "when a step is refused, every step already done is compensated: its booking is cancelled under the key it was made with", () => `the car refused; ${s} (booked under ${JSON.stringify(r.keyOf(s, "t1"))}) got no cancel for that key`, r.sim.now);
  // Late duplicates of the earlier oks, and of the refusal, while compensating.
  r.ok("hotel", "t1");
  r.ok("flight", "t1");
  r.ok("car", "t1", false);
  r.sim.run(6 * RETRY_MS);
  expectThat(books() === before, "a refusal is a final answer, and once compensation has begun no step goes forward: nothing is requested again, whatever late replies arrive", () => `book requests to flight, hotel, car: ${before} when the car refused, ${books()} after late duplicates of the replies`, r.sim.now);
  expectThat(r.done().length === 0, "done \"compensated\" waits until every cancel is confirmed", () => `no cancel is confirmed yet and the orchestrator output ${JSON.stringify(r.done().map((o) => o.value))}`, r.sim.now);
});

ex.scripted("compensating: a cancel without a reply is sent again under its key until confirmed; done \"compensated\" only once every cancel is confirmed, once", { runs: 2 }, (lab) => {
  const r = new SagaRig(lab);
  toCar(r);
  r.ok("car", "t1", false);
  r.sim.run(8 * RETRY_MS);
  const fk = r.keyOf("flight", "t1");
  const hk = r.keyOf("hotel", "t1");
  for (const [s, k] of [["flight", fk], ["hotel", hk]] as const) expectThat(r.cancels(s, k) >= 3, "a cancel that gets no reply is sent again (an apology that gets lost is no apology)", () => `${s} got ${r.cancels(s, k)} cancel(s) in ${8 * RETRY_MS} ms without answering`, r.sim.now);
  r.reply("hotel", { type: "cancel_reply", key: hk });
  r.reply("hotel", { type: "cancel_reply", key: hk }); // duplicated: it confirms the hotel only
  r.sim.run(3 * RETRY_MS);
  expectThat(r.done().length === 0, "done \"compensated\" waits until every cancel is confirmed (a duplicated confirmation confirms one cancel)", () => `the flight has not confirmed its cancel and the orchestrator output ${JSON.stringify(r.done().map((o) => o.value))}`, r.sim.now);
  const before = r.cancels("flight", fk);
  r.sim.run(4 * RETRY_MS);
  expectThat(r.cancels("flight", fk) > before, "a cancel that gets no reply is sent again (an apology that gets lost is no apology)", () => `the flight's cancel was not sent again after the hotel confirmed`, r.sim.now);
  r.reply("flight", { type: "cancel_reply", key: fk });
  r.reply("flight", { type: "cancel_reply", key: fk });
  r.sim.run(100);
  const d = r.done("t1").map((o) => o.value.outcome);
  expectThat(d.join() === "compensated", "once every cancel is confirmed the saga reports done \"compensated\", once", () => `trip t1 reported ${JSON.stringify(d)}`, r.sim.now);
  expectQuiet(r.sim, [ORCH], 1000, "the saga has finished");
});

ex.scripted("compensating: refused at the first step, there is nothing to undo: done \"compensated\", once, and quiet", { runs: 2 }, (lab) => {
  const r = new SagaRig(lab);
  r.book("t1");
  r.ok("flight", "t1", false);
  r.autoReply();
  r.sim.run(300);
  const d = r.done("t1").map((o) => o.value.outcome);
  expectThat(d.join() === "compensated", "a saga whose first step is refused reports done \"compensated\" once", () => `trip t1 reported ${JSON.stringify(d)}`, r.sim.now);
  expectThat(r.books("hotel", "t1").length + r.books("car", "t1").length === 0, "a refused step ends the forward run", () => `the hotel or the car was asked to book t1 after the flight refused it`, r.sim.now);
  expectQuiet(r.sim, [ORCH], 1000, "the saga has finished");
});

ex.scripted("recovery: restarted mid-booking, the orchestrator resends the request under way under the same key, and redoes nothing under a new one", { runs: 2 }, (lab) => {
  const r = new SagaRig(lab);
  r.book("t1");
  r.ok("flight", "t1");
  r.keyOf("hotel", "t1");
  r.bounce();
  const before = r.books("hotel", "t1").length;
  r.sim.run(4 * RETRY_MS);
  expectThat(r.books("hotel", "t1").length > before, "a restarted orchestrator carries on from its saga log: the request under way is sent again", () => `after the restart the hotel got no new request for t1`, r.sim.now);
  r.keyOf("hotel", "t1");
  r.keyOf("flight", "t1");
  r.autoReply();
  r.sim.run(500);
  const d = r.done("t1").map((o) => o.value.outcome);
  expectThat(d.join() === "booked", "after a restart the saga still finishes, once", () => `trip t1 reported ${JSON.stringify(d)}`, r.sim.now);
});

ex.scripted("recovery: crashed while compensating, the orchestrator resumes the compensation (same keys) and finishes it once", { runs: 2 }, (lab) => {
  const r = new SagaRig(lab);
  toCar(r);
  r.ok("car", "t1", false);
  const fk = r.keyOf("flight", "t1");
  const hk = r.keyOf("hotel", "t1");
  r.bounce();
  const fBefore = r.cancels("flight", fk);
  const hBefore = r.cancels("hotel", hk);
  r.sim.run(4 * RETRY_MS);
  expectThat(r.cancels("flight", fk) > fBefore && r.cancels("hotel", hk) > hBefore, "a restarted orchestrator resumes an unfinished compensation: every unconfirmed cancel is sent again, under its key", () => `after the restart the flight got ${r.cancels("flight", fk) - fBefore} and the hotel ${r.cancels("hotel", hk) - hBefore} cancel(s)`, r.sim.now);
  expectThat(r.books("car", "t1").length === 1, "a refusal is a final answer, across restarts too", () => `the car was asked to book t1 again after the restart`, r.sim.now);
  r.autoReply(() => true);
  r.sim.run(500);
  const d = r.done("t1").map((o) => o.value.outcome);
  expectThat(d.join() === "compensated", "after a restart the compensation still finishes, once", () => `trip t1 reported ${JSON.stringify(d)}`, r.sim.now);
});

ex.scripted("recovery: a finished saga stays finished — a restart brings no second done and no traffic", { runs: 2 }, (lab) => {
  const r = new SagaRig(lab);
  r.autoReply((s, t) => s === "hotel" && t === "t2");
  r.book("t1");
  r.book("t2");
  r.sim.run(500);
  const before = r.done().length;
  expectThat(before === 2, "with prompt answers both sagas finish", () => `the orchestrator output ${JSON.stringify(r.done().map((o) => o.value))}`, r.sim.now);
  r.bounce();
  r.sim.run(200);
  expectThat(r.done().length === before, "a saga reports done once, however often the orchestrator restarts", () => `after a restart the orchestrator output ${JSON.stringify(r.done().slice(before).map((o) => o.value))} again`, r.sim.now);
  expectQuiet(r.sim, [ORCH], 1000, "every saga has finished (and the orchestrator restarted)");
});

// ---------------------------------------------------------------------------
// Schedules.
//
// Seed policy (the runs below). Set by measurement, 2026-12-06: the blind set
// of learner bugs and every mutant were graded at base seeds 1 to 10. Every
// one is caught at all ten: most by a rule test above (those do not depend on
// the seed), the rest by these scenarios at every seed. When a new bug is
// caught at some seeds and not others, raise the runs of the scenarios that
// catch it until it is caught at all ten, and keep `grade saga` within 5 s
// (grade --json reports durationMs; npm run bench).

ex.generative(
  "under crashes, partitions, loss and duplication every trip ends all booked or all compensated, nothing booked twice, done said once and meant, then quiet",
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
    settleAndCheck(run, 8000);
  },
);

/** Twelve trips, ids with separators, refused by each service in turn. */
function manyTrips(seed: number, spreadMs: number): Trip[] {
  const ids = ["t1", "t/2", "t 3", "t#4", "10", "t:6/car", "trip-7", "ß8", "t9", "t10", "t/11/", "12"];
  return ids.map((id, i) => ({ id, refusedBy: (i + seed) % 3 === 0 ? [SERVICES[(i + seed) % SERVICES.length]!] : [], at: 10 + Math.floor((i * spreadMs) / ids.length) }));
}

/** Aimed at the orchestrator while its sagas book and compensate. */
const STORM: CrashStormOptions = { nodes: NODES, durationMs: 500, weights: { [ORCH]: 6 }, maxCrashes: 6, shortDownMs: 100, longDownMs: 1000 };

ex.generative(
  "crashes during booking, during compensation and again during recovery, with twelve trips: every trip ends all booked or all compensated, done said once and meant",
  { runs: 60, schedule: crashStormArb(STORM) },
  (lab, schedule) => {
    const end = crashStormEnd(STORM);
    const run = sagaRun(lab, manyTrips(lab.seed, 400), { network: { delayMs: [1, 15], duplicate: 0.1 }, schedule: [...schedule, ...quiesce(end, NODES as NodeId[])] });
    settleAndCheck(run, end + 4000);
  },
);

ex.generative(
  "replies duplicated and delayed far beyond the retry interval (stale answers arriving late), with twelve trips: all or nothing, nothing booked twice, done said once",
  { runs: 40, schedule: scheduleArb({ nodes: NODES, durationMs: 2000, kinds: ["crash", "restart", "partition", "heal"], maxOps: 4 }) },
  (lab, schedule) => {
    let sim: Simulation | null = null;
    const run = sagaRun(lab, manyTrips(lab.seed, 1500), {
      network: { delayMs: [1, 20] },
      // Until the faults end, every reply is often duplicated and often held up for several retry intervals.
      messageRule: (from) => (from !== ORCH && sim!.now < 2000 ? { duplicate: 0.5, tail: 0.4, tailMs: [2 * RETRY_MS, 10 * RETRY_MS] } : undefined),
      schedule: [...schedule, ...quiesce(2000, NODES as NodeId[])],
    });
    sim = run.sim;
    settleAndCheck(run, 7000);
  },
);

// ---------------------------------------------------------------------------
// Exhaustive search: every order of the first events of one trip the car
// refuses (so the search reaches compensation), with one crash of the
// orchestrator, or with lost and duplicated messages.

/** What any prefix of a run of one trip the car refuses must keep, over the services' outputs and the orchestrator's. */
function sagaSafe(v: ClusterView): { property: string; details: string } | null {
  const count = (s: Service, type: ServiceOut["type"]) => (v.outputs[s] ?? []).filter((o) => (o as ServiceOut).type === type).length;
  for (const s of SERVICES) if (count(s, "booked") > 1) return { property: "nothing is booked twice (retries reuse the idempotency key)", details: `${s} booked trip t1 ${count(s, "booked")} times` };
  for (const [later, earlier] of [["hotel", "flight"], ["car", "hotel"]] as const)
    if (count(later, "booked") > 0 && count(earlier, "booked") === 0) return { property: "a step starts only once the step before it is confirmed", details: `the ${later} booked t1 while the ${earlier} had not` };
  const done = (v.outputs[ORCH] ?? []) as Saga.Out[];
  if (done.length > 1) return { property: "a saga reports done once", details: `the orchestrator output ${JSON.stringify(done)}` };
  if (done[0]?.outcome === "booked") return { property: "a trip some service refused cannot end up booked", details: "the car refused t1 and the saga said booked" };
  const holding = SERVICES.filter((s) => count(s, "booked") > count(s, "cancelled"));
  if (done[0]?.outcome === "compensated" && holding.length) return { property: "done \"compensated\" means what it says: when the saga says it, every booking has been cancelled", details: `the saga said compensated while ${holding.join(", ")} held a booking` };
  return null;
}

/**
 * The orchestrator as the search sees it. Its interface has no state() (the
 * saga log on disk is its state), so states are told apart by disks, timers,
 * outputs and messages in flight; without this every path would count as a
 * state of its own and the budget would not reach compensation. A learner who
 * keeps more in memory is searched less finely, never wrongly: every
 * counterexample is an exact replay.
 */
function orchestratorForSearch(ctx: Ctx<Msg, Saga.Out>): Saga.Orchestrator & { state(): null } {
  const o = ex.impl.createOrchestrator(ctx);
  return { onStart: () => o.onStart?.(), onMessage: (from, m) => o.onMessage(from, m), onTimer: (name) => o.onTimer?.(name), book: (trip) => o.book(trip), state: () => null };
}

/** A travel service keeps everything on disk. */
const serviceForSearch = (refuse: readonly string[] = []): NodeFactory => (ctx) => ({ ...createTravelService({ refuse })(ctx), state: () => null });

const expectEveryStateSafe = exhaustiveSearches();

function exhaustive(lab: Lab, faults: ClusterFaults, maxDepth: number): void {
  expectEveryStateSafe(
    lab,
    JSON.stringify([faults, maxDepth]),
    {
      setup: () => ({
        nodes: { [ORCH]: orchestratorForSearch as NodeFactory, flight: serviceForSearch(), hotel: serviceForSearch(), car: serviceForSearch(["t1"]) },
        start: (w) => w.call<Saga.Orchestrator, void>(ORCH, "book", (o) => o.book("t1")),
      }),
      faults: { ...faults, crashable: [ORCH] },
      loseUnsynced: true,
      maxDepth,
      maxStates: 30_000,
    },
    sagaSafe,
  );
}

ex.scripted("exhaustive search, one trip the car refuses: every order of the first events, with lost and duplicated messages, keeps the saga in order and done honest", { runs: 1 }, (lab) => {
  exhaustive(lab, { crashes: 0, drop: true, duplicate: true }, 7);
});

ex.scripted("exhaustive search, one trip the car refuses: every order of the first events, with one crash of the orchestrator, keeps the saga in order and done honest", { runs: 1 }, (lab) => {
  exhaustive(lab, { crashes: 1, drop: false, duplicate: false }, 10);
});
