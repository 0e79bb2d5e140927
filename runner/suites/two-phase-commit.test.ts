// Suite for `two-phase-commit`: a coordinator and participants with durable
// logs. Graded by short stories, by random fault schedules (crashes at every
// step, loss, duplication, reordering, partitions) and by exhaustive search of
// every interleaving of a coordinator and two participants.

import { checkCommitSafety, checkEveryoneDecided, PROPERTY } from "../check/atomicCommit.ts";
import { expectThat } from "../check/violation.ts";
import { exploreCluster, type ClusterExploreReport, type ClusterFaults } from "../sim/exploreCluster.ts";
import { quiesce, scheduleArb, type Ctx, type FaultOp, type NodeId, type Simulation } from "../sim/index.ts";
import type { NetworkConfig } from "../sim/network.ts";
import { exercise, type Lab } from "./harness/exercise.ts";
import { expectExplorationSafe } from "./harness/exhaustive.ts";
import type * as TPC from "../../exercises/two-phase-commit/twoPhaseCommit.ts";

const ex = await exercise<typeof TPC>("two-phase-commit", "twoPhaseCommit.ts");

type Vote = TPC.Vote;
const TX = "t1";

/** A resource manager that always gives the scripted vote. */
const rm = (vote: Vote): TPC.ResourceManager => ({ prepare: () => vote });

function participantsOf(votes: readonly Vote[]): NodeId[] {
  return votes.map((_, i) => `p${i + 1}`);
}

function nodesFor(votes: readonly Vote[]) {
  const nodes: Record<NodeId, (ctx: Ctx<TPC.Msg, TPC.Out>) => unknown> = { co: ex.impl.createCoordinator };
  participantsOf(votes).forEach((p, i) => {
    nodes[p] = (ctx: Ctx<TPC.Msg, TPC.Out>) => ex.impl.createParticipant(ctx, rm(votes[i]!));
  });
  return nodes as Record<NodeId, (ctx: Ctx<never>) => never>;
}

interface Run {
  sim: Simulation;
  participants: NodeId[];
  /** Whether the harness managed to begin the transaction (the coordinator was up). */
  begun: () => boolean;
}

/** A coordinator and one participant per vote; the transaction begins at t=10 ms. */
function twoPC(lab: Lab, votes: readonly Vote[], opts: { network?: Partial<NetworkConfig>; schedule?: FaultOp[] } = {}): Run {
  const participants = participantsOf(votes);
  const sim = lab.simulation({ nodes: nodesFor(votes), network: opts.network, schedule: opts.schedule, disk: { loseUnsynced: true } });
  let begun = false;
  sim.at(10, () => {
    if (sim.status("co") !== "up") return;
    sim.call<TPC.Coordinator, void>("co", "begin", (n) => n.begin(TX, participants));
    begun = true;
  });
  return { sim, participants, begun: () => begun };
}

function outputsByNode(sim: Simulation): Record<NodeId, unknown[]> {
  const out: Record<NodeId, unknown[]> = {};
  for (const o of sim.outputs) (out[o.node] ??= []).push(o.value);
  return out;
}

function decisionsOf(sim: Simulation, node: NodeId): string[] {
  return sim.outputsOf<TPC.Out>(node).flatMap((o) => (o.value.type === "decided" ? [o.value.decision] : []));
}

function expectSafe(run: Run): void {
  const bad = checkCommitSafety(outputsByNode(run.sim), run.participants);
  expectThat(bad === null, bad?.property ?? "", () => bad!.details);
}

function expectEveryoneDecided(run: Run): void {
  const missing = checkEveryoneDecided(outputsByNode(run.sim), run.participants, TX);
  expectThat(missing === null, PROPERTY.termination, () => missing!);
}

function expectAll(run: Run, decision: TPC.Decision): void {
  for (const node of ["co", ...run.participants]) {
    const ds = decisionsOf(run.sim, node);
    expectThat(ds.length > 0 && ds.every((d) => d === decision), decision === "commit" ? PROPERTY.commitWhenAllYes : "a no vote aborts the transaction everywhere", () => `${node} decided ${ds.length ? ds.join(", ") : "nothing"}, expected ${decision}`);
  }
}

ex.scripted("with no faults and every vote yes, everyone commits", { runs: 3 }, (lab) => {
  const run = twoPC(lab, ["yes", "yes", "yes"]);
  run.sim.run(2000);
  expectSafe(run);
  expectAll(run, "commit");
});

ex.scripted("one no vote aborts the transaction everywhere", { runs: 3 }, (lab) => {
  const run = twoPC(lab, ["yes", "no", "yes"]);
  run.sim.run(2000);
  expectSafe(run);
  expectAll(run, "abort");
});

