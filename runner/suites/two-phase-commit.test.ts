// Suite for `two-phase-commit`: a coordinator and participants with durable
// logs. Graded by
//   - short stories with the learner's coordinator and participants;
//   - the protocol's rules one at a time, each driven by puppet peers that
//     send exactly the messages that test it (stale, duplicated and late ones
//     included): the coordinator's and the participant's rules of two-phase
//     commit and of their recovery (Gray & Lamport, "Consensus on Transaction
//     Commit", 2006, §3; Bernstein, Hadzilacos & Goodman, "Concurrency Control
//     and Recovery in Database Systems", 1987, ch. 7);
//   - random fault schedules (crashes at every step and again during
//     recovery, loss, duplicated replies, delays far beyond the timeouts,
//     partitions), with many participants under names of every shape;
//   - exhaustive search of every interleaving of a coordinator and two
//     participants.
// Outputs are the specification: every vote and every decision is output
// once, by the node it belongs to, and traffic stops once the work is done.

import { checkCommitSafety, PROPERTY } from "../check/atomicCommit.ts";
import { expectThat, outputEvent } from "../check/violation.ts";
import type { ClusterFaults } from "../sim/exploreCluster.ts";
import { quiesce, scheduleArb, type FaultOp, type NodeFactory, type NodeId, type Simulation } from "../sim/index.ts";
import type { MessageRule, NetworkConfig } from "../sim/network.ts";
import { exercise, type Lab } from "./harness/exercise.ts";
import { crashStormArb, crashStormEnd, type CrashStormOptions } from "./support/crashStorm.ts";
import { exhaustiveSearches } from "./support/exhaustive.ts";
import { puppet, Puppets } from "./support/puppet.ts";
import { expectQuiet } from "./support/quiescence.ts";
import { COORDINATOR, commitNodes, decisionsOf, expectEveryoneDecided, expectSimSafe, outputsByNode, ResourceManagers, votesOf, type Decision, type TpcMsg, type Vote } from "./support/twoPhaseCommit.ts";
import type * as TPC from "../../exercises/two-phase-commit/twoPhaseCommit.ts";

const ex = await exercise<typeof TPC>("two-phase-commit", "twoPhaseCommit.ts");
const { RETRY_MS, VOTE_TIMEOUT_MS } = ex.impl;

const TX = "t1";
const CO = COORDINATOR;

// ---------------------------------------------------------------------------
// Stories: the learner's coordinator and participants together.

interface Run {
  sim: Simulation;
  /** The participants of each transaction begun. */
  txs: Record<string, NodeId[]>;
  /** Transactions the harness managed to begin (the coordinator was up). */
  begun: Set<string>;
}

interface RunOptions {
  network?: Partial<NetworkConfig>;
  messageRule?: MessageRule;
  schedule?: FaultOp[];
}

interface TxPlan {
  tx: string;
  participants: NodeId[];
  at: number;
}

/**
 * A coordinator and the learner's participants; each transaction begins at its
 * time if the coordinator is up. `votes` scripts each resource manager.
 */
function commitRun(lab: Lab, nodes: readonly NodeId[], plans: readonly TxPlan[], votes: (node: NodeId, tx: string) => Vote, opts: RunOptions = {}): Run {
  const rms = new ResourceManagers(votes);
  const sim = lab.simulation({ nodes: commitNodes(ex.impl, nodes, rms), network: opts.network, messageRule: opts.messageRule, schedule: opts.schedule, disk: { loseUnsynced: true } });
  const run: Run = { sim, txs: {}, begun: new Set() };
  for (const p of plans) {
    run.txs[p.tx] = p.participants;
    sim.at(p.at, () => {
      if (sim.status(CO) !== "up") return;
      sim.call<TPC.Coordinator, void>(CO, "begin", (n) => n.begin(p.tx, p.participants));
      run.begun.add(p.tx);
    });
  }
  return run;
}

/** One transaction t1 at t=10 ms over p1… with these votes. */
function twoPC(lab: Lab, votes: readonly Vote[], opts: RunOptions = {}): Run {
  const ps = votes.map((_, i) => `p${i + 1}`);
  return commitRun(lab, ps, [{ tx: TX, participants: ps, at: 10 }], (node) => votes[ps.indexOf(node)]!, opts);
}

function expectRunSafe(run: Run): void {
  expectSimSafe(run.sim, run.txs);
}

function expectAllDecided(run: Run): void {
  for (const tx of run.begun) expectEveryoneDecided(outputsByNode(run.sim), tx, run.txs[tx]!);
}

