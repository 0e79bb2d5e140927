// Suite for `lww-register`: last writer wins by (time, replica). Laws,
// semantics (every replica holds the greatest stamped write it has seen, and a
// replica's own write beats what it had), and convergence in the simulator
// with skewed clocks.

import fc from "fast-check";
import { compareStamps, lwwWinner, type Stamp } from "../check/crdt.ts";
import { expectThat } from "../check/violation.ts";
import { exercise } from "./harness/exercise.ts";
import { gossipNode, type GossipNode } from "./support/crdtNode.ts";
import { convergenceScenario, lawScenarios, MANY_REPLICAS, semanticScenario, type CrdtSpec } from "./support/crdtScenarios.ts";
import type * as L from "../../exercises/lww-register/lwwRegister.ts";

const ex = await exercise<typeof L>("lww-register", "lwwRegister.ts");

type Op = { value: string; clock: number };
type Rec = Stamp & { value: string };

const spec: CrdtSpec<L.LwwRegister, Op, Rec> = {
  name: "LWW-Register",
  create: (id) => new ex.impl.LwwRegister(id),
  // Small clocks: equal times (ties) and clocks behind held stamps come up often.
  op: fc.record({ value: fc.constantFrom("red", "green", "blue", "black", "white"), clock: fc.integer({ min: 0, max: 6 }) }),
  describe: (op) => `write(${JSON.stringify(op.value)}, clock ${op.clock})`,
  apply: (r, op) => r.write(op.value, op.clock),
  state: (r) => r.state(),
  merge: (r, s) => r.merge(s as L.LwwState),
  value: (r) => r.value(),
  record: (op, { replica, seen, r }) => {
    const s = r.state();
    expectThat(s !== null && s.value === op.value && s.replica === replica, "after a write, the state holds that write, stamped with the writer's replica id", () => `${replica}.${spec.describe(op)} left state ${JSON.stringify(s)}`);
    expectThat(s.time >= op.clock, "a write's time is at least the writer's clock", () => `${replica} wrote at clock ${op.clock} but stamped time ${s.time}`);
    const held = seen.reduce<Rec | null>((best, w) => (best === null || compareStamps(w, best) > 0 ? w : best), null);
    expectThat(held === null || compareStamps(s, held) > 0, "a replica's own write beats every write it has already seen (step past a clock that is behind)", () => `${replica} held (time ${held!.time}, ${held!.replica}) and its write at clock ${op.clock} got (time ${s.time}, ${s.replica}), which loses`);
    return { value: s.value, time: s.time, replica: s.replica };
  },
  expected: (seen) => lwwWinner(seen),
  atClock: (op, clock) => ({ value: op.value, clock }),
};

ex.scripted("the greater (time, replica) wins everywhere; equal times go to the greater replica id", {}, () => {
  const a = new ex.impl.LwwRegister("n1");
  const b = new ex.impl.LwwRegister("n2");
  a.write("tea", 100);
  b.write("coffee", 100);
  const sa = structuredClone(a.state());
  const sb = structuredClone(b.state());
  a.merge(sb);
  b.merge(sa);
  expectThat(a.value() === "coffee" && b.value() === "coffee", "two writes with equal times: both replicas keep the one from the greater replica id (n2)", () => `n1 reads ${a.value()}, n2 reads ${b.value()}`);
  a.write("water", 99); // n1's clock is behind the stamp it holds
  b.merge(structuredClone(a.state()));
  expectThat(a.value() === "water" && b.value() === "water", "a write made after seeing another beats it, even from a clock that is behind", () => `n1 reads ${a.value()}, n2 reads ${b.value()}`);
  // Replica ids are strings, compared as strings: "n9" > "n10".
  const c = new ex.impl.LwwRegister("n9");
  const d = new ex.impl.LwwRegister("n10");
  c.write("nine", 7);
  d.write("ten", 7);
  const sc = structuredClone(c.state());
  c.merge(structuredClone(d.state()));
  d.merge(sc);
  expectThat(c.value() === "nine" && d.value() === "nine", "on equal times the greater replica id wins, comparing the ids as strings (\"n9\" > \"n10\")", () => `n9 reads ${c.value()}, n10 reads ${d.value()}`);
});

ex.scripted("with a clock running ahead, an earlier concurrent write beats a later one (LWW's price, by specification)", { runs: 3 }, (lab) => {
  const factory = gossipNode((id) => new ex.impl.LwwRegister(id));
  const sim = lab.simulation({ nodes: { n1: factory, n2: factory } });
  sim.setClock("n1", 1000); // n1's clock is a second fast
  sim.partition(["n1"], ["n2"]);
  sim.at(100, () => sim.call("n1", "write", (n: GossipNode<L.LwwRegister>) => n.update((r) => r.write("first", n.now()))));
  sim.at(500, () => sim.call("n2", "write", (n: GossipNode<L.LwwRegister>) => n.update((r) => r.write("second", n.now()))));
  sim.at(800, () => sim.heal());
  sim.run(1500);
  const read = (id: string) => sim.call(id, "value", (n: GossipNode<L.LwwRegister>) => n.replica.value());
  expectThat(read("n1") === "first" && read("n2") === "first", "the write stamped 1100 (n1, fast clock) beats the one stamped 500 (n2), although n2 wrote later", () => `n1 reads ${read("n1")}, n2 reads ${read("n2")}`, sim.now);
  sim.at(1600, () => sim.call("n2", "write", (n: GossipNode<L.LwwRegister>) => n.update((r) => r.write("third", n.now()))));
  sim.run(500);
  expectThat(read("n1") === "third" && read("n2") === "third", "a write made after seeing the fast clock's write still wins (its time steps past the held one)", () => `n1 reads ${read("n1")}, n2 reads ${read("n2")}`, sim.now);
});

lawScenarios(ex, spec);
semanticScenario(ex, spec, "every replica holds the greatest (time, replica) write it has seen, and its own writes beat what it had");
convergenceScenario(ex, spec, { replicas: 3, runs: 25, clocks: true });
convergenceScenario(ex, spec, { replicas: MANY_REPLICAS, runs: 10, clocks: true });
