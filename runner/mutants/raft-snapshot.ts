// Classic snapshot bugs. Each must fail runner/suites/raft-snapshot.test.ts.
import { defineMutants } from "./mutant.ts";

export default defineMutants("raft-snapshot", [
  {
    name: "snapshot-not-restored-for-service",
    bug: "after a restart the node does not hand its snapshot to the service, so the service starts empty while Raft applies from the snapshot on (§7)",
    edits: [{ file: "raft.ts", find: "      // Everything in the snapshot is committed and applied; tell the service first.\n      commitIndex = lastApplied = snapshotIndex;\n      ctx.output({ type: \"snapshot\", index: snapshotIndex, term: snapshotTerm, data: snapshotData });\n", replace: "      commitIndex = lastApplied = snapshotIndex;\n" }],
  },
  {
    name: "installed-snapshot-not-reported",
    bug: "a follower installs the leader's snapshot in its log but never tells its service, which silently misses every entry the snapshot covers (§7)",
    edits: [{ file: "raft.ts", find: "      saveSnapshot(old);\n      commitIndex = lastApplied = snapshotIndex;\n      ctx.output({ type: \"snapshot\", index: snapshotIndex, term: snapshotTerm, data: snapshotData });\n", replace: "      saveSnapshot(old);\n      commitIndex = lastApplied = snapshotIndex;\n" }],
  },
  {
    name: "snapshot-drops-whole-log",
    bug: "installing a snapshot discards the whole log even when later entries match, losing acknowledged entries (§7)",
    edits: [{ file: "raft.ts", find: "      if (termAt(m.lastIncludedIndex) === m.lastIncludedTerm) entries = entries.slice(m.lastIncludedIndex - snapshotIndex);\n      else entries = [];\n", replace: "      entries = [];\n" }],
  },
  {
    name: "log-never-compacted",
    bug: "snapshot() remembers the data but never discards the log, so persisted state grows without bound",
    edits: [{ file: "raft.ts", find: "      entries = entries.slice(index - snapshotIndex);\n      snapshotIndex = index;\n", replace: "      snapshotIndex = snapshotIndex;\n" }],
  },
  {
    name: "snapshot-record-not-saved",
    bug: "snapshot() cuts the log on disk but never writes the snapshot itself, so a restart loses every entry the snapshot covered (\u00a77)",
    edits: [{ file: "raft.ts", find: "    ctx.disk.set(\"snapshot\", { index: snapshotIndex, term: snapshotTerm, data: snapshotData });\n", replace: "" }],
  },
  {
    name: "install-reply-next-at-index",
    bug: "after an InstallSnapshot reply the leader sets nextIndex to lastIncludedIndex instead of the entry after it, so it sends the snapshot again and again and never the entries that follow (\u00a77)",
    edits: [{ file: "raft.ts", find: "    nextIndex.set(from, Math.max(nextIndex.get(from)!, m.lastIncludedIndex + 1));", replace: "    nextIndex.set(from, Math.max(nextIndex.get(from)!, m.lastIncludedIndex));" }],
  },
  {
    name: "installed-snapshot-not-applied",
    bug: "a follower installs the snapshot but leaves commitIndex and lastApplied where they were, so it applies entries the snapshot already covers, or none (\u00a77)",
    edits: [{ file: "raft.ts", find: "      saveSnapshot(old);\n      commitIndex = lastApplied = snapshotIndex;\n      ctx.output(", replace: "      saveSnapshot(old);\n      ctx.output(" }],
  },
]);
