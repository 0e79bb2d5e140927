// Exercise `g-counter` — a grow-only counter that every replica can increment
// without asking anyone. Lesson: lessons/11-crdts.md ("Counters").
//
// Several replicas count "likes" at the same time. Each one increments
// locally and, every so often, the lab sends its whole state to the others,
// which merge it into theirs. Messages get lost, duplicated, reordered and
// delayed by partitions, so merge must not care how often or in which order
// a state arrives: it must be commutative, associative and idempotent.
//
// The trick: do not share one number. Keep one count per replica; each
// replica only increments its own entry.
//
// The lab copies states into and out of messages, so state() may return your
// own object. It must be JSON-compatible plain data (no Map/Set).
//
// Run `npx faultline grade g-counter` to check your work.

import { todo, type NodeId } from "faultline/sim";

/** How many increments each replica has made: replica id → its own count. */
export type GCounterState = { [replica: NodeId]: number };

export class GCounter {
  // Your replica's state. Leave out replicas you have heard nothing from.
  private counts: GCounterState = {};

  /** `id` is this replica's name: the node's id, any string ("n2", "n10", "alice"). */
  constructor(readonly id: NodeId) {}

  /** Counts `by` (a positive integer) at this replica. Touch only your own entry. */
  increment(by = 1): void {
    todo("add `by` to this replica's own entry in the counts");
  }

  /** The total number of increments this replica knows of. */
  value(): number {
    return todo("add up every replica's count");
  }

  /** The state to send to other replicas. */
  state(): GCounterState {
    return todo("return the counts");
  }

  /**
   * Folds another replica's state into this one. It may be old, a duplicate,
   * or already contain some of your own increments: for each replica keep the
   * count that has seen more. (Why is adding the two counts wrong?)
   */
  merge(other: GCounterState): void {
    todo("merge entry by entry");
  }
}