function expectAll(run: Run, decision: Decision): void {
  for (const node of [CO, ...run.txs[TX]!]) {
    const ds = decisionsOf(run.sim, node);
    // A wrong decision is the event to look at; a missing one shows at the end of the run.
    const wrong = run.sim.outputsOf<TPC.Out>(node).find((o) => o.value.type === "decided" && o.value.decision !== decision);
    expectThat(ds.length > 0 && ds.every((d) => d === decision), decision === "commit" ? PROPERTY.commitWhenAllYes : "a no vote aborts the transaction everywhere", () => `${node} decided ${ds.length ? ds.join(", ") : "nothing"}, expected ${decision}`, wrong ? outputEvent(wrong) : undefined);
  }
}

ex.scripted("with no faults and every vote yes, everyone commits", { runs: 3 }, (lab) => {
  const run = twoPC(lab, ["yes", "yes", "yes"]);
  run.sim.run(2000);
  expectRunSafe(run);
  expectAll(run, "commit");
  expectQuiet(run.sim, run.sim.nodeIds, 2000, "every participant has acknowledged the decision");
});

ex.scripted("one no vote aborts the transaction everywhere", { runs: 3 }, (lab) => {
  const run = twoPC(lab, ["yes", "no", "yes"]);
  run.sim.run(2000);
  expectRunSafe(run);
  expectAll(run, "abort");
  expectQuiet(run.sim, run.sim.nodeIds, 2000, "every participant has acknowledged the decision");
});

ex.scripted("participants prepared when the coordinator dies wait for it: they block, they do not guess", { runs: 2 }, (lab) => {
  // Every message takes exactly 5 ms: prepares arrive at t=15, votes would arrive at t=20.
  const run = twoPC(lab, ["yes", "yes"], { network: { delayMs: [5, 5] }, schedule: [{ at: 17, op: "crash", node: CO }] });
  run.sim.run(3000);
  expectRunSafe(run);
  for (const p of run.txs[TX]!) {
    expectThat(votesOf(run.sim, p).join() === "yes", "each participant votes as its resource manager says", () => `${p} output votes ${JSON.stringify(votesOf(run.sim, p))}, expected one yes`);
    const ds = decisionsOf(run.sim, p);
    expectThat(ds.length === 0, "a prepared participant does not decide on its own while the coordinator is down (it cannot know what the coordinator decided)", () => `${p} decided ${ds.join(", ")} while the coordinator was down`);
  }
  // The coordinator comes back: now everyone learns the outcome.
  run.sim.restart(CO);
  run.sim.run(2000);
  expectRunSafe(run);
  expectAllDecided(run);
  expectQuiet(run.sim, run.sim.nodeIds, 2000, "everyone has decided");
});

ex.scripted("a coordinator that crashes right after deciding tells everyone the same decision when it restarts", { runs: 3 }, (lab) => {
  // Votes arrive at t=20 and the coordinator decides then; its decision messages are cut off, then it crashes.
  const run = twoPC(lab, ["yes", "yes"], {
    network: { delayMs: [5, 5] },
    schedule: [
      { at: 19, op: "partition-oneway", from: [CO], to: ["p1", "p2"] },
      { at: 21, op: "heal" },
    ],
  });
  run.sim.runUntil(20);
  const decided = decisionsOf(run.sim, CO);
  run.sim.crash(CO);
  run.sim.run(500);
  run.sim.restart(CO);
  run.sim.run(2000);
  expectRunSafe(run);
  expectAllDecided(run);
  expectThat(decided.length > 0 && decided[0] === "commit", PROPERTY.commitWhenAllYes, () => `the coordinator had decided ${decided.join(", ") || "nothing"} by t=20 ms, when both yes votes had arrived`);
});

// ---------------------------------------------------------------------------
// The coordinator's rules: the learner's coordinator, puppet participants.

/** The learner's coordinator "co"; p1, p2, p3 and a bystander x are puppets. */
class CoordinatorRig {
  readonly sim: Simulation;
  readonly puppets: Puppets<TpcMsg>;
  readonly participants = ["p1", "p2", "p3"];
  constructor(lab: Lab) {
    const nodes: Record<NodeId, NodeFactory> = { [CO]: ex.impl.createCoordinator as NodeFactory };
    for (const p of [...this.participants, "x"]) nodes[p] = puppet;
    this.sim = lab.simulation({ nodes, network: { delayMs: [1, 8] }, disk: { loseUnsynced: true } });
    this.puppets = new Puppets(this.sim);
    this.sim.run(10);
  }
  begin(tx = TX, participants: readonly NodeId[] = this.participants): void {
    this.sim.call<TPC.Coordinator, void>(CO, "begin", (n) => n.begin(tx, participants));
    this.sim.run(20);
  }
  /** Puppet `p` sends `msg` to the coordinator, then time moves on `ms`. */
  say(p: NodeId, msg: TpcMsg, ms = 20): void {
    this.puppets.say(p, CO, msg);
    this.sim.run(ms);
  }
  vote(p: NodeId, vote: Vote, tx = TX): void {
    this.say(p, { type: "vote", tx, vote });
  }
  decided(tx = TX): Decision[] {
    return decisionsOf(this.sim, CO, tx);
  }
  /** The decisions puppet `p` has been sent about `tx`. */
  told(p: NodeId, tx = TX): Decision[] {
    return this.puppets.heard(p, "decision").filter((h) => h.msg.tx === tx).map((h) => h.msg.decision);
  }
  prepared(p: NodeId): string[] {
    return this.puppets.heard(p, "prepare").map((h) => h.msg.tx);
  }
  /** Every puppet acknowledges every decision it hears from now on. */
  autoAck(): void {
    for (const p of [...this.participants, "x"]) this.puppets.of(p).reply = (_from, m) => (m.type === "decision" ? { type: "ack", tx: m.tx } : undefined);
  }
}

