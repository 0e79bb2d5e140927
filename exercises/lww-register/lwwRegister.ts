// Exercise `lww-register` — a last-writer-wins register, the conflict
// resolution of most key-value stores. Lesson: lessons/11-crdts.md
// ("Registers: last writer wins").
//
// Every write is stamped with (time, replica): the node's clock — which may
// be skewed — and the replica's id to break ties. Merging two states keeps
// the write with the greater stamp; the other is silently thrown away.
// That is the whole data type, and the lesson shows what it costs.
//
// state() may return your own object (the lab copies it into messages); it
// must be JSON-compatible plain data.
//
// Run `npx faultline grade lww-register` to check your work.

import { todo, type NodeId } from "faultline/sim";

/** The winning write so far (null before any write). */
export type LwwState = { value: string; time: number; replica: NodeId } | null;

export class LwwRegister {
  private s: LwwState = null;

  /** `id` is this replica's name: the node's id, any string ("n2", "n10", "alice"). */
  constructor(readonly id: NodeId) {}

  /**
   * Writes `value` at this replica. `clock` is the node's clock (ctx.now()),
   * possibly skewed. Stamp the write (time, this.id) with time = clock —
   * unless that would not beat the write you already hold (your clock may be
   * behind a stamp you received): then use the held time + 1. A replica's own
   * write must win over everything it has already seen.
   */
  write(value: string, clock: number): void {
    todo("stamp the write and make it the held state");
  }

  /** The winning write's value, or null before any write. */
  value(): string | null {
    return todo("return the held value");
  }

  state(): LwwState {
    return todo("return the held write");
  }

  /**
   * Keeps whichever write has the greater (time, replica): later time first,
   * and on equal times the greater replica id (compare the strings). Without
   * the tie-break, two replicas holding writes with equal times would each
   * keep their own.
   */
  merge(other: LwwState): void {
    todo("keep the greater of the two writes");
  }
}
