// Cluster stories every heartbeat-style detector must survive (fd-heartbeat,
// fd-adaptive, fd-phi): a partition that heals — every suspicion across it
// must be withdrawn — followed by a real crash, and a node that fails again
// after a long outage. Cluster shapes vary with the seed: two nodes, even
// sizes, more than nine nodes, and ids that are not n1…n7.

import { expectNoMistakes, expectStrongCompleteness } from "../../check/qos.ts";
import { expectThat } from "../../check/violation.ts";
import { Stream, type NetworkConfig, type NodeFactory, type NodeId } from "../../sim/index.ts";
import type { Exercise } from "../harness/exercise.ts";
import { Observer, RUNS, SUSPECTS } from "./support.ts";

export interface ClusterFamily {
  create: NodeFactory;
  network: Partial<NetworkConfig>;
  /** How long after a peer can be heard again (a heal, a restart) every suspicion of it must be withdrawn. */
  withdrawMs: number;
  /** How long after a crash every live node must suspect the crashed one for good, even after earlier mistakes about it. */
  crashDetectionMs: number;
}

/**
 * Cluster shapes, one per seed in turn (so any window of this many
 * consecutive seeds meets each of them): a pair, an even four with names, six
 * with multi-digit and non-numbered ids, ten (more than nine), eleven.
 */
export const SHAPES: readonly (readonly NodeId[])[] = [
  ["n1", "n2"],
  ["alice", "bob", "carol", "dave"],
  ["n3", "n12", "n100", "zed", "n7", "amy"],
  Array.from({ length: 10 }, (_, i) => `n${i + 1}`),
  Array.from({ length: 11 }, (_, i) => `m${i * 7 + 3}`),
];

export const shapeFor = (seed: number): readonly NodeId[] => SHAPES[((seed % SHAPES.length) + SHAPES.length) % SHAPES.length]!;

const list = (pairs: [NodeId, NodeId][]) => pairs.map(([q, p]) => `${q} → ${p}`).join(", ");

export function clusterScenarios(ex: Exercise<unknown>, f: ClusterFamily): void {
  ex.scripted(`partition then heal: every node suspects the far side, withdraws every suspicion within ${f.withdrawMs} ms of the heal, and then still detects a crash (2 to 11 nodes)`, { runs: Math.max(RUNS.story, SHAPES.length) }, (lab) => {
    const ids = shapeFor(lab.seed);
    const rng = new Stream(lab.seed, "partition");
    const near = ids.filter((_, i) => i === 0 || (i < ids.length - 1 && rng.chance(0.5)));
    const far = ids.filter((n) => !near.includes(n));
    const cut = 1000;
    const heal = cut + rng.int(1500, 4000);
    const victim = rng.pick(ids);
    const crash = heal + 3000;
    const end = crash + 3000;
    const sim = lab.simulation({
      nodes: Object.fromEntries(ids.map((id) => [id, f.create])),
      network: f.network,
      schedule: [
        { at: cut, op: "partition", groups: [near, far] },
        { at: heal, op: "heal" },
        { at: crash, op: "crash", node: victim },
      ],
    });
    const o = new Observer(lab, sim, SUSPECTS);
    sim.runUntil(end);
    const { analysis } = o.judge();
    const across: [NodeId, NodeId][] = near.flatMap((a) => far.flatMap((b): [NodeId, NodeId][] => [[a, b], [b, a]]));
    const before = o.heldAt(heal - 1);
    const unseen = across.filter(([q, p]) => !before.get(q)!.has(p));
    expectThat(unseen.length === 0, "a node that cannot hear a peer suspects it (the detector cannot tell a partition from a crash)", () => `partition ${near.join(" ")} | ${far.join(" ")} from t=${cut} to t=${heal} ms; just before the heal these did not suspect the far side: ${list(unseen)}`, heal - 1);
    const after = o.heldAt(heal + f.withdrawMs);
    const kept = ids.flatMap((q) => [...after.get(q)!.keys()].map((p): [NodeId, NodeId] => [q, p]));
    expectThat(kept.length === 0, `after a partition heals, every suspicion is withdrawn within ${f.withdrawMs} ms (keep heartbeating suspects: that is how they learn you are alive)`, () => `healed at t=${heal} ms; at t=${heal + f.withdrawMs} ms these still suspected: ${list(kept)}`, heal + f.withdrawMs);
    expectNoMistakes(analysis, heal + f.withdrawMs, "once the network has healed, no live node is suspected");
    expectStrongCompleteness(analysis, f.crashDetectionMs);
  });

  ex.scripted(`a node that fails again after a long outage is suspected again, within ${f.crashDetectionMs} ms each time`, { runs: RUNS.story }, (lab) => {
    const ids = ["ada", "n12", "n3", "bo"];
    const victim = ids[1 + (lab.seed % 3)]!;
    const back = 11_000;
    const sim = lab.simulation({
      nodes: Object.fromEntries(ids.map((id) => [id, f.create])),
      network: f.network,
      schedule: [
        { at: 1000, op: "crash", node: victim },
        { at: back, op: "restart", node: victim },
        { at: back + 3000, op: "crash", node: victim },
      ],
    });
    const o = new Observer(lab, sim, SUSPECTS);
    sim.runUntil(back + 6000);
    const { analysis } = o.judge();
    expectStrongCompleteness(analysis, f.crashDetectionMs);
    const held = [...o.heldAt(back + f.withdrawMs)].filter(([, s]) => s.has(victim)).map(([q]) => q);
    expectThat(held.length === 0, `a node back from a 10 s outage is trusted again within ${f.withdrawMs} ms`, () => `${victim} restarted at t=${back} ms; at t=${back + f.withdrawMs} ms ${held.join(", ")} still suspected it`, back + f.withdrawMs);
    const wrong = analysis.mistakes.filter((m) => m.start > back + f.withdrawMs);
    expectThat(wrong.length === 0, "while every node is up and the network is quick, nobody is suspected", () => wrong.map((m) => `${m.monitor} suspected ${m.target} at t=${m.start} ms`).join("; "), wrong[0]?.start);
  });
}