ex.scripted("coordinator: it prepares exactly the participants it was given, for each transaction (Gray & Lamport 2006, §3)", { runs: 2 }, (lab) => {
  const r = new CoordinatorRig(lab);
  r.begin(TX, ["p1", "p2", "p3"]);
  r.begin("t 2", ["p2"]);
  r.sim.run(20);
  for (const p of r.participants) expectThat(r.prepared(p).includes(TX), "the coordinator sends prepare to every participant of the transaction", () => `${p} heard prepares for ${JSON.stringify(r.prepared(p))} after begin("${TX}", [p1, p2, p3])`, r.sim.now);
  expectThat(r.prepared("p2").includes("t 2"), "the coordinator sends prepare to every participant of the transaction", () => `p2 heard prepares for ${JSON.stringify(r.prepared("p2"))} after begin("t 2", [p2])`, r.sim.now);
  for (const p of ["p1", "p3", "x"]) {
    const wrong = r.prepared(p).filter((tx) => (p === "x" ? true : tx === "t 2"));
    expectThat(wrong.length === 0, "the coordinator prepares only the participants it was given (other nodes are not part of the transaction)", () => `${p} was sent prepare for ${JSON.stringify(wrong)}`, r.sim.now);
  }
});

ex.scripted("coordinator: commit needs a yes from every participant it named — repeated votes and votes from other nodes do not count (Gray & Lamport 2006, §3)", { runs: 2 }, (lab) => {
  const r = new CoordinatorRig(lab);
  r.begin();
  r.vote("p1", "yes");
  r.vote("p1", "yes"); // a duplicate
  r.vote("x", "yes"); //  not a participant
  r.vote("p2", "yes");
  r.sim.run(20);
  expectThat(r.decided().length === 0, "commit needs a yes from every participant named in begin(); p3 has not voted", () => `the coordinator decided ${r.decided().join(", ")} with yes votes from p1 (twice), x and p2 only`, r.sim.now);
  r.vote("p3", "yes", TX);
  r.sim.run(30);
  expectThat(r.decided().join() === "commit", PROPERTY.commitWhenAllYes, () => `after yes votes from p1, p2 and p3 the coordinator output ${JSON.stringify(r.decided())}`, r.sim.now);
  for (const p of r.participants) expectThat(r.told(p).includes("commit"), "the coordinator tells every participant its decision", () => `${p} was told ${JSON.stringify(r.told(p))}`, r.sim.now);
});

ex.scripted("coordinator: one no vote aborts; votes that arrive after the decision change nothing (Gray & Lamport 2006, §3)", { runs: 2 }, (lab) => {
  const r = new CoordinatorRig(lab);
  r.begin();
  r.vote("p1", "yes");
  r.vote("p2", "no");
  r.sim.run(20);
  expectThat(r.decided().join() === "abort", "a no vote aborts the transaction", () => `after p1 yes and p2 no the coordinator output ${JSON.stringify(r.decided())}`, r.sim.now);
  r.vote("p3", "yes");
  r.vote("p2", "yes"); // stale, and contradicting: the decision stands
  r.sim.run(100);
  expectThat(r.decided().join() === "abort", PROPERTY.decidedOnce, () => `after late votes the coordinator's decisions are ${JSON.stringify(r.decided())}`, r.sim.now);
  expectThat(r.told("p1").length > 0 && r.told("p1").every((d) => d === "abort"), "a participant that voted yes is told the decision, abort included (it is waiting for it)", () => `p1 was told ${JSON.stringify(r.told("p1"))}`, r.sim.now);
});

