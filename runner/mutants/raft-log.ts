// Classic log-replication bugs. Each must fail runner/suites/raft-log.test.ts.
import { defineMutants } from "./mutant.ts";

export default defineMutants("raft-log", [
  {
    name: "vote-without-up-to-date-check",
    bug: "votes are granted without the log up-to-date check, so a candidate missing committed entries can win and erase them (§5.4.1)",
    edits: [{ file: "raft.ts", find: "    return m.lastLogTerm > lastTerm() || (m.lastLogTerm === lastTerm() && m.lastLogIndex >= lastIndex());\n", replace: "    return true;\n" }],
  },
  {
    name: "commit-previous-term-by-counting",
    bug: "a leader commits an entry of an earlier term because a majority stores it — the Figure 8 bug (§5.4.2)",
    edits: [{ file: "raft.ts", find: "      if (termAt(n) !== currentTerm) break; // older entries commit only indirectly (Figure 8)\n", replace: "" }],
  },
  {
    name: "truncate-on-matching-heartbeat",
    bug: "the follower cuts its log after prevLogIndex on every AppendEntries, so a late heartbeat erases entries it already acknowledged (§5.3)",
    edits: [{ file: "raft.ts", find: "    for (let k = 0; k < m.entries.length; k++) {\n", replace: "    if (lastIndex() > prev) {\n      entries.length = prev - snapshotIndex;\n      saveLog(prev + 1);\n    }\n    for (let k = 0; k < m.entries.length; k++) {\n" }],
  },
  {
    name: "apply-beyond-commit",
    bug: "entries are applied as soon as they are in the log, beyond commitIndex (an uncommitted entry may still be replaced)",
    edits: [{ file: "raft.ts", find: "    while (lastApplied < commitIndex) {", replace: "    while (lastApplied < lastIndex()) {" }],
  },
  {
    name: "follower-commits-to-log-end",
    bug: "a follower sets commitIndex = min(leaderCommit, last log index) instead of the last entry the leader vouched for, committing stale entries (Figure 2)",
    edits: [{ file: "raft.ts", find: "      commitIndex = Math.min(m.leaderCommit, match);", replace: "      commitIndex = Math.min(m.leaderCommit, lastIndex());" }],
  },
  {
    name: "majority-off-by-one",
    bug: "the leader counts itself twice when counting replicas, so an entry commits one replica short of a majority",
    edits: [{ file: "raft.ts", find: "      let count = 1;\n", replace: "      let count = 2;\n" }],
  },
  {
    name: "commit-on-append",
    bug: "a follower treats every accepted AppendEntries as committed (commitIndex = last entry matched), applying entries no majority may hold (Figure 2: leaderCommit says what is committed)",
    edits: [{ file: "raft.ts", find: "      commitIndex = Math.min(m.leaderCommit, match);", replace: "      commitIndex = Math.max(commitIndex, match);" }],
  },
  {
    name: "up-to-date-by-length-first",
    bug: "the up-to-date check compares log lengths before last terms, so a long log of old entries wins votes against a shorter, newer one (\u00a75.4.1)",
    edits: [{ file: "raft.ts", find: "    return m.lastLogTerm > lastTerm() || (m.lastLogTerm === lastTerm() && m.lastLogIndex >= lastIndex());", replace: "    return m.lastLogIndex > lastIndex() || (m.lastLogIndex === lastIndex() && m.lastLogTerm >= lastTerm());" }],
  },
  {
    name: "heartbeat-skips-consistency-check",
    bug: "a follower accepts heartbeats (no entries) without checking prevLogIndex/prevLogTerm, then commits up to leaderCommit entries that differ from the leader's (\u00a75.3)",
    edits: [{ file: "raft.ts", find: "    if (termAt(prev) !== m.prevLogTerm) {", replace: "    if (m.entries.length > 0 && termAt(prev) !== m.prevLogTerm) {" }],
  },
  {
    name: "commit-counts-sent-entries",
    bug: "the leader moves nextIndex past what it sends and counts nextIndex − 1 as stored, so an entry commits as soon as it is sent to a majority, before any follower acknowledges it (Figure 2, Leaders: matchIndex, not nextIndex)",
    edits: [
      { file: "raft.ts", find: "    sentUpTo.set(peer, prev + batch.length);\n", replace: "    sentUpTo.set(peer, prev + batch.length);\n    nextIndex.set(peer, prev + batch.length + 1); // the follower will have these\n" },
      { file: "raft.ts", find: "      for (const p of ctx.peers) if (matchIndex.get(p)! >= n) count++;", replace: "      for (const p of ctx.peers) if (nextIndex.get(p)! - 1 >= n) count++;" },
    ],
  },

]);
