import { defineMutants } from "./mutant.ts";

const FILE = "schedule.ts";
const PARTITION = `{ at: 22, op: "partition", groups: [["co", "p1"], ["p2", "p3"]] }`;

export default defineMutants("break-3pc", [
  {
    name: "heal-too-early",
    bug: "heals before the coordinator's ack timeout: its doCommit reaches everyone and they all commit",
    edits: [{ file: FILE, find: `{ at: 400, op: "heal" }`, replace: `{ at: 100, op: "heal" }` }],
  },
  {
    name: "partition-the-coordinator-alone",
    bug: "cuts off the coordinator alone: no participant gets the pre-commit, so they all abort together",
    edits: [{ file: FILE, find: PARTITION, replace: `{ at: 22, op: "partition", groups: [["co"], ["p1", "p2", "p3"]] }` }],
  },
  {
    name: "partition-too-late",
    bug: "partitions after the pre-commits have arrived: every participant is pre-committed and commits",
    edits: [{ file: FILE, find: PARTITION, replace: `{ at: 27, op: "partition", groups: [["co", "p1"], ["p2", "p3"]] }` }],
  },
  {
    name: "crash-instead-of-partition",
    bug: "crashes nodes instead of partitioning: not allowed (and the 3PC is built to survive crashes)",
    edits: [{ file: FILE, find: PARTITION, replace: `{ at: 22, op: "crash", node: "p2" }, { at: 22, op: "crash", node: "p3" }` }],
  },
]);
