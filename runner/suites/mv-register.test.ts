// Suite for `mv-register`: concurrent writes are all kept, a write replaces
// what its replica has seen. Laws, semantics (the value is exactly the set of
// concurrent latest writes) and convergence in the simulator.

import fc from "fast-check";
import { maximalWrites, type WriteEvent } from "../check/crdt.ts";
import { expectThat } from "../check/violation.ts";
import { exercise } from "./harness/exercise.ts";
import { convergenceScenario, lawScenarios, MANY_REPLICAS, semanticScenario, type CrdtSpec } from "./support/crdtScenarios.ts";
import type * as M from "../../exercises/mv-register/mvRegister.ts";

const ex = await exercise<typeof M>("mv-register", "mvRegister.ts");

const spec: CrdtSpec<M.MvRegister, string, WriteEvent> = {
  name: "MV-Register",
  create: (id) => new ex.impl.MvRegister(id),
  op: fc.constantFrom("a", "b", "c", "d", "e", "f", "g", "h"),
  describe: (v) => `write(${JSON.stringify(v)})`,
  apply: (r, v) => r.write(v),
  state: (r) => r.state(),
  merge: (r, s) => r.merge(s as M.MvState),
  // Exactly as returned: one value per sibling, sorted.
  value: (r) => r.value(),
  record: (value, { id, seen }) => ({ id, value, past: seen.map((w) => w.id) }),
  expected: (seen) => maximalWrites(seen),
};

ex.scripted("two concurrent writes are both kept; a write that has seen them replaces both", {}, () => {
  const a = new ex.impl.MvRegister("n1");
  const b = new ex.impl.MvRegister("n2");
  a.write("milk");
  b.write("oat milk");
  const sa = structuredClone(a.state());
  const sb = structuredClone(b.state());
  a.merge(sb);
  b.merge(sa);
  const both = (x: M.MvRegister) => JSON.stringify(x.value());
  expectThat(both(a) === '["milk","oat milk"]' && both(b) === '["milk","oat milk"]', "concurrent writes both survive the exchange, on both replicas", () => `n1 reads ${both(a)}, n2 reads ${both(b)}`);
  a.write("soy milk");
  b.merge(structuredClone(a.state()));
  expectThat(both(a) === '["soy milk"]' && both(b) === '["soy milk"]', "a write made after seeing both replaces both, everywhere", () => `n1 reads ${both(a)}, n2 reads ${both(b)}`);
});

lawScenarios(ex, spec);
semanticScenario(ex, spec, "the value is exactly the set of concurrent latest writes the replica has seen");
convergenceScenario(ex, spec, { replicas: 3, runs: 25 });
convergenceScenario(ex, spec, { replicas: MANY_REPLICAS, runs: 10 });