ex.scripted("coordinator: votes that do not all arrive in time abort the transaction, and a late yes changes nothing (VOTE_TIMEOUT_MS)", { runs: 2 }, (lab) => {
  const r = new CoordinatorRig(lab);
  r.begin();
  r.vote("p1", "yes");
  r.vote("p2", "yes");
  r.sim.run(VOTE_TIMEOUT_MS + 200);
  expectThat(r.decided().join() === "abort", `a coordinator that has not heard every vote within VOTE_TIMEOUT_MS (${VOTE_TIMEOUT_MS} ms) aborts`, () => `p3 never voted; after ${VOTE_TIMEOUT_MS + 200} ms the coordinator's decisions are ${JSON.stringify(r.decided())}`, r.sim.now);
  r.vote("p3", "yes"); // far too late
  r.sim.run(200);
  expectThat(r.decided().join() === "abort", PROPERTY.decidedOnce, () => `after p3's late yes the coordinator's decisions are ${JSON.stringify(r.decided())}`, r.sim.now);
  for (const p of ["p1", "p2", "p3"]) expectThat(r.told(p).every((d) => d === "abort"), PROPERTY.agreement, () => `${p} was told ${JSON.stringify(r.told(p))}`, r.sim.now);
});

ex.scripted("coordinator: the decision is forced before anyone hears it — crashed right after deciding, it says the same after restart, and does not decide again (Bernstein et al. 1987, ch. 7)", { runs: 3 }, (lab) => {
  const r = new CoordinatorRig(lab);
  r.begin();
  r.vote("p1", "yes");
  r.vote("p2", "yes");
  r.puppets.say("p3", CO, { type: "vote", tx: TX, vote: "yes" });
  const decided = r.sim.runUntilTrue(() => r.decided().length > 0, 200);
  expectThat(decided, PROPERTY.commitWhenAllYes, () => `every participant voted yes and the coordinator output ${JSON.stringify(r.decided())}`, r.sim.now);
  r.sim.crash(CO); // at once: whatever was not forced to disk is gone
  r.sim.run(200);
  r.sim.restart(CO);
  r.sim.run(400);
  for (const p of r.participants) {
    const told = r.told(p);
    expectThat(told.length > 0 && told.every((d) => d === "commit"), "a decision on disk is the decision: after a restart the coordinator resends it, unchanged, to every participant that has not acknowledged it", () => `${p} was told ${JSON.stringify(told)}`, r.sim.now);
  }
  // Participants in doubt ask, too: the answer comes from the same log.
  const before = r.told("p2").length;
  r.say("p2", { type: "status", tx: TX }, 40);
  const answers = r.told("p2").slice(before);
  expectThat(answers.length > 0 && answers.every((d) => d === "commit"), "after a restart, a status question is answered from the decision on disk", () => `p2 asked after the restart and was told ${JSON.stringify(answers)}`, r.sim.now);
  expectThat(r.decided().join() === "commit", PROPERTY.decidedOnce, () => `the coordinator output ${JSON.stringify(r.decided())} (it decided before the crash; recovery resends the decision, it does not decide again)`, r.sim.now);
});

ex.scripted("coordinator: a decision is resent until each participant acknowledges it, and only until then", { runs: 2 }, (lab) => {
  const r = new CoordinatorRig(lab);
  r.begin();
  for (const p of r.participants) r.vote(p, "yes");
  r.sim.run(12 * RETRY_MS);
  for (const p of r.participants) expectThat(r.told(p).length >= 3, `an unacknowledged decision is resent (every RETRY_MS = ${RETRY_MS} ms or so)`, () => `${p} did not acknowledge and was told the decision ${r.told(p).length} time(s) in ${12 * RETRY_MS} ms`, r.sim.now);
  r.say("p1", { type: "ack", tx: TX }, 3 * RETRY_MS);
  const p1Before = r.told("p1").length;
  const p2Before = r.told("p2").length;
  r.sim.run(10 * RETRY_MS);
  expectThat(r.told("p1").length === p1Before, "a participant that acknowledged is not sent the decision again", () => `after p1's ack it was told ${r.told("p1").length - p1Before} more time(s)`, r.sim.now);
  expectThat(r.told("p2").length > p2Before, "the others, which have not acknowledged, still are", () => `p2 has not acknowledged, and was not told again in ${10 * RETRY_MS} ms`, r.sim.now);
  r.say("p2", { type: "ack", tx: TX });
  r.say("p3", { type: "ack", tx: TX });
  r.say("p3", { type: "ack", tx: TX }, 3 * RETRY_MS); // a duplicated ack is harmless
  expectQuiet(r.sim, [CO], 2000, "every participant has acknowledged the decision");
});

