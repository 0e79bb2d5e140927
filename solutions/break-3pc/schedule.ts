// Reference solution for `break-3pc`: a partition that lets exactly one
// participant see the pre-commit.
//
// Timeline without faults (every message takes 5 ms): canCommit leaves the
// coordinator at t=10, votes arrive at t=20, preCommit arrives at t=25.
// Cutting {co, p1} off from {p2, p3} at t=22 drops the pre-commits to p2 and
// p3 in flight. The coordinator hears p1's ack only, times out at t=120,
// takes p2 and p3 for crashed, and commits: p1 commits. p2 and p3, uncertain,
// time out at t=215, can hear only each other, see no pre-commit and abort at
// t=265. Healing afterwards changes nothing: the decisions are made.

import type { FaultOp } from "faultline/sim";

export function schedule(): FaultOp[] {
  return [
    { at: 22, op: "partition", groups: [["co", "p1"], ["p2", "p3"]] },
    { at: 400, op: "heal" },
  ];
}
