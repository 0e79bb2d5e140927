// Suite for `exactly-once`: an at-least-once producer (the lab's) and the
// learner's consumer. Graded on the effects ledger — every "effect" the
// consumer output, across all its incarnations: each payment applied exactly
// once with its amount, and every payment acknowledged in the end, under
// duplicates, reordering, loss and crashes between processing and acking.

import { expectThat } from "../check/violation.ts";
import { quiesce, scheduleArb, type FaultOp, type NetworkConfig, type Simulation } from "../sim/index.ts";
import { exercise, type Lab } from "./harness/exercise.ts";
import type * as Queue from "../../exercises/exactly-once/consumer.ts";
import { producer, type ProducerOut } from "./support/queue.ts";

const ex = await exercise<typeof Queue>("exactly-once", "consumer.ts");

function run(lab: Lab, o: { count?: number; network?: Partial<NetworkConfig>; schedule?: FaultOp[]; runMs?: number }): Simulation {
  const sim = lab.simulation({
    nodes: { c: ex.impl.createConsumer },
    clients: { p: producer(o.count ?? 12) },
    network: o.network ?? {},
    schedule: o.schedule ?? [],
    disk: { loseUnsynced: true },
  });
  sim.run(o.runMs ?? 3000);
  return sim;
}

/** The ledger: each payment's effect exactly once, with its amount; nothing that was never sent. */
function expectExactlyOnce(sim: Simulation): void {
  const sent = new Map(sim.outputsOf<ProducerOut>("p").flatMap((o) => (o.value.type === "sent" ? [[o.value.id, o.value.amount] as const] : [])));
  const effects = sim.outputsOf<Queue.Effect>("c");
  const byId = new Map<string, number[]>();
  for (const e of effects) {
    const v = e.value;
    expectThat(v !== null && typeof v === "object" && v.type === "effect" && sent.has(v.id), "every effect belongs to a payment the producer sent", () => `at t=${e.t} ms the consumer output ${JSON.stringify(v)}`, e.t);
    expectThat(v.amount === sent.get(v.id), "an effect carries its payment's amount", () => `${v.id} is a payment of ${sent.get(v.id)}, but its effect says ${v.amount}`, e.t);
    byId.set(v.id, [...(byId.get(v.id) ?? []), e.t]);
    const times = byId.get(v.id)!;
    expectThat(times.length === 1, "each payment's effect is applied at most once (duplicates, retries and restarts included)", () => `${v.id} was applied ${times.length} times, at t=${times.join(", t=")} ms`, e.t);
  }
  const missing = [...sent.keys()].filter((id) => !byId.has(id));
  expectThat(missing.length === 0, "each payment's effect is applied at least once (none lost)", () => `never applied: ${missing.join(", ")}${acked(sim, missing).length ? ` — and ${acked(sim, missing).join(", ")} had been acknowledged, so the producer stopped resending` : ""}`);
}

function acked(sim: Simulation, ids: string[]): string[] {
  const a = new Set(sim.outputsOf<ProducerOut>("p").flatMap((o) => (o.value.type === "acked" ? [o.value.id] : [])));
  return ids.filter((id) => a.has(id));
}

function expectAllAcked(sim: Simulation): void {
  const sent = sim.outputsOf<ProducerOut>("p").flatMap((o) => (o.value.type === "sent" ? [o.value.id] : []));
  const notAcked = sent.filter((id) => !acked(sim, [id]).length);
  expectThat(notAcked.length === 0, "every payment is acknowledged in the end (or the producer resends it forever)", () => `still unacknowledged: ${notAcked.join(", ")}`);
}

ex.scripted("a quiet network: each payment applied once and acknowledged", { runs: 3 }, (lab) => {
  const sim = run(lab, {});
  expectExactlyOnce(sim);
  expectAllAcked(sim);
});

ex.scripted("duplicated and reordered deliveries are applied once", { runs: 5 }, (lab) => {
  const sim = run(lab, { network: { duplicate: 0.5, tail: 0.3, tailMs: [50, 250] } });
  expectExactlyOnce(sim);
  expectAllAcked(sim);
});

ex.scripted("lost acknowledgements: the producer resends, the consumer applies once", { runs: 5 }, (lab) => {
  const sim = run(lab, { network: { drop: 0.3 } });
  expectExactlyOnce(sim);
  expectAllAcked(sim);
});

ex.scripted("crashes between processing and acknowledging: redeliveries are applied once", { runs: 8 }, (lab) => {
  // The consumer crashes every ~110 ms for a while: some payments are processed but not yet acknowledged.
  const schedule: FaultOp[] = [];
  for (let t = 37; t < 1200; t += 113) schedule.push({ at: t, op: "crash", node: "c" }, { at: t + 20, op: "restart", node: "c" });
  const sim = run(lab, { schedule, network: { duplicate: 0.2 } });
  expectExactlyOnce(sim);
  expectAllAcked(sim);
});

ex.generative(
  "random crashes, restarts, pauses and a bad network: every payment's effect exactly once",
  { runs: 40, schedule: scheduleArb({ nodes: ["c"], durationMs: 1500, kinds: ["crash", "restart", "pause", "resume", "network"], maxOps: 10, maxDrop: 0.4, maxDuplicate: 0.5, maxDelayMs: 100 }) },
  (lab, schedule) => {
    const sim = run(lab, { schedule: [...schedule, ...quiesce(1600, ["c"], {}, schedule)], network: { tail: 0.1, tailMs: [50, 200] }, runMs: 4000 });
    expectExactlyOnce(sim);
    expectAllAcked(sim);
  },
);
