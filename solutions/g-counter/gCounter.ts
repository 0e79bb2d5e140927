// Reference solution for `g-counter`: a grow-only counter (lesson 11, "Counters").

import type { NodeId } from "faultline/sim";

/** How many increments each replica has made: replica id → its own count. */
export type GCounterState = { [replica: NodeId]: number };

export class GCounter {
  private counts: GCounterState = {};

  constructor(readonly id: NodeId) {}

  /** Counts `by` (a positive integer) at this replica. */
  increment(by = 1): void {
    // Each replica only ever writes its own entry, so no two replicas race on one.
    this.counts[this.id] = (this.counts[this.id] ?? 0) + by;
  }

  /** The total: every replica's count added up. */
  value(): number {
    let sum = 0;
    for (const n of Object.values(this.counts)) sum += n;
    return sum;
  }

  state(): GCounterState {
    return this.counts;
  }

  merge(other: GCounterState): void {
    // Entry-wise max: an entry only grows, so the larger one has seen more of
    // that replica's increments. (A sum would count a state received twice twice.)
    for (const [replica, n] of Object.entries(other)) {
      if (n > (this.counts[replica] ?? 0)) this.counts[replica] = n;
    }
  }
}
