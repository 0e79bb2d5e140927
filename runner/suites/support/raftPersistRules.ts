// Persistence rules of the Raft paper (Ongaro & Ousterhout 2014, Figure 2:
// currentTerm, votedFor and log[] are "updated on stable storage before
// responding to RPCs"), one white-box scenario each. The node under test (n1)
// is crashed at the very event its answer leaves — before any later handler,
// a 0 ms timer included, can run — and restarted from its disk. Every
// scenario restarts n1 before it checks anything, so a worksheet whose
// raft-persist part is not written yet stops at its todo (not started).

import { expectThat } from "../../check/violation.ts";
import type { Exercise } from "../harness/exercise.ts";
import type { CreateRaft } from "./raft.ts";
import { appendEntries, heartbeat, Rig, vote } from "./raftRig.ts";

type Ex = Exercise<{ createRaft: CreateRaft }>;

export function persistRules(ex: Ex): void {
  const create = ex.impl.createRaft;

  ex.scripted("§5.1 a restarted node remembers its term and vote: it never votes twice in a term", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    r.say("n2", vote(3, "n2"));
    const a = r.lastTo("n2", "RequestVoteReply");
    expectThat(a?.voteGranted === true, "a node grants its vote to the first candidate of a term", () => `n1 answered ${JSON.stringify(a)}`, r.sim.now);
    r.sim.crash("n1");
    r.sim.restart("n1");
    r.sim.run(5);
    r.say("n3", vote(3, "n3"));
    const b = r.lastTo("n3", "RequestVoteReply");
    expectThat(b !== undefined && !b.voteGranted, "votedFor survives a crash: after a restart the node refuses a second candidate in the same term", () => `n1 voted for n2 in term 3, restarted, then answered n3 in term 3 with ${JSON.stringify(b)}`, r.sim.now);
    expectThat(r.state().term >= 3, "currentTerm survives a crash", () => `n1 was in term 3 and restarted into term ${r.state().term}`, r.sim.now);
  });

  ex.scripted("§5.1 a restarted node has its log back, and re-applies only what it learns is committed", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    r.append("n2", 1, 0, 0, [["a", 1], ["b", 1]], 1);
    r.sim.crash("n1");
    r.sim.restart("n1");
    r.sim.run(5);
    expectThat(r.log() === '[["a",1],["b",1]]', "the log survives a crash", () => `n1 had [["a",1],["b",1]] and restarted with ${r.log()}`, r.sim.now);
    r.append("n2", 1, 2, 1, [], 2);
    const applied = r.outputs().filter((v) => v.type === "applied");
    expectThat(applied.map((v) => (v.type === "applied" ? v.index : 0)).join() === "1,1,2", "after a restart committed entries are applied again from the start, in order", () => `n1's applied outputs were ${JSON.stringify(applied)}`, r.sim.now);
  });

  ex.scripted("Figure 2 (persistent state) votedFor is on disk before the vote leaves: a crash as it answers cannot make it vote twice", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    const hit = r.crashAsItAnswers(() => r.say("n2", vote(4, "n2"), 0));
    expectThat(hit && r.lastTo("n2", "RequestVoteReply")?.voteGranted === true, "a node grants its vote to the first candidate of a term", () => `n1 answered n2's RequestVote of term 4 with ${JSON.stringify(r.lastTo("n2", "RequestVoteReply"))}`, r.sim.now);
    r.say("n3", vote(4, "n3"));
    const b = r.lastTo("n3", "RequestVoteReply");
    expectThat(b !== undefined && !b.voteGranted, "the vote is written to disk before the reply that grants it is sent (a crash right after sending must not forget it)", () => `n1 granted n2 its vote for term 4, crashed as the reply left, restarted and answered n3 in term 4 with ${JSON.stringify(b)}`, r.sim.now);
  });

  ex.scripted("Figure 2 (persistent state) a candidate's new term and its vote for itself are on disk before its RequestVote leaves: a crash as it stands cannot make it vote for another in that term", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    const start = r.state().term;
    const before = r.sim.stats("n1").sent;
    r.crashRightAfter(() => r.sim.stats("n1").sent > before);
    const term = r.nextElection(start);
    r.crashRightAfter(() => false);
    expectThat(term !== null && !r.sim.isUp("n1"), "a node that hears from no leader stands for election (§5.2)", () => `n1 sent no RequestVote in its silence`, r.sim.now);
    r.sim.run(15);
    r.sim.restart("n1");
    r.sim.run(1);
    r.say("n2", vote(term!, "n2"));
    const b = r.lastTo("n2", "RequestVoteReply");
    expectThat(b !== undefined && !b.voteGranted, "a candidate writes its new term and its vote for itself to disk before asking for votes (a crash right after must not let it vote for someone else in that term: two leaders could win it)", () => `n1 stood in term ${term} (voting for itself), crashed as its RequestVotes left, restarted and answered n2's RequestVote of term ${term} with ${JSON.stringify(b)}`, r.sim.now);
  });

  ex.scripted("Figure 2 (persistent state) a newer term heard in any message is on disk before the node answers", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    const hit = r.crashAsItAnswers(() => r.say("n2", heartbeat(6, "n2"), 0));
    expectThat(hit, "a node answers every AppendEntries", () => "n1 sent nothing after a heartbeat of term 6", r.sim.now);
    r.say("n3", heartbeat(5, "n3"));
    const reply = r.lastTo("n3", "AppendEntriesReply");
    expectThat(r.state().term >= 6 && reply !== undefined && !reply.success && reply.term >= 6, "currentTerm is written to disk as soon as it changes, not only when the node votes or stands: after a restart a leader of an older term is refused", () => `n1 followed n2 in term 6, crashed as it answered, restarted in term ${r.state().term} and answered a term-5 AppendEntries with ${JSON.stringify(reply)}`, r.sim.now);
  });

  ex.scripted("Figure 2 (persistent state) entries are on disk before they are acknowledged, and so is a replaced suffix", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    const hit = r.crashAsItAnswers(() => r.say("n2", appendEntries(1, "n2", 0, 0, [["a", 1], ["b", 1], ["c", 1]]), 0));
    const ack = r.lastTo("n2", "AppendEntriesReply");
    expectThat(hit && ack?.success === true, "a follower accepts entries that follow its log", () => `n1 answered ${JSON.stringify(ack)}`, r.sim.now);
    expectThat(r.log() === '[["a",1],["b",1],["c",1]]', "entries are written to disk before the follower acknowledges them (the leader counts them as stored)", () => `n1 acknowledged 3 entries, crashed as the reply left, and restarted with ${r.log()}`, r.sim.now);
    // A new leader replaces entries 2–3.
    const hit2 = r.crashAsItAnswers(() => r.say("n3", appendEntries(2, "n3", 1, 1, [["x", 2]]), 0));
    const ack2 = r.lastTo("n3", "AppendEntriesReply");
    expectThat(hit2 && ack2?.success === true, "a follower accepts entries that follow its log", () => `n1 answered ${JSON.stringify(ack2)}`, r.sim.now);
    expectThat(r.log() === '[["a",1],["x",2]]', "a truncated and replaced suffix is written to disk before it is acknowledged (the old entries must not come back after a crash)", () => `n1 acknowledged [["a",1],["x",2]], crashed as the reply left, and restarted with ${r.log()}`, r.sim.now);
  });

  ex.scripted("§5.1 a node that crashes again during recovery, before hearing anything, still has its term, vote and log", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    r.append("n2", 2, 0, 0, [["a", 1], ["b", 2]]);
    r.say("n3", vote(3, "n3", 2, 2));
    for (let k = 0; k < 3; k++) {
      r.sim.crash("n1");
      r.sim.restart("n1");
      r.sim.run(1);
    }
    const v = r.view();
    expectThat(v.term === 3 && v.votedFor === "n3" && r.log() === '[["a",1],["b",2]]', "booting reads the disk and writes nothing that overwrites it: a crash during recovery loses nothing", () => `n1 had term 3, votedFor n3 and log [["a",1],["b",2]]; after three quick restarts it has term ${v.term}, votedFor ${v.votedFor} and log ${r.log()}`, r.sim.now);
  });
}