ex.scripted("coordinator: a restarted coordinator settles every transaction it began but had not decided, and tells the participants (Bernstein et al. 1987, ch. 7)", { runs: 2 }, (lab) => {
  const r = new CoordinatorRig(lab);
  r.begin();
  r.vote("p1", "yes");
  r.sim.crash(CO); // the yes was in memory only
  r.sim.run(100);
  r.autoAck();
  // After the restart the puppets vote yes again if asked (a coordinator may re-prepare), and acknowledge decisions.
  for (const p of r.participants) {
    const ack = r.puppets.of(p).reply!;
    r.puppets.of(p).reply = (from, m) => (m.type === "prepare" ? { type: "vote", tx: m.tx, vote: "yes" } : ack(from, m));
  }
  const restartedAt = r.sim.now;
  r.sim.restart(CO);
  r.sim.run(1000);
  const ds = r.decided();
  if (ds[0] === "commit")
    for (const p of r.participants)
      expectThat(r.puppets.heard(p, "prepare").some((h) => h.t >= restartedAt), PROPERTY.validity, () => `the restarted coordinator committed ${TX} without asking ${p} for its vote again (the yes it had heard was in memory)`, r.sim.now);
  expectThat(ds.length === 1, "a restarted coordinator decides every transaction it began and had not decided (the votes it held in memory are gone: it may abort, or ask again)", () => `after the restart the coordinator's decisions on ${TX} are ${JSON.stringify(ds)}`, r.sim.now);
  for (const p of r.participants) expectThat(r.told(p).length > 0 && r.told(p).every((d) => d === ds[0]), "the coordinator tells every participant its decision", () => `${p} was told ${JSON.stringify(r.told(p))}; the coordinator decided ${ds[0]}`, r.sim.now);
});

ex.scripted("coordinator: a status question gets the decision on disk; about a transaction never begun, abort (presumed abort); while still undecided, nothing it will contradict", { runs: 2 }, (lab) => {
  const r = new CoordinatorRig(lab);
  r.begin();
  r.vote("p1", "yes");
  // p1 is in doubt and asks, while p2 and p3 have not voted yet.
  r.say("p1", { type: "status", tx: TX });
  r.vote("p2", "yes");
  r.vote("p3", "yes");
  r.sim.run(50);
  const ds = r.decided();
  expectThat(ds.length === 1, "the coordinator decides a transaction once every participant has voted", () => `its decisions are ${JSON.stringify(ds)}`, r.sim.now);
  expectThat(r.told("p1").every((d) => d === ds[0]), "every answer the coordinator gives is its one decision: a question asked before it has decided gets no answer it will later contradict", () => `p1 asked while votes were still coming in and was told ${JSON.stringify(r.told("p1"))}; the coordinator then decided ${ds[0]}`, r.sim.now);
  const before = r.told("p2").length;
  r.say("p2", { type: "status", tx: TX });
  expectThat(r.told("p2").length > before && r.told("p2").at(-1) === ds[0], "a participant that asks about a decided transaction is told the decision", () => `p2 asked and was told ${JSON.stringify(r.told("p2").slice(before))}`, r.sim.now);
  r.say("p3", { type: "status", tx: "t9" });
  expectThat(r.told("p3", "t9").join() === "abort", "asked about a transaction it never began, the coordinator answers abort (it cannot have committed it: presumed abort)", () => `p3 asked about t9 and was told ${JSON.stringify(r.told("p3", "t9"))}`, r.sim.now);
});

// ---------------------------------------------------------------------------
// The participant's rules: the learner's participant p1, a puppet coordinator.

class ParticipantRig {
  readonly sim: Simulation;
  readonly puppets: Puppets<TpcMsg>;
  readonly rms: ResourceManagers;
  constructor(lab: Lab, vote: Vote = "yes") {
    this.rms = new ResourceManagers(() => vote);
    this.sim = lab.simulation({ nodes: commitNodes(ex.impl, ["p1"], this.rms, { [CO]: puppet as NodeFactory }), network: { delayMs: [1, 8] }, disk: { loseUnsynced: true } });
    this.puppets = new Puppets(this.sim);
    this.sim.run(10);
  }
  /** The puppet coordinator sends `msg` to p1, then time moves on `ms`. */
  say(msg: TpcMsg, ms = 20): void {
    this.puppets.say(CO, "p1", msg);
    this.sim.run(ms);
  }
  /** What p1 has sent the coordinator, of one type, about `tx`. */
  heard<T extends TpcMsg["type"]>(type: T, tx = TX): Extract<TpcMsg, { type: T }>[] {
    return this.puppets.heard(CO, type).filter((h) => h.msg.tx === tx).map((h) => h.msg);
  }
  askedRm(tx = TX): number {
    return this.rms.asked.filter((a) => a.tx === tx).length;
  }
  bounce(downMs = 50): void {
    this.sim.crash("p1");
    this.sim.run(downMs);
    this.sim.restart("p1");
  }
}

