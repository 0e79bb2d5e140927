// Reference solution for `lww-register`: last writer wins, by timestamp
// (lesson 11, "Registers: last writer wins").

import type { NodeId } from "faultline/sim";

/** The winning write so far (null before any write). */
export type LwwState = { value: string; time: number; replica: NodeId } | null;

export class LwwRegister {
  private s: LwwState = null;

  constructor(readonly id: NodeId) {}

  /** Writes `value` at this replica; `clock` is the node's clock (ctx.now()), possibly skewed. */
  write(value: string, clock: number): void {
    let time = clock;
    // Our own write must beat what we already hold, or it would vanish the
    // moment we make it. A clock behind the held timestamp cannot give that,
    // so step just past it (the write is causally after what we have seen).
    if (this.s !== null && time <= this.s.time) time = this.s.time + 1;
    this.s = { value, time, replica: this.id };
  }

  value(): string | null {
    return this.s === null ? null : this.s.value;
  }

  state(): LwwState {
    return this.s;
  }

  merge(other: LwwState): void {
    if (other !== null && (this.s === null || wins(other, this.s))) this.s = { ...other };
  }
}

/** (time, replica) order: the later time wins; on equal times the greater replica id does, so every replica picks the same write. */
function wins(a: NonNullable<LwwState>, b: NonNullable<LwwState>): boolean {
  return a.time > b.time || (a.time === b.time && a.replica > b.replica);
}
