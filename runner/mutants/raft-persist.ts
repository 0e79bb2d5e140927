// Classic persistence bugs. Each must fail runner/suites/raft-persist.test.ts.
import { defineMutants } from "./mutant.ts";

export default defineMutants("raft-persist", [
  {
    name: "votedfor-not-persisted",
    bug: "votedFor is not persisted, so a node that crashes and restarts can vote twice in one term and elect two leaders (Figure 2)",
    edits: [{ file: "raft.ts", find: "    ctx.disk.set(\"state\", { term: currentTerm, votedFor });", replace: "    ctx.disk.set(\"state\", { term: currentTerm, votedFor: null });" }],
  },
  {
    name: "follower-log-not-persisted",
    bug: "a follower acknowledges entries without writing them to disk, so a crash loses entries a leader counted as replicated (Figure 2)",
    edits: [{ file: "raft.ts", find: "      saveLog(idx);\n", replace: "" }],
  },
  {
    name: "term-not-persisted",
    bug: "currentTerm is not persisted, so a restarted node goes back to an old term and can vote in it again (Figure 2)",
    edits: [{ file: "raft.ts", find: "    if (st) ({ term: currentTerm, votedFor } = st);", replace: "    if (st) ({ votedFor } = st);" }],
  },
  {
    name: "boot-writes-before-reading",
    bug: "a restarting node writes its fresh in-memory state (term 0, no vote) to disk before reading the disk back, erasing what it had saved (Figure 2: persistent state survives restarts)",
    edits: [{ file: "raft.ts", find: "    const st = ctx.disk.get<{ term: number; votedFor: NodeId | null }>(\"state\");", replace: "    saveState(); // make sure the record exists\n    const st = ctx.disk.get<{ term: number; votedFor: NodeId | null }>(\"state\");" }],
  },
  {
    name: "own-vote-kept-in-memory",
    bug: "a candidate saves its new term but not its vote for itself (\"nobody else relies on my own vote\"): crashed as its RequestVotes leave, it restarts with no vote in that term and grants it to a rival, so two leaders can win one term (Figure 2: votedFor is persistent)",
    edits: [{ file: "raft.ts", find: "    votedFor = ctx.id;\n    saveState();\n", replace: "    ctx.disk.set(\"state\", { term: currentTerm, votedFor: null });\n    ctx.disk.sync();\n    votedFor = ctx.id;\n" }],
  },
]);