ex.scripted("participants prepared when the coordinator dies wait for it: they block, they do not guess", { runs: 2 }, (lab) => {
  // Every message takes exactly 5 ms: prepares arrive at t=15, votes would arrive at t=20.
  const run = twoPC(lab, ["yes", "yes"], { network: { delayMs: [5, 5] }, schedule: [{ at: 17, op: "crash", node: "co" }] });
  run.sim.run(3000);
  expectSafe(run);
  for (const p of run.participants) {
    const votedYes = run.sim.outputsOf<TPC.Out>(p).some((o) => o.value.type === "voted" && o.value.vote === "yes");
    expectThat(votedYes, "each participant votes as its resource manager says", () => `${p} never output {type: "voted", vote: "yes"}`);
    const ds = decisionsOf(run.sim, p);
    expectThat(ds.length === 0, "a prepared participant does not decide on its own while the coordinator is down (it cannot know what the coordinator decided)", () => `${p} decided ${ds.join(", ")} while the coordinator was down`);
  }
  // The coordinator comes back: now everyone learns the outcome.
  run.sim.restart("co");
  run.sim.run(2000);
  expectSafe(run);
  expectEveryoneDecided(run);
});

ex.scripted("a coordinator that crashes right after deciding tells everyone the same decision when it restarts", { runs: 3 }, (lab) => {
  // Votes arrive at t=20 and the coordinator decides then; its decision messages are cut off, then it crashes.
  const run = twoPC(lab, ["yes", "yes"], {
    network: { delayMs: [5, 5] },
    schedule: [
      { at: 19, op: "partition-oneway", from: ["co"], to: ["p1", "p2"] },
      { at: 21, op: "heal" },
    ],
  });
  run.sim.runUntil(20);
  const decided = decisionsOf(run.sim, "co");
  run.sim.crash("co");
  run.sim.run(500);
  run.sim.restart("co");
  run.sim.run(2000);
  expectSafe(run);
  expectEveryoneDecided(run);
  expectThat(decided.length > 0 && decided[0] === "commit", PROPERTY.commitWhenAllYes, () => `the coordinator had decided ${decided.join(", ") || "nothing"} by t=20 ms, when both yes votes had arrived`);
});

const NODES = ["co", "p1", "p2", "p3"];

ex.generative(
  "under crashes, partitions, loss, duplication and reordering, decisions agree, stick and need every yes; after healing everyone decides",
  {
    runs: 80,
    schedule: scheduleArb({ nodes: NODES, durationMs: 1500, kinds: ["crash", "restart", "partition", "heal", "network"], maxOps: 8, maxDrop: 0.3, maxDuplicate: 0.3, maxDelayMs: 60 }),
  },
  (lab, schedule) => {
    const votes: Vote[] = ["yes", "yes", lab.seed % 4 === 0 ? "no" : "yes"];
    const run = twoPC(lab, votes, { network: { tail: 0.1, tailMs: [40, 200] }, schedule: [...schedule, ...quiesce(1500, NODES)] });
    run.sim.run(6000);
    expectSafe(run);
    if (run.begun()) expectEveryoneDecided(run);
  },
);

/** The search does not depend on the seed: run it once per configuration, however many runs are asked for. */
const explored = new Map<string, ClusterExploreReport>();

/** Explores every interleaving of a coordinator and two participants (both vote yes) up to a depth. */
function exhaustive(lab: Lab, faults: ClusterFaults, maxDepth: number): void {
  const participants = ["p1", "p2"];
  const key = JSON.stringify([faults, maxDepth]);
  const report = explored.get(key) ?? exploreCluster({
    setup: () => ({
      nodes: nodesFor(["yes", "yes"]),
      start: (w) => w.call<TPC.Coordinator, void>("co", "begin", (n) => n.begin(TX, participants)),
    }),
    faults,
    loseUnsynced: true,
    maxDepth,
    maxStates: 50_000,
    invariants: [
      {
        name: "safety",
        check: (v) => checkCommitSafety(v.outputs, participants) ?? true,
      },
    ],
  });
  explored.set(key, report);
  expectExplorationSafe(lab, report);
}

ex.scripted("exhaustive search, coordinator + 2 participants: every order of the first 6 events, with any one crash, keeps decisions safe", { runs: 1 }, (lab) => {
  exhaustive(lab, { crashes: 1, drop: false, duplicate: false }, 7);
});

ex.scripted("exhaustive search, coordinator + 2 participants: every order of the first 4 events, with lost and duplicated messages, keeps decisions safe", { runs: 1 }, (lab) => {
  exhaustive(lab, { crashes: 0, drop: true, duplicate: true }, 5);
});
