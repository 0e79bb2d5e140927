// Classic election bugs. Each must fail runner/suites/raft-election.test.ts.
import { defineMutants } from "./mutant.ts";

export default defineMutants("raft-election", [
  {
    name: "stale-append-accepted",
    bug: "AppendEntries from an older term is accepted, so a deposed leader keeps followers and is never told to step down (§5.1)",
    edits: [{ file: "raft.ts", find: "    if (m.term < currentTerm) return ctx.send(from, { type: \"AppendEntriesReply\", term: currentTerm, success: false, matchIndex: 0, conflictIndex: 0, conflictTerm: null });\n", replace: "" }],
  },
  {
    name: "no-timer-reset-on-vote",
    bug: "the election timer is not reset when granting a vote, so voters stand against the candidate they just voted for (§5.2)",
    edits: [{ file: "raft.ts", find: "      resetElectionTimer(); // we just helped elect someone: give them time to take over\n", replace: "" }],
  },
  {
    name: "fixed-election-timeout",
    bug: "every election timeout is the same length, so candidates that start together split the vote again and again (§5.2)",
    edits: [{ file: "raft.ts", find: "ELECTION_MIN_MS + Math.floor(ctx.random() * ELECTION_SPREAD_MS)", replace: "ELECTION_MIN_MS + ELECTION_SPREAD_MS" }],
  },
  {
    name: "vote-twice-per-term",
    bug: "a node votes for every candidate of a term instead of the first one only, so two leaders can win the same term (§5.2)",
    edits: [{ file: "raft.ts", find: "(votedFor === null || votedFor === m.candidate) && candidateUpToDate(m)", replace: "candidateUpToDate(m)" }],
  },
  {
    name: "reply-term-ignored",
    bug: "a newer term in a RequestVote reply is ignored, so a node lingers in a dead term (§5.1: every message, requests and replies, carries a term)",
    edits: [{ file: "raft.ts", find: "  function onRequestVoteReply(from: NodeId, m: RequestVoteReply): void {\n    if (m.term > currentTerm) return stepDown(m.term);\n", replace: "  function onRequestVoteReply(from: NodeId, m: RequestVoteReply): void {\n" }],
  },
  {
    name: "vote-kept-across-terms",
    bug: "a node adopting a newer term keeps the vote it cast in the old one, so it refuses every candidate of the new term (Figure 2: votedFor is the candidate voted for in the current term)",
    edits: [{ file: "raft.ts", find: "      currentTerm = term;\n      votedFor = null;\n", replace: "      currentTerm = term;\n" }],
  },
  {
    name: "candidate-refuses-own-term-leader",
    bug: "a candidate treats an AppendEntries of its own term as stale and refuses it, instead of recognising the term's leader (\u00a75.2)",
    edits: [{ file: "raft.ts", find: "    if (m.term < currentTerm) return ctx.send(from, { type: \"AppendEntriesReply\", term: currentTerm, success: false, matchIndex: 0, conflictIndex: 0, conflictTerm: null });\n", replace: "    if (m.term < currentTerm || (m.term === currentTerm && role === \"candidate\")) return ctx.send(from, { type: \"AppendEntriesReply\", term: currentTerm, success: false, matchIndex: 0, conflictIndex: 0, conflictTerm: null });\n" }],
  },
  {
    name: "majority-of-peers",
    bug: "a majority is counted among the peers, not the whole cluster, so in a cluster of four two servers elect a leader and commit (\u00a75.2)",
    edits: [{ file: "raft.ts", find: "  const majority = Math.floor((ctx.peers.length + 1) / 2) + 1;", replace: "  const majority = Math.floor(ctx.peers.length / 2) + 1;" }],
  },
  {
    name: "timer-reset-on-any-message",
    bug: "a follower re-arms its election timer on every message it gets, so a candidate it refuses (or a stale reply) holds off its own election (Figure 2, Followers)",
    edits: [{ file: "raft.ts", find: "    onMessage(from, msg) {\n      begin();\n", replace: "    onMessage(from, msg) {\n      begin();\n      if (role !== \"leader\") resetElectionTimer(); // someone is talking: no need to stand\n" }],
  },
]);
