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
]);
