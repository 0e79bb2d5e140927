// Exercise `break-3pc`. Lesson: lessons/06-atomic-commit.md ("Three phases, and why partitions win").
//
// The lab ships a three-phase commit (runner/suites/support/threePhaseCommit.ts)
// with a coordinator "co" and participants "p1", "p2", "p3". It is correct when
// nodes only crash and a timeout really means "crashed". Your job is to be the
// network: write a fault schedule, using partitions and heals only, under
// which some participant commits while another aborts.
//
// The facts you need (all in threePhaseCommit.ts):
//   - every message takes exactly 5 ms; nothing is lost unless a partition cuts it
//     (a message is dropped if its link is cut when it is sent or when it would arrive);
//   - the transaction begins at t=10 ms and every participant votes yes;
//   - the coordinator waits 100 ms for votes, then 100 ms for acks (then commits anyway);
//   - a participant waits 200 ms for the next message, then runs the termination protocol
//     (asks the others for 50 ms and decides from what it hears).
// Read the fault-free run's diagram in the lesson to see when each message travels.
//
// Allowed operations: {at, op: "partition", groups}, {at, op: "partition-oneway", from, to},
// {at, op: "isolate", node}, {at, op: "heal"}. Times are in ms.
//
// Run `npx faultline grade break-3pc` to check your schedule.

import { todo, type FaultOp } from "faultline/sim";

export function schedule(): FaultOp[] {
  // return [
  //   { at: ..., op: "partition", groups: [[...], [...]] },
  //   { at: ..., op: "heal" },
  // ];
  return todo("write the partition schedule that makes the lab's 3PC decide both ways");
}
