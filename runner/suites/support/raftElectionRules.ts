// The election rules of the Raft paper (Ongaro & Ousterhout, "In Search of an
// Understandable Consensus Algorithm", 2014: §5.1, §5.2 and Figure 2's
// RequestVote, Candidates and "All Servers" rules), one white-box scenario
// each: the node under test (n1) talks to puppet peers whose messages the
// scenario writes. Logs stay empty here: the raft-election stage has no log
// code yet.

import { expectThat } from "../../check/violation.ts";
import type { Exercise } from "../harness/exercise.ts";
import type { CreateRaft } from "./raft.ts";
import { granted, heartbeat, PATIENCE_MS, Rig, vote } from "./raftRig.ts";

type Ex = Exercise<{ createRaft: CreateRaft }>;

export function electionRules(ex: Ex): void {
  const create = ex.impl.createRaft;

  ex.scripted("§5.1 a request from an older term is refused, and the reply carries the newer term", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    r.say("n2", vote(5, "n2"));
    expectThat(r.state().term === 5, "a node adopts a newer term it hears about", () => `n1 heard a RequestVote of term 5 and is in term ${r.state().term}`, r.sim.now);
    r.say("n3", heartbeat(3, "n3"));
    const ae = r.lastTo("n3", "AppendEntriesReply");
    expectThat(ae !== undefined && !ae.success && ae.term === 5, "AppendEntries from an older term is refused, with the current term in the reply (so the stale leader steps down)", () => `n1 (term 5) answered an AppendEntries of term 3 with ${JSON.stringify(ae)}`, r.sim.now);
    r.say("n3", vote(4, "n3"));
    const rv = r.lastTo("n3", "RequestVoteReply");
    expectThat(rv !== undefined && !rv.voteGranted && rv.term === 5, "a RequestVote from an older term is refused, with the current term in the reply", () => `n1 (term 5) answered a RequestVote of term 4 with ${JSON.stringify(rv)}`, r.sim.now);
    expectThat(r.state().term === 5 && !r.state().isLeader, "stale messages change nothing", () => `n1 is now ${JSON.stringify(r.state())}`, r.sim.now);
  });

  ex.scripted("§5.1 a newer term in any message, even a reply, makes the node a follower of that term", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    r.auto(true);
    const ok = r.sim.runUntilTrue(() => r.state().isLeader, 5000);
    expectThat(ok, "a node whose peers grant every vote becomes leader", () => `n1 is ${JSON.stringify(r.state())} after 5 s`, r.sim.now);
    r.auto(false);
    const t = r.state().term;
    r.say("n2", { type: "AppendEntriesReply", term: t + 3, success: false, matchIndex: 0, conflictIndex: 1, conflictTerm: null });
    expectThat(r.state().term === t + 3 && !r.state().isLeader, "a leader that sees a newer term in a reply steps down and adopts it", () => `n1 was leader of term ${t}, got a reply of term ${t + 3}, and is now ${JSON.stringify(r.state())}`, r.sim.now);
    r.say("n3", granted(t + 5, false));
    expectThat(r.state().term === t + 5, "a follower adopts a newer term from a RequestVote reply too", () => `n1 got a reply of term ${t + 5} and is in term ${r.state().term}`, r.sim.now);
  });

  ex.scripted("§5.1 (Figure 2, All Servers) a newer term clears the vote: the node may vote again in it", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    r.say("n2", vote(1, "n2"));
    r.say("n3", vote(2, "n3"));
    const b = r.lastTo("n3", "RequestVoteReply");
    expectThat(b?.voteGranted === true && b.term === 2, "votedFor belongs to one term: a node that voted in term 1 can vote in term 2", () => `n1 voted for n2 in term 1, then answered n3's RequestVote of term 2 with ${JSON.stringify(b)}`, r.sim.now);
  });

  ex.scripted("§5.2 election timeouts are randomised (and long enough for 10 heartbeats a second to prevent them)", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    r.sim.run(8000); // silent peers: n1 stands again and again
    const times = [...new Set(r.sends("RequestVote").map((s) => s.t))];
    expectThat(times.length >= 4, "a node that hears from no leader keeps starting elections", () => `n1 started ${times.length} elections in 8 s of silence`, r.sim.now);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expectThat(Math.min(...gaps, times[0]!) >= 100, "an election timeout is at least 100 ms (a few heartbeats)", () => `n1 stood again after ${Math.min(...gaps, times[0]!)} ms`, r.sim.now);
    expectThat(new Set(gaps).size >= 3, "election timeouts are drawn at random each time (so split votes end)", () => `the gaps between n1's elections were ${gaps.join(", ")} ms`, r.sim.now);
  });

  ex.scripted("§5.2 one vote per term, first come first served (a repeated request gets the same answer)", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    r.say("n2", vote(1, "n2"));
    const a = r.lastTo("n2", "RequestVoteReply");
    expectThat(a?.voteGranted === true, "a node grants its vote to the first candidate of a term with an up-to-date log", () => `n1 answered ${JSON.stringify(a)}`, r.sim.now);
    r.say("n3", vote(1, "n3"));
    const b = r.lastTo("n3", "RequestVoteReply");
    expectThat(b !== undefined && !b.voteGranted, "a node votes at most once per term", () => `n1 voted for n2 in term 1 and then answered n3 in term 1 with ${JSON.stringify(b)}`, r.sim.now);
    r.say("n2", vote(1, "n2"));
    const c = r.lastTo("n2", "RequestVoteReply");
    expectThat(c?.voteGranted === true, "a repeated RequestVote from the candidate already voted for is granted again (its reply may have been lost)", () => `n1 answered the repeat with ${JSON.stringify(c)}`, r.sim.now);
  });

  ex.scripted("§5.2 a node that grants a vote restarts its election timer instead of standing itself", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    // A new candidate every 40 ms, each in a newer term, each with an up-to-date log.
    for (let k = 1; k <= 60; k++) r.say(k % 2 ? "n2" : "n3", vote(k, k % 2 ? "n2" : "n3"), 40);
    const own = r.sends("RequestVote");
    expectThat(own.length === 0, "granting a vote resets the election timer (a voter gives the candidate time to win)", () => `n1 granted a vote every 40 ms and still stood for election at t=${own[0]!.t} ms`, own[0]?.t);
  });

  ex.scripted("§5.2 (Figure 2, Followers) a refused RequestVote does not restart the election timer", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    r.say("n3", vote(1, "n3")); // n1 votes for n3, which then goes quiet
    // n2 keeps asking in the same term: refused every time (n1 voted for n3).
    const t0 = r.sim.now;
    let stood = false;
    while (!stood && r.sim.now - t0 < PATIENCE_MS) {
      r.say("n2", vote(1, "n2"), 50);
      stood = r.sends("RequestVote").length > 0;
    }
    const answers = r.received("n2", "RequestVoteReply");
    expectThat(answers.every((a) => !a.voteGranted), "a node votes at most once per term", () => `n1 voted for n3 in term 1 and granted n2 too: ${JSON.stringify(answers.find((a) => a.voteGranted))}`, r.sim.now);
    expectThat(stood, "only a heartbeat from the current leader or a granted vote holds off an election; refusing a candidate does not", () => `n1 refused a RequestVote every 50 ms and never stood for election in ${PATIENCE_MS} ms (no leader exists: the candidate it refuses cannot win without it)`, r.sim.now);
  });

  ex.scripted("§5.2 a candidate that hears from a leader of its own term becomes its follower", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    r.sim.runUntilTrue(() => r.sends("RequestVote").length > 0, 3000);
    const term = r.state().term;
    expectThat(term >= 1, "a node with no leader stands for election", () => "n1 never sent a RequestVote", r.sim.now);
    r.say("n2", heartbeat(term, "n2"), 12);
    const v = r.view();
    expectThat(v.role === "follower" && v.term === term, "a candidate receiving AppendEntries from a leader of its term steps down", () => `n1 is ${v.role} in term ${v.term} after n2's AppendEntries of term ${term}`, r.sim.now);
    r.sim.run(12);
    const reply = r.lastTo("n2", "AppendEntriesReply");
    expectThat(reply?.success === true, "the new follower accepts the leader's heartbeat", () => `n1 answered ${JSON.stringify(reply)}`, r.sim.now);
  });

  ex.scripted("§5.2 (Figure 2, Candidates) a vote counts once per server: a duplicated grant is still one vote", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create, 5);
    const term = r.nextElection(0);
    expectThat(term !== null, "a node that hears from no leader stands for election", () => `n1 sent no RequestVote in ${PATIENCE_MS} ms`, r.sim.now);
    r.sayAgain("n2", granted(term!), 3, 15); // the network delivers n2's vote three times
    expectThat(!r.state().isLeader, "a candidate needs votes from a majority of servers (3 of 5), not a majority of vote messages", () => `n1 became leader of term ${term} with its own vote and n2's, delivered three times`, r.sim.now);
    r.say("n3", granted(term!), 15);
    expectThat(r.state().isLeader, "a candidate with votes from a majority of servers becomes leader", () => `n1 holds votes from n1, n2 and n3 of five servers and is ${JSON.stringify(r.state())}`, r.sim.now);
  });

  ex.scripted("§5.2 (Figure 2, Candidates) only votes granted in the current term count", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    const first = r.nextElection(0);
    const second = first === null ? null : r.nextElection(first);
    expectThat(second !== null, "a candidate whose election times out stands again in a new term", () => `n1 stood in term ${first} and not again within ${PATIENCE_MS} ms`, r.sim.now);
    r.say("n2", granted(first!), 15); // a late grant from the election n1 already gave up on
    expectThat(!r.state().isLeader, "a vote granted in an earlier term is no vote for this one", () => `n1, candidate in term ${second}, became leader on n2's vote for term ${first}`, r.sim.now);
    r.say("n2", granted(second!), 15);
    expectThat(r.state().isLeader && r.state().term === second, "a candidate with votes from a majority of servers becomes leader", () => `n1 has n2's vote for term ${second} and is ${JSON.stringify(r.state())}`, r.sim.now);
  });

  ex.scripted("§5.2 (Figure 2, Candidates) a candidate refused a vote stands again when its election times out", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    const term = r.nextElection(0);
    expectThat(term !== null, "a node that hears from no leader stands for election", () => `n1 sent no RequestVote in ${PATIENCE_MS} ms`, r.sim.now);
    r.say("n2", granted(term!, false), 0); // n2 and n3 voted for someone else, who never wins
    r.say("n3", granted(term!, false), 15);
    const again = r.nextElection(term!);
    expectThat(again !== null, "a candidate that neither wins nor hears from a leader starts a new election when its timeout elapses (split votes end that way)", () => `n1 was refused by both peers in term ${term} and did not stand again within ${PATIENCE_MS} ms`, r.sim.now);
  });

  ex.scripted("§5.2 (Figure 2, Candidates) a majority of the whole cluster: with 4 servers a candidate needs 3 votes", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create, 4);
    const term = r.nextElection(0);
    expectThat(term !== null, "a node that hears from no leader stands for election", () => `n1 sent no RequestVote in ${PATIENCE_MS} ms`, r.sim.now);
    r.say("n2", granted(term!), 15);
    expectThat(!r.state().isLeader, "two votes of four servers are not a majority (an even-sized cluster could elect two leaders)", () => `n1 became leader of term ${term} of a 4-server cluster with its own vote and n2's`, r.sim.now);
    r.say("n3", granted(term!), 15);
    expectThat(r.state().isLeader, "three votes of four servers are a majority", () => `n1 has three votes of four and is ${JSON.stringify(r.state())}`, r.sim.now);
  });

  ex.scripted("§5.2 a leader sends every follower heartbeats, often enough to hold off elections but at most 10 a second", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    r.auto(true);
    r.sim.runUntilTrue(() => r.state().isLeader, 5000);
    expectThat(r.state().isLeader, "a node whose peers grant every vote becomes leader", () => `n1 is ${JSON.stringify(r.state())}`, r.sim.now);
    const t0 = r.sim.now;
    r.sim.run(3000);
    for (const p of ["n2", "n3"]) {
      const ts = r.sends("AppendEntries", p).map((s) => s.t).filter((t) => t > t0);
      expectThat(ts.length <= 31, "at most 10 heartbeats a second to each follower", () => `n1 sent ${ts.length} AppendEntries to ${p} in 3 idle seconds`, r.sim.now);
      const gaps = [ts[0]! - t0, ...ts.slice(1).map((t, i) => t - ts[i]!), r.sim.now - ts.at(-1)!];
      expectThat(ts.length > 0 && Math.max(...gaps) <= 150, "an idle leader sends a heartbeat at least every 150 ms (well inside any follower's election timeout)", () => `n1 left ${p} without a heartbeat for ${ts.length ? Math.max(...gaps) : 3000} ms`, r.sim.now);
    }
  });

  ex.scripted("§5.1 a leader deposed by a newer term arms its election timer: it stands again if no leader appears", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    const term = r.elect();
    // A reply of a newer term deposes it; whoever is in that term then goes silent.
    r.say("n2", { type: "AppendEntriesReply", term: term + 1, success: false, matchIndex: 0, conflictIndex: 0, conflictTerm: null }, 15);
    expectThat(!r.state().isLeader, "a leader that sees a newer term steps down", () => `n1, leader of term ${term}, heard of term ${term + 1} and is ${JSON.stringify(r.state())}`, r.sim.now);
    const again = r.nextElection(term + 1);
    expectThat(again !== null, "a deposed leader is a follower like any other: when no leader speaks within its election timeout it stands", () => `n1 stepped down from term ${term} at t=${r.sim.now - PATIENCE_MS} ms and, with no leader anywhere, never stood again in ${PATIENCE_MS} ms`, r.sim.now);
  });
}
