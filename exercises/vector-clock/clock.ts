// Exercise `vector-clock`. Lesson: lessons/02-time-and-order.md ("Vector clocks").
//
// Same lab as `lamport-clock`: every node owns a VectorClock and calls it at
// every local event, send and receive. A timestamp is now a vector — one
// counter per node, e.g. { n1: 2, n2: 0, n3: 5 } — and comparing two of them
// tells you exactly how the events relate:
//
//   compare(a, b) === "before"      a happened before b
//   compare(a, b) === "after"       b happened before a
//   compare(a, b) === "concurrent"  neither: the events are concurrent
//   compare(a, b) === "equal"       same timestamp (only for the same event)
//
// The grader checks both directions over many random executions: a happened
// before b if and only if compare says "before", and concurrency is detected
// exactly. Return a fresh object from each method (the grader keeps them, and
// checks they never change). Node ids are any strings ("n12", "alice", "c:3"),
// and there may be more than nine nodes.

import { todo, type NodeId } from "faultline/sim";

export type VClock = { [node: NodeId]: number };

export type Order = "before" | "after" | "equal" | "concurrent";

export class VectorClock {
  // Your state here.

  constructor(
    readonly self: NodeId,
    /** Every node in the system, self included. */
    readonly nodes: readonly NodeId[],
  ) {}

  localEvent(): VClock {
    return todo("a local event: count it in your own entry; return a copy");
  }

  send(): VClock {
    return todo("a send: count it; return the vector to attach to the message");
  }

  receive(stamp: VClock): VClock {
    return todo("a receive: take in everything the sender had seen, then count the receive");
  }
}

export function compare(a: VClock, b: VClock): Order {
  return todo("compare two vectors entry by entry");
}
