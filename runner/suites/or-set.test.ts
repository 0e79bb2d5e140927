// Suite for `or-set`: an add-wins observed-remove set. Laws, semantics (an
// element is present when one of its adds was not observed by any remove) and
// convergence in the simulator.

import fc from "fast-check";
import { addWinsValue, type SetEvent } from "../check/crdt.ts";
import { expectThat } from "../check/violation.ts";
import { exercise } from "./harness/exercise.ts";
import { convergenceScenario, lawScenarios, MANY_REPLICAS, semanticScenario, type CrdtSpec } from "./support/crdtScenarios.ts";
import type * as S from "../../exercises/or-set/orSet.ts";

const ex = await exercise<typeof S>("or-set", "orSet.ts");

type Op = { kind: "add" | "remove"; element: string };

const spec: CrdtSpec<S.OrSet, Op, SetEvent> = {
  name: "OR-Set (add-wins)",
  create: (id) => new ex.impl.OrSet(id),
  op: fc.record({ kind: fc.constantFrom("add" as const, "remove" as const), element: fc.constantFrom("milk", "eggs", "bread") }),
  describe: (op) => `${op.kind}(${JSON.stringify(op.element)})`,
  apply: (r, op) => (op.kind === "add" ? r.add(op.element) : r.remove(op.element)),
  state: (r) => r.state(),
  merge: (r, s) => r.merge(s as S.OrSetState),
  value: (r) => r.value(),
  record: (op, { id, seen, r }) => {
    const has = r.has(op.element);
    expectThat(has === (op.kind === "add"), `right after ${op.kind}(e), has(e) is ${op.kind === "add"}`, () => `has(${JSON.stringify(op.element)}) returned ${has}`);
    // A remove observes exactly the adds of that element its replica has seen.
    return op.kind === "add" ? { id, kind: "add", element: op.element } : { id, kind: "remove", element: op.element, observed: seen.filter((e) => e.kind === "add" && e.element === op.element).map((e) => e.id) };
  },
  expected: (seen) => addWinsValue(seen),
};

const cart = (x: S.OrSet) => JSON.stringify(x.value());

ex.scripted("an add concurrent with a remove survives (add wins)", {}, () => {
  const alice = new ex.impl.OrSet("n1");
  const bob = new ex.impl.OrSet("n2");
  alice.add("milk");
  bob.merge(structuredClone(alice.state()));
  alice.remove("milk"); // Alice has seen one add of milk and removes it…
  bob.add("milk"); //      …while Bob, concurrently, adds milk again.
  const sa = structuredClone(alice.state());
  const sb = structuredClone(bob.state());
  alice.merge(sb);
  bob.merge(sa);
  expectThat(cart(alice) === '["milk"]' && cart(bob) === '["milk"]', "Bob's concurrent add of milk survives Alice's remove, on both replicas", () => `n1 reads ${cart(alice)}, n2 reads ${cart(bob)}`);
});

ex.scripted("a remove removes what it has seen, everywhere; an element can come back with a new add", {}, () => {
  const a = new ex.impl.OrSet("n1");
  const b = new ex.impl.OrSet("n2");
  a.add("eggs");
  b.add("eggs");
  a.merge(structuredClone(b.state()));
  a.remove("eggs"); // a has seen both adds
  b.merge(structuredClone(a.state()));
  expectThat(cart(a) === "[]" && cart(b) === "[]", "a remove that saw every add removes the element on every replica it reaches", () => `n1 reads ${cart(a)}, n2 reads ${cart(b)}`);
  b.add("eggs");
  a.merge(structuredClone(b.state()));
  expectThat(cart(a) === '["eggs"]' && cart(b) === '["eggs"]', "adding a removed element again brings it back", () => `n1 reads ${cart(a)}, n2 reads ${cart(b)}`);
});

lawScenarios(ex, spec);
semanticScenario(ex, spec, "the set holds exactly the elements with an add that no remove has seen (add wins)");
convergenceScenario(ex, spec, { replicas: 3, runs: 25 });
convergenceScenario(ex, spec, { replicas: MANY_REPLICAS, runs: 10 });
