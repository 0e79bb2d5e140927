// Exercise `pn-counter` — a replicated counter that can also go down (stock
// in a warehouse, seats left on a flight). Lesson: lessons/11-crdts.md ("Counters").
//
// You built a G-Counter: one entry per replica, merged by taking the max.
// A decrement breaks that idea if you simply subtract from your entry: the
// smaller entry loses to the old, larger one at the next merge, and the
// decrement is forgotten. Instead keep two grow-only counters: `p` counts
// increments, `n` counts decrements, and value() is their difference.
//
// state() may return your own object (the lab copies it into messages); it
// must be JSON-compatible plain data (no Map/Set).
//
// Run `npx faultline grade pn-counter` to check your work.

import { todo, type NodeId } from "faultline/sim";

/** Per-replica counts that only grow: p counts increments, n counts decrements. */
export type PNCounterState = { p: { [replica: NodeId]: number }; n: { [replica: NodeId]: number } };

export class PNCounter {
  private s: PNCounterState = { p: {}, n: {} };

  /** `id` is this replica's name: the node's id, any string ("n2", "n10", "alice"). */
  constructor(readonly id: NodeId) {}

  /** Adds `by` (a positive integer). */
  increment(by = 1): void {
    todo("count `by` in this replica's entry of p");
  }

  /** Subtracts `by` (a positive integer) — by counting it upwards, in n. */
  decrement(by = 1): void {
    todo("count `by` in this replica's entry of n");
  }

  /** Every increment this replica knows of, minus every decrement. */
  value(): number {
    return todo("sum of p minus sum of n");
  }

  state(): PNCounterState {
    return todo("return the two maps");
  }

  /** Entry-wise max, separately in p and in n. */
  merge(other: PNCounterState): void {
    todo("merge p with p and n with n");
  }
}
