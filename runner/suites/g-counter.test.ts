// Suite for `g-counter`: a grow-only counter replicated by state gossip.
// Laws (merge is a join, updates inflate), semantics (the value is the sum of
// the increments a replica has seen), and convergence in the simulator.

import fc from "fast-check";
import { expectThat } from "../check/violation.ts";
import { exercise } from "./harness/exercise.ts";
import { convergenceScenario, lawScenarios, MANY_REPLICAS, semanticScenario, type CrdtSpec } from "./support/crdtScenarios.ts";
import type * as G from "../../exercises/g-counter/gCounter.ts";

const ex = await exercise<typeof G>("g-counter", "gCounter.ts");

const spec: CrdtSpec<G.GCounter, number, number> = {
  name: "G-Counter",
  create: (id) => new ex.impl.GCounter(id),
  op: fc.integer({ min: 1, max: 5 }),
  describe: (by) => `increment(${by})`,
  apply: (r, by) => r.increment(by),
  state: (r) => r.state(),
  merge: (r, s) => r.merge(s as G.GCounterState),
  value: (r) => r.value(),
  record: (by) => by,
  expected: (seen) => seen.reduce((a, b) => a + b, 0),
};

ex.scripted("two replicas that increment concurrently and exchange states both count every increment", {}, () => {
  const a = new ex.impl.GCounter("n1");
  const b = new ex.impl.GCounter("n2");
  a.increment(2);
  b.increment(3);
  a.increment();
  const sa = structuredClone(a.state());
  const sb = structuredClone(b.state());
  a.merge(sb);
  b.merge(sa);
  expectThat(a.value() === 6 && b.value() === 6, "after exchanging states, both replicas count all 6 increments", () => `n1 reads ${a.value()}, n2 reads ${b.value()}`);
  // The same state delivered again (a duplicate) or late (an old one) changes nothing.
  a.merge(structuredClone(sb));
  b.merge(structuredClone(sa));
  expectThat(a.value() === 6 && b.value() === 6, "a duplicate or stale state changes nothing", () => `after merging the same states again: n1 reads ${a.value()}, n2 reads ${b.value()}`);
});

lawScenarios(ex, spec);
semanticScenario(ex, spec, "the value is the sum of every increment that has reached the replica");
convergenceScenario(ex, spec, { replicas: 3, runs: 25 });
convergenceScenario(ex, spec, { replicas: MANY_REPLICAS, runs: 10 });
