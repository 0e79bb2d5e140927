// Reference solution for `pn-counter`: a counter that goes up and down
// (lesson 11, "Counters").

import type { NodeId } from "faultline/sim";

/** Per-replica counts that only grow: p counts increments, n counts decrements. */
export type PNCounterState = { p: { [replica: NodeId]: number }; n: { [replica: NodeId]: number } };

export class PNCounter {
  private s: PNCounterState = { p: {}, n: {} };

  constructor(readonly id: NodeId) {}

  increment(by = 1): void {
    this.s.p[this.id] = (this.s.p[this.id] ?? 0) + by;
  }

  decrement(by = 1): void {
    // A decrement is an increment of the other counter: entries never shrink,
    // so merging by max stays correct.
    this.s.n[this.id] = (this.s.n[this.id] ?? 0) + by;
  }

  value(): number {
    return sum(this.s.p) - sum(this.s.n);
  }

  state(): PNCounterState {
    return this.s;
  }

  merge(other: PNCounterState): void {
    maxInto(this.s.p, other.p);
    maxInto(this.s.n, other.n);
  }
}

function sum(counts: { [replica: NodeId]: number }): number {
  let total = 0;
  for (const x of Object.values(counts)) total += x;
  return total;
}

function maxInto(mine: { [replica: NodeId]: number }, theirs: { [replica: NodeId]: number }): void {
  for (const [replica, x] of Object.entries(theirs)) if (x > (mine[replica] ?? 0)) mine[replica] = x;
}
