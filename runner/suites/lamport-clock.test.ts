// Suite for `lamport-clock`: over random executions (delays, reordering,
// duplicates, drops, partitions, pauses), every pair of events a → b
// (happened before) gets timestamps C(a) < C(b).

import { expectThat } from "../check/violation.ts";
import { scheduleArb } from "../sim/index.ts";
import { exercise } from "./harness/exercise.ts";
import { describeEvent, record, workloadNode } from "./support/clocks.ts";
import type * as Lamport from "../../exercises/lamport-clock/clock.ts";

const ex = await exercise<typeof Lamport>("lamport-clock", "clock.ts");
const node = workloadNode<number>((self) => new ex.impl.LamportClock(self));

function expectClockCondition(sim: import("../sim/index.ts").Simulation): void {
  const r = record<number>(sim);
  const evs = r.events;
  for (const e of evs) expectThat(typeof e.stamp === "number" && Number.isFinite(e.stamp), "every timestamp is a number", () => `${e.ev} got ${JSON.stringify(e.stamp)}`, e.t);
  for (let j = 0; j < evs.length; j++)
    for (let i = 0; i < j; i++)
      if (r.happenedBefore(i, j))
        expectThat(evs[i]!.stamp < evs[j]!.stamp, "clock condition: if a happened before b then C(a) < C(b)", () => `${describeEvent(evs[i]!)} happened before ${describeEvent(evs[j]!)} (via ${r.chain(i, j).join(" → ")}), but C(a) = ${evs[i]!.stamp} is not less than C(b) = ${evs[j]!.stamp}`, evs[j]!.t);
}

ex.scripted("on one node, each event's timestamp exceeds the one before", { runs: 3 }, (lab) => {
  const sim = lab.simulation({ nodes: { n1: node } });
  sim.run(2000);
  expectClockCondition(sim);
});

ex.scripted("a receive is stamped after its send, even from a node far ahead", { runs: 5 }, (lab) => {
  // n1 works alone for a while (its clock runs far ahead), then the others join in.
  const sim = lab.simulation({ nodes: { n1: node, n2: node, n3: node }, schedule: [{ at: 0, op: "isolate", node: "n1" }, { at: 400, op: "heal" }] });
  sim.run(3000);
  expectClockCondition(sim);
});

ex.generative(
  "clock condition holds over random executions (delays, reordering, duplicates, partitions, pauses)",
  { runs: 40, schedule: scheduleArb({ nodes: ["n1", "n2", "n3", "n4"], durationMs: 800, kinds: ["network", "partition", "heal", "pause", "resume"], maxOps: 6, maxDrop: 0.3, maxDuplicate: 0.3, maxDelayMs: 120 }) },
  (lab, schedule) => {
    const sim = lab.simulation({ nodes: { n1: node, n2: node, n3: node, n4: node }, network: { tail: 0.2, tailMs: [50, 300] }, schedule: [...schedule, { at: 900, op: "heal" }, { at: 900, op: "resume", node: "n1" }, { at: 900, op: "resume", node: "n2" }, { at: 900, op: "resume", node: "n3" }, { at: 900, op: "resume", node: "n4" }] });
    sim.run(2500);
    expectClockCondition(sim);
  },
);