ex.scripted("participant: a yes is forced to disk before it is sent — after a crash the participant still says yes, without asking its resource manager again (Gray & Lamport 2006, §3)", { runs: 2 }, (lab) => {
  const r = new ParticipantRig(lab);
  r.say({ type: "prepare", tx: TX });
  expectThat(r.heard("vote").map((v) => v.vote).join() === "yes", "a participant votes as its resource manager says", () => `p1 sent votes ${JSON.stringify(r.heard("vote"))}`, r.sim.now);
  r.bounce(); // right after voting: only what was forced survives
  r.say({ type: "prepare", tx: TX }, 40); // the coordinator never got the vote, and asks again
  const vs = r.heard("vote").map((v) => v.vote);
  expectThat(vs.join() === "yes,yes", "a repeated prepare after a crash gets the yes already promised (it was on disk before it was sent)", () => `p1 sent votes ${JSON.stringify(vs)}; a participant that forgets its yes can no longer keep it`, r.sim.now);
  expectThat(r.askedRm() === 1, "a participant asks its resource manager once per transaction: the answer is a promise, kept on disk", () => `the resource manager was asked ${r.askedRm()} times about ${TX}`, r.sim.now);
  expectThat(votesOf(r.sim, "p1").join() === "yes", PROPERTY.votedOnce, () => `p1 output votes ${JSON.stringify(votesOf(r.sim, "p1"))}`, r.sim.now);
});

ex.scripted("participant: a repeated prepare gets the vote already made — yes or no — and no new vote (Gray & Lamport 2006, §3)", { runs: 2 }, (lab) => {
  for (const vote of ["yes", "no"] as const) {
    const r = new ParticipantRig(lab, vote);
    r.say({ type: "prepare", tx: TX });
    r.say({ type: "prepare", tx: TX });
    r.say({ type: "prepare", tx: TX });
    const vs = r.heard("vote").map((v) => v.vote);
    expectThat(vs.length === 3 && vs.every((v) => v === vote), "every copy of a prepare is answered with the vote already made (the earlier answer may have been lost)", () => `three prepares, resource manager says ${vote}: p1 sent votes ${JSON.stringify(vs)}`, r.sim.now);
    expectThat(votesOf(r.sim, "p1").join() === vote && r.askedRm() === 1, PROPERTY.votedOnce, () => `p1 output votes ${JSON.stringify(votesOf(r.sim, "p1"))} and asked its resource manager ${r.askedRm()} times`, r.sim.now);
    if (vote === "no") expectThat(decisionsOf(r.sim, "p1").join() === "abort", "a participant that votes no aborts (before a yes it may decide on its own)", () => `p1 voted no and output decisions ${JSON.stringify(decisionsOf(r.sim, "p1"))}`, r.sim.now);
  }
});

ex.scripted("participant: after a yes it never decides on its own, however long the coordinator is silent", { runs: 2 }, (lab) => {
  const r = new ParticipantRig(lab);
  r.say({ type: "prepare", tx: TX });
  r.sim.run(10_000);
  expectThat(decisionsOf(r.sim, "p1").length === 0, "a participant that voted yes has given up its right to decide: it waits for the coordinator", () => `p1 output ${JSON.stringify(decisionsOf(r.sim, "p1"))} while the coordinator said nothing for 10 s`, r.sim.now);
  expectThat(r.heard("status").length >= 2, "a participant in doubt keeps asking the coordinator ({type: \"status\"})", () => `p1 asked ${r.heard("status").length} time(s) in 10 s`, r.sim.now);
});

ex.scripted("participant: in doubt after a restart, it asks the coordinator for the outcome, and keeps asking (Bernstein et al. 1987, ch. 7)", { runs: 2 }, (lab) => {
  const r = new ParticipantRig(lab);
  r.say({ type: "prepare", tx: TX });
  r.sim.run(200);
  const before = r.heard("status").length;
  r.bounce();
  r.sim.run(1000);
  const asked = r.heard("status").length - before;
  expectThat(asked >= 2, "a participant that restarts prepared asks the coordinator what was decided, and asks again until it knows (the coordinator may not resend on its own)", () => `after its restart p1 asked ${asked} time(s) in 1 s`, r.sim.now);
  expectThat(decisionsOf(r.sim, "p1").length === 0, "a participant that voted yes has given up its right to decide: it waits for the coordinator", () => `p1 output ${JSON.stringify(decisionsOf(r.sim, "p1"))}`, r.sim.now);
});

ex.scripted("participant: a decision is applied once and every copy is acknowledged, across restarts; then it stops asking", { runs: 2 }, (lab) => {
  const r = new ParticipantRig(lab);
  r.say({ type: "prepare", tx: TX });
  for (let i = 0; i < 3; i++) r.say({ type: "decision", tx: TX, decision: "commit" });
  expectThat(decisionsOf(r.sim, "p1").join() === "commit", PROPERTY.decidedOnce, () => `three copies of commit: p1 output ${JSON.stringify(decisionsOf(r.sim, "p1"))}`, r.sim.now);
  expectThat(r.heard("ack").length === 3, "every copy of a decision is acknowledged (the coordinator resends until it hears an ack, and acks get lost)", () => `three copies of the decision, ${r.heard("ack").length} ack(s)`, r.sim.now);
  r.bounce();
  r.sim.run(100);
  r.say({ type: "decision", tx: TX, decision: "commit" });
  expectThat(decisionsOf(r.sim, "p1").join() === "commit", PROPERTY.decidedOnce, () => `after a restart and another copy: p1 output ${JSON.stringify(decisionsOf(r.sim, "p1"))}`, r.sim.now);
  expectThat(r.heard("ack").length === 4, "every copy of a decision is acknowledged, after a restart too", () => `four copies of the decision, ${r.heard("ack").length} ack(s)`, r.sim.now);
  expectQuiet(r.sim, ["p1"], 2000, "the participant knows the outcome");
});

