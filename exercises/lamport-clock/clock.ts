// Exercise `lamport-clock`. Lesson: lessons/02-time-and-order.md ("Logical clocks").
//
// The lab runs several nodes that do local work and send each other messages
// over a network that delays, reorders, duplicates and drops them. Each node
// owns one LamportClock and calls it at every event:
//
//   localEvent()       before a local event        → that event's timestamp
//   send()             when sending a message      → the send's timestamp; it travels with the message
//   receive(stamp)     when a message arrives      → the receive's timestamp (`stamp` is the sender's)
//
// The grader records every event's timestamp and checks the clock condition
// over many random executions: if event a happened before event b, then
// C(a) < C(b). ("Happened before": earlier on the same node, or a send and its
// receive, or a chain of those.) The grader also drives one clock call by
// call, with stamps far ahead, far behind, equal and repeated. Node ids are
// any strings ("n12", "alice").

import { todo, type NodeId } from "faultline/sim";

export class LamportClock {
  // Your state here (one number is enough).

  constructor(readonly self: NodeId) {}

  localEvent(): number {
    return todo("a local event: advance the clock and return its time");
  }

  send(): number {
    return todo("a send: advance the clock and return the timestamp to attach to the message");
  }

  receive(stamp: number): number {
    return todo("a receive: the result must exceed both this clock and the sender's stamp");
  }
}
