// Suite for `vector-clock`: over random executions, compare(V(a), V(b))
// says "before" exactly when a happened before b, "after" exactly when b
// happened before a, and "concurrent" for every other pair of distinct events.

import { expectThat } from "../check/violation.ts";
import { scheduleArb, type Simulation } from "../sim/index.ts";
import { exercise } from "./harness/exercise.ts";
import { describeEvent, record, workloadNode } from "./support/clocks.ts";
import type * as Vector from "../../exercises/vector-clock/clock.ts";

const ex = await exercise<typeof Vector>("vector-clock", "clock.ts");
type V = Vector.VClock;
const node = workloadNode<V>((self, nodes) => new ex.impl.VectorClock(self, nodes));

function expectExactOrder(sim: Simulation): void {
  const r = record<V>(sim);
  const evs = r.events;
  for (let j = 0; j < evs.length; j++)
    for (let i = 0; i < j; i++) {
      const a = evs[i]!;
      const b = evs[j]!;
      const truth = r.happenedBefore(i, j) ? "before" : r.happenedBefore(j, i) ? "after" : "concurrent";
      const got = ex.impl.compare(a.stamp, b.stamp);
      const back = ex.impl.compare(b.stamp, a.stamp);
      const why = () =>
        truth === "concurrent"
          ? `${describeEvent(a)} and ${describeEvent(b)} are concurrent (no chain of events links them), but compare(a, b) says "${got}"`
          : `${describeEvent(a)} happened before ${describeEvent(b)} (via ${r.chain(i, j).join(" → ")}), but compare(a, b) says "${got}"`;
      if (truth === "before") expectThat(got === "before", "if a happened before b, compare(V(a), V(b)) is \"before\"", why, b.t);
      else expectThat(got === "concurrent", "events that no chain links are detected as concurrent (and only those)", why, b.t);
      const mirror = truth === "before" ? "after" : "concurrent";
      expectThat(back === mirror, "compare is consistent both ways: compare(b, a) mirrors compare(a, b)", () => `compare(a, b) should be "${truth}" and compare(b, a) "${mirror}", but compare(b, a) says "${back}" for a = ${describeEvent(a)}, b = ${describeEvent(b)}`, b.t);
    }
}

ex.scripted("compare orders two stamps by their entries", { runs: 1 }, () => {
  const c = ex.impl.compare;
  const cases: [V, V, Vector.Order][] = [
    [{ n1: 1, n2: 0 }, { n1: 1, n2: 1 }, "before"],
    [{ n1: 2, n2: 1 }, { n1: 1, n2: 1 }, "after"],
    [{ n1: 1, n2: 0 }, { n1: 0, n2: 1 }, "concurrent"],
    [{ n1: 3, n2: 2 }, { n1: 3, n2: 2 }, "equal"],
    [{ n1: 1 }, { n1: 1, n2: 1 }, "before"],
  ];
  for (const [a, b, want] of cases) {
    const got = c(a, b);
    expectThat(got === want, "compare follows the entry-wise order of vectors", () => `compare(${JSON.stringify(a)}, ${JSON.stringify(b)}) returned "${got}", expected "${want}" (a missing entry counts as 0)`);
  }
});

ex.scripted("on one node, every event comes after the ones before it", { runs: 3 }, (lab) => {
  const sim = lab.simulation({ nodes: { n1: node, n2: node } , schedule: [{ at: 0, op: "isolate", node: "n1" }] });
  sim.run(1500);
  expectExactOrder(sim);
});

ex.generative(
  "happened-before and concurrency are detected exactly over random executions",
  { runs: 30, schedule: scheduleArb({ nodes: ["n1", "n2", "n3", "n4"], durationMs: 800, kinds: ["network", "partition", "heal", "pause", "resume"], maxOps: 6, maxDrop: 0.3, maxDuplicate: 0.3, maxDelayMs: 120 }) },
  (lab, schedule) => {
    const sim = lab.simulation({ nodes: { n1: node, n2: node, n3: node, n4: node }, network: { tail: 0.2, tailMs: [50, 300] }, schedule: [...schedule, { at: 900, op: "heal" }, { at: 900, op: "resume", node: "n1" }, { at: 900, op: "resume", node: "n2" }, { at: 900, op: "resume", node: "n3" }, { at: 900, op: "resume", node: "n4" }] });
    sim.run(2500);
    expectExactOrder(sim);
  },
);