ex.scripted("participant: a decision about a transaction it never heard of (its prepare was lost) is applied and acknowledged", { runs: 2 }, (lab) => {
  const r = new ParticipantRig(lab);
  r.say({ type: "decision", tx: "t/7", decision: "abort" });
  expectThat(decisionsOf(r.sim, "p1", "t/7").join() === "abort" && r.heard("ack", "t/7").length === 1, "a participant whose prepare was lost learns the abort like everyone else, and acknowledges it", () => `p1 output ${JSON.stringify(decisionsOf(r.sim, "p1"))} and sent ${r.heard("ack", "t/7").length} ack(s)`, r.sim.now);
});

ex.scripted("participant: transactions are independent — a decision on one settles only that one, whatever their ids look like", { runs: 2 }, (lab) => {
  const r = new ParticipantRig(lab);
  const ids = ["t 10", "t:2", "t/3"];
  for (const tx of ids) r.say({ type: "prepare", tx });
  r.say({ type: "decision", tx: "t:2", decision: "commit" });
  r.sim.run(2000);
  const ds = sortedDecisions(r.sim, "p1");
  expectThat(ds === JSON.stringify([["t:2", "commit"]]), "a decision settles its own transaction only", () => `p1 decided ${ds}`, r.sim.now);
  const recent = (tx: string) => r.puppets.heard(CO, "status").filter((h) => h.msg.tx === tx && h.t > r.sim.now - 1000).length;
  for (const tx of ["t 10", "t/3"]) expectThat(recent(tx) > 0, "a participant in doubt keeps asking about each undecided transaction", () => `p1 stopped asking about ${JSON.stringify(tx)}`, r.sim.now);
  expectThat(recent("t:2") === 0, "a participant stops asking about a transaction once it knows the outcome", () => `p1 still asks about "t:2" after applying its commit`, r.sim.now);
});

function sortedDecisions(sim: Simulation, node: NodeId): string {
  return JSON.stringify(sim.outputsOf<TPC.Out>(node).flatMap((o) => (o.value.type === "decided" ? [[o.value.tx, o.value.decision]] : [])));
}

// ---------------------------------------------------------------------------
// Schedules: random faults, then healing; safety throughout, termination and
// quiet after.
//
// Seed policy (the runs below). Set by measurement, 2026-12-06: the blind set
// of learner bugs and every mutant were graded at base seeds 1 to 10. Every
// one is caught at all ten: most by a rule test above (those do not depend on
// the seed), the rest by these scenarios at every seed. When a new bug is
// caught at some seeds and not others, raise the runs of the scenarios that
// catch it until it is caught at all ten, and keep `grade two-phase-commit`
// within 5 s (grade --json reports durationMs; npm run bench).

/** After the faults end at `faultyMs`: time to settle, then a quiet window. */
function settleAndCheck(run: Run, faultyMs: number, nodes: readonly NodeId[]): void {
  run.sim.runUntil(faultyMs + 3000);
  expectRunSafe(run);
  expectAllDecided(run);
  expectQuiet(run.sim, [CO, ...nodes], 2000, "every transaction is decided and acknowledged");
  expectRunSafe(run);
}

const NODES = [CO, "p1", "p2", "p3"];

ex.generative(
  "under crashes, partitions, loss, duplication and reordering, decisions agree, stick, need every yes and are output once; after healing everyone decides and the traffic stops",
  {
    runs: 80,
    schedule: scheduleArb({ nodes: NODES, durationMs: 1500, kinds: ["crash", "restart", "partition", "heal", "network"], maxOps: 8, maxDrop: 0.3, maxDuplicate: 0.3, maxDelayMs: 60 }),
  },
  (lab, schedule) => {
    const votes: Vote[] = ["yes", "yes", lab.seed % 4 === 0 ? "no" : "yes"];
    const run = twoPC(lab, votes, { network: { tail: 0.1, tailMs: [40, 200] }, schedule: [...schedule, ...quiesce(1500, NODES)] });
    settleAndCheck(run, 1500, ["p1", "p2", "p3"]);
  },
);

