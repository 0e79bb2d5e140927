// Suite for `pn-counter`: increments and decrements, replicated by state
// gossip. Laws, semantics (value = increments minus decrements seen) and
// convergence in the simulator.

import fc from "fast-check";
import { expectThat } from "../check/violation.ts";
import { exercise } from "./harness/exercise.ts";
import { convergenceScenario, lawScenarios, MANY_REPLICAS, semanticScenario, type CrdtSpec } from "./support/crdtScenarios.ts";
import type * as P from "../../exercises/pn-counter/pnCounter.ts";

const ex = await exercise<typeof P>("pn-counter", "pnCounter.ts");

type Op = { kind: "increment" | "decrement"; by: number };

const spec: CrdtSpec<P.PNCounter, Op, number> = {
  name: "PN-Counter",
  create: (id) => new ex.impl.PNCounter(id),
  op: fc.record({ kind: fc.constantFrom("increment" as const, "decrement" as const), by: fc.integer({ min: 1, max: 5 }) }),
  describe: (op) => `${op.kind}(${op.by})`,
  apply: (r, op) => (op.kind === "increment" ? r.increment(op.by) : r.decrement(op.by)),
  state: (r) => r.state(),
  merge: (r, s) => r.merge(s as P.PNCounterState),
  value: (r) => r.value(),
  record: (op) => (op.kind === "increment" ? op.by : -op.by),
  expected: (seen) => seen.reduce((a, b) => a + b, 0),
};

ex.scripted("a decrement made after an exchange survives the next exchange", {}, () => {
  const a = new ex.impl.PNCounter("n1");
  const b = new ex.impl.PNCounter("n2");
  a.increment(5);
  b.merge(structuredClone(a.state()));
  a.decrement(2);
  b.increment(1);
  const sa = structuredClone(a.state());
  const sb = structuredClone(b.state());
  a.merge(sb);
  b.merge(sa);
  expectThat(a.value() === 4 && b.value() === 4, "both replicas read 5 + 1 − 2 = 4 after exchanging states", () => `n1 reads ${a.value()}, n2 reads ${b.value()}`);
});

lawScenarios(ex, spec);
semanticScenario(ex, spec, "the value is every increment minus every decrement that has reached the replica");
convergenceScenario(ex, spec, { replicas: 3, runs: 25 });
convergenceScenario(ex, spec, { replicas: MANY_REPLICAS, runs: 10 });
