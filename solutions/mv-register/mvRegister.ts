// Reference solution for `mv-register`: a multi-value register with version
// vectors (lesson 11, "Registers that keep both").

import type { NodeId } from "faultline/sim";

/** How many writes of each replica a write had seen (itself included). */
export type VersionVector = { [replica: NodeId]: number };

/** The concurrent latest writes: no entry's vv dominates another's. */
export type MvState = { value: string; vv: VersionVector }[];

export class MvRegister {
  private entries: MvState = [];

  constructor(readonly id: NodeId) {}

  /** Replaces every value this replica has seen with `value`. */
  write(value: string): void {
    // The new vv dominates every entry we hold, so it replaces them wherever
    // it goes; our own count goes one past anything we have seen of ours.
    const vv: VersionVector = {};
    for (const e of this.entries) for (const [r, n] of Object.entries(e.vv)) vv[r] = Math.max(vv[r] ?? 0, n);
    vv[this.id] = (vv[this.id] ?? 0) + 1;
    this.entries = [{ value, vv }];
  }

  /** The values of the concurrent latest writes, sorted: one per entry (two concurrent writes of one value are two siblings). */
  value(): string[] {
    return this.entries.map((e) => e.value).sort();
  }

  state(): MvState {
    return this.entries;
  }

  merge(other: MvState): void {
    const all = [...this.entries, ...other];
    // Keep an entry unless another one has seen it (dominates it); of two
    // identical entries (the same write, known to both sides) keep the first.
    this.entries = all.filter((e, i) => !all.some((f, j) => dominates(f.vv, e.vv) || (j < i && sameVV(f.vv, e.vv))));
  }
}

/** a has seen everything b has, and more. */
function dominates(a: VersionVector, b: VersionVector): boolean {
  let more = false;
  for (const r of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[r] ?? 0;
    const y = b[r] ?? 0;
    if (x < y) return false;
    if (x > y) more = true;
  }
  return more;
}

function sameVV(a: VersionVector, b: VersionVector): boolean {
  return !dominates(a, b) && !dominates(b, a) && Object.keys({ ...a, ...b }).every((r) => (a[r] ?? 0) === (b[r] ?? 0));
}
