// The log rules of the Raft paper (Ongaro & Ousterhout 2014: §5.3, §5.4 and
// Figure 2's AppendEntries receiver rules 1–5, RequestVote's up-to-date check
// and the Leaders' rules for nextIndex, matchIndex and commitIndex), one
// white-box scenario each, driven by puppet peers (raftRig.ts): as follower,
// n1 gets the AppendEntries a scenario writes; as leader, the replies.

import { expectThat } from "../../check/violation.ts";
import type { Exercise } from "../harness/exercise.ts";
import type { CreateRaft, RaftOut } from "./raft.ts";
import { acked, appendEntries, PATIENCE_MS, refused, Rig, vote } from "./raftRig.ts";

type Ex = Exercise<{ createRaft: CreateRaft }>;

export function logRules(ex: Ex): void {
  const create = ex.impl.createRaft;

  // -------------------------------------------------------------------------
  // RequestVote receiver, rule 2 (§5.4.1)

  ex.scripted("§5.4.1 a vote goes only to a candidate whose log is at least as up to date", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    r.append("n2", 1, 0, 0, [["a", 1], ["b", 1]]);
    r.say("n3", vote(2, "n3", 1, 1));
    const a = r.lastTo("n3", "RequestVoteReply");
    expectThat(a !== undefined && !a.voteGranted, "no vote for a candidate whose log is shorter (same last term)", () => `n1 holds 2 entries of term 1 and answered a candidate with 1 such entry: ${JSON.stringify(a)}`, r.sim.now);
    r.say("n3", vote(3, "n3", 9, 0));
    const b = r.lastTo("n3", "RequestVoteReply");
    expectThat(b !== undefined && !b.voteGranted, "no vote for a candidate whose last entry has an older term, however long its log", () => `n1's last entry has term 1; it answered a candidate with 9 entries of term 0: ${JSON.stringify(b)}`, r.sim.now);
    r.say("n3", vote(4, "n3", 1, 2));
    const c = r.lastTo("n3", "RequestVoteReply");
    expectThat(c?.voteGranted === true, "a vote for a candidate whose last entry has a newer term, even with a shorter log", () => `n1's last entry has term 1; it answered a candidate whose last entry has term 2 with ${JSON.stringify(c)}`, r.sim.now);
  });

  ex.scripted("§5.4.1 (Figure 2, Followers) refusing a candidate whose log is behind does not hold off the node's own election", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    r.append("n2", 1, 0, 0, [["a", 1]]);
    const t0 = r.sim.now;
    let stood = false;
    // n3, whose log is empty, keeps asking in term 2: always refused.
    while (!stood && r.sim.now - t0 < PATIENCE_MS) {
      r.say("n3", vote(2, "n3"), 50);
      stood = r.sends("RequestVote").length > 0;
    }
    expectThat(stood, "only a heartbeat from the current leader or a granted vote holds off an election; refusing a candidate does not", () => `n1 refused a candidate with a stale log every 50 ms and never stood for election in ${PATIENCE_MS} ms: no leader can ever be elected that way`, r.sim.now);
  });

  // -------------------------------------------------------------------------
  // AppendEntries receiver, rules 2–5 (§5.3)

  ex.scripted("§5.3 a follower refuses AppendEntries whose previous entry it lacks or holds with another term", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    r.append("n2", 1, 0, 0, [["a", 1], ["b", 1]]);
    const before = r.log();
    r.append("n2", 1, 5, 1, [["f", 1]]);
    const a = r.lastTo("n2", "AppendEntriesReply");
    expectThat(a !== undefined && !a.success, "AppendEntries is refused when the follower has no entry at prevLogIndex", () => `n1 has 2 entries and answered prevLogIndex 5 with ${JSON.stringify(a)}`, r.sim.now);
    expectThat(a!.conflictIndex >= 1 && a!.conflictIndex <= 3, "a refusal says where the leader should back up to (conflictIndex within the follower's log + 1)", () => `n1 has 2 entries and suggested conflictIndex ${a!.conflictIndex}`, r.sim.now);
    r.append("n3", 2, 2, 2, [["x", 2]]);
    const b = r.lastTo("n3", "AppendEntriesReply");
    expectThat(b !== undefined && !b.success, "AppendEntries is refused when the entry at prevLogIndex has another term", () => `n1's entry 2 has term 1; it answered prevLogTerm 2 with ${JSON.stringify(b)}`, r.sim.now);
    expectThat(r.log() === before, "a refused AppendEntries leaves the log as it was", () => `n1's log went from ${before} to ${r.log()}`, r.sim.now);
  });

  ex.scripted("§5.3 a conflicting entry and everything after it are deleted, then the leader's entries appended", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    r.append("n2", 1, 0, 0, [["a", 1], ["b", 1], ["c", 1]]);
    r.append("n3", 2, 1, 1, [["x", 2]]);
    const reply = r.lastTo("n3", "AppendEntriesReply");
    expectThat(reply?.success === true && reply.matchIndex === 2, "AppendEntries matching at prevLogIndex succeeds and reports the last index it covered", () => `n1 answered ${JSON.stringify(reply)}`, r.sim.now);
    expectThat(r.log() === '[["a",1],["x",2]]', "the follower's log becomes the leader's: the conflict and all that follows are gone", () => `n1's log is ${r.log()}, expected [["a",1],["x",2]]`, r.sim.now);
  });

  ex.scripted("§5.3 an AppendEntries that agrees with the log never shortens it (a late heartbeat)", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    r.append("n2", 1, 0, 0, [["a", 1], ["b", 1], ["c", 1]]);
    r.append("n2", 1, 1, 1, []);
    expectThat(r.log() === '[["a",1],["b",1],["c",1]]', "a heartbeat whose previous entry matches leaves later entries alone (it may simply be late)", () => `after a heartbeat with prevLogIndex 1, n1's log is ${r.log()}`, r.sim.now);
    r.append("n2", 1, 0, 0, [["a", 1]]);
    expectThat(r.log() === '[["a",1],["b",1],["c",1]]', "entries already present are not truncated by a shorter, older AppendEntries", () => `after a delayed AppendEntries carrying only entry 1, n1's log is ${r.log()}`, r.sim.now);
  });

  ex.scripted("§5.3 (AppendEntries receiver, rule 4) a duplicated AppendEntries changes nothing the second time and gets the same answer", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    const m = appendEntries(1, "n2", 0, 0, [["a", 1], ["b", 1]], 1);
    r.say("n2", m);
    const log = r.log();
    const outs = r.outputs().length;
    r.sayAgain("n2", m, 2);
    const replies = r.received("n2", "AppendEntriesReply");
    expectThat(r.log() === log && r.outputs().length === outs, "an AppendEntries delivered again leaves the log and what was applied as they were", () => `after the copies n1's log went from ${log} to ${r.log()} and it output ${r.outputs().length - outs} more events`, r.sim.now);
    expectThat(replies.length === 3 && replies.every((x) => x.success && x.matchIndex === 2), "every copy of an AppendEntries is answered, with the index it matched", () => `n1 answered the three copies with ${JSON.stringify(replies)}`, r.sim.now);
  });

  ex.scripted("§5.3 a follower commits up to leaderCommit, but only entries the leader has vouched for", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    r.append("n2", 1, 0, 0, [["a", 1], ["b", 1], ["c", 1]]);
    expectThat(r.applied().length === 0, "nothing is applied before the leader says it is committed", () => `n1 applied ${r.applied().join(", ")}`, r.sim.now);
    r.append("n2", 1, 0, 0, [["a", 1], ["b", 1], ["c", 1]], 1);
    expectThat(r.applied().join() === "1", "a follower commits up to leaderCommit, no further: the entries after it are stored, not committed", () => `n1 holds 3 entries and applied [${r.applied().join(", ")}] after leaderCommit 1`, r.sim.now);
    // A new leader whose log is [a, y]: its heartbeat vouches for entry 1 only.
    r.append("n3", 2, 1, 1, [], 2);
    expectThat(r.applied().join() === "1", "commitIndex = min(leaderCommit, index of the last entry this AppendEntries matched): entries beyond it may be stale", () => `n1 applied [${r.applied().join(", ")}] after a heartbeat with prevLogIndex 1 and leaderCommit 2; its entry 2 (term 1) was never vouched for by the term-2 leader`, r.sim.now);
    r.append("n3", 2, 1, 1, [["y", 2]], 2);
    const last = r.outputs().at(-1);
    expectThat(last?.type === "applied" && last.index === 2 && last.command === "y", "once the leader's entry is in place it is committed and applied", () => `n1's outputs are ${JSON.stringify(r.outputs())}`, r.sim.now);
  });

  ex.scripted("§5.3 (AppendEntries receiver, rule 5) a heartbeat commits no further than the last entry it matched, whatever leaderCommit says", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    // n1 stores three entries of term 1 and has committed none of them.
    r.append("n2", 1, 0, 0, [["a", 1], ["b", 1], ["c", 1]]);
    // A new leader whose log is [a, y]: its heartbeat matches entry 1 and says its own entry 2 is committed.
    r.append("n3", 2, 1, 1, [], 2);
    expectThat(r.applied().join() === "1", "commitIndex = min(leaderCommit, index of the last entry this AppendEntries matched): stored entries beyond it may be stale", () => `n1 applied [${r.applied().join(", ")}] after a heartbeat with prevLogIndex 1 and leaderCommit 2; its entry 2 ("b", term 1) was never vouched for by the term-2 leader, whose entry 2 is another`, r.sim.now);
  });

  ex.scripted("§5.3 (AppendEntries receiver, rule 5) commitIndex never decreases: a late heartbeat with a low prevLogIndex takes back no commit", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    r.append("n2", 1, 0, 0, [["a", 1], ["b", 1], ["c", 1]], 3);
    const v0 = r.view();
    expectThat(v0.commitIndex === 3 && r.applied().join() === "1,2,3", "a follower commits and applies what leaderCommit covers", () => `n1 has commitIndex ${v0.commitIndex} and applied [${r.applied().join(", ")}]`, r.sim.now);
    r.append("n2", 1, 1, 1, [], 3); // delayed: it vouches only for entry 1
    r.append("n2", 1, 2, 1, [], 2); // older still: a lower leaderCommit
    const v = r.view();
    expectThat(v.commitIndex === 3, "commitIndex only grows (Figure 2 raises it to min(leaderCommit, index of last new entry) only when leaderCommit is higher)", () => `n1's commitIndex went from 3 to ${v.commitIndex} after late heartbeats with prevLogIndex 1 and 2`, r.sim.now);
    expectThat(r.applied().join() === "1,2,3", "each committed entry is applied exactly once", () => `n1 applied [${r.applied().join(", ")}]`, r.sim.now);
  });

  // -------------------------------------------------------------------------
  // Leaders: nextIndex, matchIndex and commitIndex (§5.3, §5.4.2)

  ex.scripted("§5.3 (Figure 2, Leaders) a follower counts once toward commitment, by its matchIndex: duplicated acknowledgements are not more replicas", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create, 5);
    const term = r.elect();
    r.sim.run(20);
    r.start("x");
    r.sim.run(20);
    r.sayAgain("n2", acked(term, 1), 3, 20);
    expectThat(r.view().commitIndex === 0 && r.applied().length === 0, "an entry commits once a majority of servers (3 of 5) store it; n2's acknowledgement delivered three times is one server", () => `n1 committed index 1 with only itself and n2 holding it`, r.sim.now);
    r.say("n3", acked(term, 1), 20);
    expectThat(r.view().commitIndex === 1 && r.applied().join() === "1", "an entry of the leader's term stored on a majority is committed and applied", () => `n1, n2 and n3 hold index 1; n1 has commitIndex ${r.view().commitIndex} and applied [${r.applied().join(", ")}]`, r.sim.now);
  });

  ex.scripted("§5.3 (Figure 2, Leaders) matchIndex is what a reply acknowledges: a late reply to an earlier, shorter request does not count for entries sent since", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    const term = r.elect();
    r.sim.run(20);
    const first = r.lastTo("n2", "AppendEntries");
    expectThat(first !== undefined && first.entries.length === 0, "a new leader announces itself with an AppendEntries to every follower (§5.2)", () => `n1 became leader and sent n2 ${JSON.stringify(first)}`, r.sim.now);
    r.start("x");
    r.sim.run(20);
    // n2 answers only now, and only the first heartbeat (its other replies are still on their way).
    r.say("n2", acked(term, first!.prevLogIndex + first!.entries.length), 20);
    expectThat(r.view().commitIndex === 0, "a success reply vouches for the entries of the request it answers, no more (the follower reports matchIndex)", () => `n1 committed index 1 after n2 acknowledged only its first heartbeat (matchIndex ${first!.prevLogIndex})`, r.sim.now);
    r.say("n2", acked(term, 1), 20);
    expectThat(r.view().commitIndex === 1, "once a majority acknowledge an entry of the leader's term, it commits", () => `n2 acknowledged index 1; n1 has commitIndex ${r.view().commitIndex}`, r.sim.now);
  });

  ex.scripted("§5.1 (Figure 2, Leaders) a reply from an older term never advances matchIndex or commitIndex", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    r.say("n2", vote(1, "n2")); // n1 takes term 1 (n2 never leads), so it wins a later one
    const term = r.elect();
    r.sim.run(20);
    r.start("x");
    r.sim.run(20);
    r.say("n2", acked(term - 1, 1), 20); // from a term-(term-1) exchange, delivered late
    expectThat(r.view().commitIndex === 0, "replies are matched to the leader's term: a success from an older term says nothing about this term's entries", () => `n1, leader of term ${term}, committed index 1 on n2's success reply of term ${term - 1}`, r.sim.now);
  });

  ex.scripted("§5.4.2 a leader commits only entries of its own term by counting replicas (Figure 8)", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    r.append("n2", 1, 0, 0, [["old", 1]]);
    r.auto(true);
    const won = r.sim.runUntilTrue(() => r.state().isLeader, 5000);
    expectThat(won, "a node whose peers grant every vote becomes leader", () => `n1 is ${JSON.stringify(r.state())}`, r.sim.now);
    r.sim.run(1000); // the puppets acknowledge entry 1 on every heartbeat
    expectThat(r.applied().length === 0 && r.view().commitIndex === 0, "an entry from an earlier term is not committed by counting replicas, even on every server", () => `n1, leader of term ${r.state().term}, committed the term-1 entry at index 1 because a majority holds it`, r.sim.now);
    const s = r.start("new");
    expectThat(s.isLeader && s.index === 2, "the leader accepts a command at the next index", () => `start() returned ${JSON.stringify(s)}`, r.sim.now);
    r.sim.run(1000);
    expectThat(r.applied().join() === "1,2", "once an entry of the current term is on a majority, it and every entry before it commit", () => `n1 applied [${r.applied().join(", ")}]`, r.sim.now);
  });

  ex.scripted("§5.4.2 an older-term entry is not committed by counting replicas even when the leader's newest entry is of its term (Figure 8)", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    r.append("n2", 1, 0, 0, [["old", 1]]);
    const term = r.elect();
    r.sim.run(20);
    r.start("new"); // index 2, of the leader's term, stored on n1 only
    r.sim.run(20);
    r.say("n2", acked(term, 1), 20); // n2 holds the old entry, not the new one
    expectThat(r.view().commitIndex === 0 && r.applied().length === 0, "what counts is the term of the entry being committed: index 1 (term 1) is on a majority but only an entry of the current term may commit by counting", () => `n1, leader of term ${term}, committed index 1 (term 1) while index 2 (term ${term}) is on n1 alone`, r.sim.now);
    r.say("n2", acked(term, 2), 20);
    expectThat(r.applied().join() === "1,2", "once an entry of the current term is on a majority, it and every entry before it commit", () => `n1 applied [${r.applied().join(", ")}]`, r.sim.now);
  });

  ex.scripted("§5.3 (Figure 2, Leaders) a majority of the whole cluster: in a 4-server cluster an entry on 2 servers is not committed", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create, 4);
    const term = r.elect();
    r.sim.run(20);
    r.start("x");
    r.sim.run(20);
    r.say("n2", acked(term, 1), 20);
    expectThat(r.view().commitIndex === 0, "two servers of four are not a majority: commit needs 3", () => `n1 committed index 1 of a 4-server cluster held by n1 and n2 only`, r.sim.now);
    r.say("n3", acked(term, 1), 20);
    expectThat(r.view().commitIndex === 1, "three servers of four are a majority", () => `n1, n2 and n3 hold index 1; n1 has commitIndex ${r.view().commitIndex}`, r.sim.now);
  });

  ex.scripted("§5.3 after a refusal the leader backs up nextIndex to where the follower's log can match, in one round trip (conflictIndex, conflictTerm)", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    // n1 learns 20 entries from a term-1 leader, then leads term 2 or later.
    r.append("n3", 1, 0, 0, Array.from({ length: 20 }, (_, i): [string, number] => [`e${i + 1}`, 1]));
    const term = r.elect();
    r.sim.run(20);
    const probe = r.lastTo("n2", "AppendEntries");
    expectThat(probe !== undefined, "a new leader sends every follower an AppendEntries at once (§5.2)", () => "n1 became leader and sent n2 nothing", r.sim.now);
    const sent = r.received("n2", "AppendEntries").length;
    r.say("n2", refused(term, 1), 0); // n2's log is empty
    r.sim.runUntilTrue(() => r.received("n2", "AppendEntries").length > sent, 300);
    const retry = r.received("n2", "AppendEntries").slice(sent);
    expectThat(retry.length > 0, "a refused AppendEntries is retried with an earlier prevLogIndex", () => `n1 sent n2 nothing in the 300 ms after its refusal (conflictIndex 1)`, r.sim.now);
    expectThat(retry[0]!.prevLogIndex === 0 && retry[0]!.entries.length > 0 && retry[0]!.entries[0]!.command === "e1", "the leader backs up to the follower's conflictIndex at once, not one entry per round trip (6.5840 needs this: under loss and delay one-by-one takes minutes)", () => `n2 said its log ends before index 1; n1's next AppendEntries has prevLogIndex ${retry[0]!.prevLogIndex} and entries ${JSON.stringify(retry[0]!.entries.slice(0, 2))}…`, r.sim.now);
  });

  ex.scripted("§5.3 (Figure 2, Leaders) a leader applies what it commits, in order, and tells followers how far it committed (leaderCommit)", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    const term = r.elect();
    r.auto(true);
    for (const c of ["a", "b", "c"]) r.start(c);
    r.sim.run(500);
    const outs = r.outputs().filter((o): o is Extract<RaftOut, { type: "applied" }> => o.type === "applied");
    expectThat(outs.map((o) => `${o.index}:${String(o.command)}`).join() === "1:a,2:b,3:c", "the leader applies its committed entries in index order, each once, with the commands started there", () => `n1, leader of term ${term}, output ${JSON.stringify(outs)}`, r.sim.now);
    const hb = r.lastTo("n2", "AppendEntries");
    expectThat(hb?.leaderCommit === 3, "the leader tells followers how far it has committed (leaderCommit), so they apply too", () => `n1's last AppendEntries to n2 carries leaderCommit ${hb?.leaderCommit}`, r.sim.now);
  });
}