/** Twelve participants, named every which way, and transactions over different subsets of them. */
const MANY = ["p1", "p2", "p10", "p11", "alice", "bob", "db-3", "eu.west", "n0", "p 4", "ρ", "x/9"];
const MANY_TXS: TxPlan[] = [
  { tx: "t1", participants: MANY, at: 10 },
  { tx: "t 2", participants: ["p10", "p2", "alice"], at: 30 },
  { tx: "t/3", participants: ["bob", "p1", "x/9", "ρ"], at: 60 },
  { tx: "t:4", participants: ["p11"], at: 200 },
  { tx: "t5", participants: ["db-3", "eu.west", "n0", "p 4", "p10"], at: 500 },
];

ex.generative(
  "twelve participants with names of every shape, five overlapping transactions, crashes, loss, duplication and delays far beyond the timeouts: each transaction is atomic, involves only its participants, and ends",
  {
    runs: 30,
    schedule: scheduleArb({ nodes: [CO, ...MANY], durationMs: 1500, kinds: ["crash", "restart", "partition", "heal", "network"], maxOps: 8, maxDrop: 0.3, maxDuplicate: 0.5, maxDelayMs: 600 }),
  },
  (lab, schedule) => {
    // A few no votes, chosen by the seed.
    const votes = (node: NodeId, tx: string): Vote => ((lab.seed + node.length * 7 + tx.length) % 11 === 0 ? "no" : "yes");
    const run = commitRun(lab, MANY, MANY_TXS, votes, { network: { tail: 0.2, tailMs: [300, 900] }, schedule: [...schedule, ...quiesce(1500, [CO, ...MANY])] });
    settleAndCheck(run, 1500, MANY);
  },
);

/** Aimed at the coordinator, within the first few hundred ms, where the decisions are made. */
const STORM: CrashStormOptions = { nodes: NODES, durationMs: 400, weights: { [CO]: 3 }, maxCrashes: 6, shortDownMs: 120, longDownMs: 1200 };

ex.generative(
  "crashes right after decisions, during recovery and again after a long outage: decisions agree, stick and are output once, and everyone ends up deciding",
  { runs: 80, schedule: crashStormArb(STORM) },
  (lab, schedule) => {
    const votes: Vote[] = ["yes", "yes", lab.seed % 5 === 0 ? "no" : "yes"];
    const end = crashStormEnd(STORM);
    const run = twoPC(lab, votes, { network: { delayMs: [1, 15], duplicate: 0.1 }, schedule: [...schedule, ...quiesce(end, NODES)] });
    settleAndCheck(run, end, ["p1", "p2", "p3"]);
  },
);

ex.generative(
  "replies duplicated and delayed far beyond the timeouts (stale votes, acks and answers arriving late): decisions agree, are output once, and the traffic stops",
  {
    runs: 60,
    schedule: scheduleArb({ nodes: NODES, durationMs: 1500, kinds: ["crash", "restart", "partition", "heal"], maxOps: 4 }),
  },
  (lab, schedule) => {
    const votes: Vote[] = ["yes", "yes", lab.seed % 4 === 1 ? "no" : "yes"];
    // Until the faults end, everything a participant sends is often duplicated and sometimes held up for longer than the vote timeout.
    const late = { duplicate: 0.5, tail: 0.3, tailMs: [VOTE_TIMEOUT_MS, 3 * VOTE_TIMEOUT_MS] as const };
    const run: Run = twoPC(lab, votes, { network: { delayMs: [1, 20] }, messageRule: (from) => (from !== CO && run.sim.now < 1500 ? late : undefined), schedule: [...schedule, ...quiesce(1500, NODES)] });
    settleAndCheck(run, 1500 + 3 * VOTE_TIMEOUT_MS, ["p1", "p2", "p3"]);
  },
);

// ---------------------------------------------------------------------------
// Exhaustive search.

const expectEveryStateSafe = exhaustiveSearches();

/** Explores every interleaving of a coordinator and two participants (both vote yes) up to a depth. */
function exhaustive(lab: Lab, faults: ClusterFaults, maxDepth: number): void {
  const participants = ["p1", "p2"];
  expectEveryStateSafe(
    lab,
    JSON.stringify([faults, maxDepth]),
    {
      setup: () => ({
        nodes: commitNodes(ex.impl, participants, new ResourceManagers(() => "yes")),
        start: (w) => w.call<TPC.Coordinator, void>(CO, "begin", (n) => n.begin(TX, participants)),
      }),
      faults,
      loseUnsynced: true,
      maxDepth,
      maxStates: 50_000,
    },
    (v) => checkCommitSafety(v.outputs, participants),
  );
}

ex.scripted("exhaustive search, coordinator + 2 participants: every order of the first 6 events, with any one crash, keeps decisions safe", { runs: 1 }, (lab) => {
  exhaustive(lab, { crashes: 1, drop: false, duplicate: false }, 7);
});

ex.scripted("exhaustive search, coordinator + 2 participants: every order of the first 4 events, with lost and duplicated messages, keeps decisions safe", { runs: 1 }, (lab) => {
  exhaustive(lab, { crashes: 0, drop: true, duplicate: true }, 5);
});
