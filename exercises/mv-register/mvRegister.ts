// Exercise `mv-register` — a multi-value register: instead of picking a
// winner among concurrent writes, keep them all and let the application (or
// the user) resolve them, like Riak's siblings or Dynamo's shopping cart.
// Lesson: lessons/11-crdts.md ("Registers that keep both").
//
// Each write carries a version vector: how many writes of each replica it had
// seen, itself included. Write B has seen write A when B's vector is >= A's
// everywhere (and they differ): then B replaces A. When neither has seen the
// other, they are concurrent and both stay.
//
// state() may return your own array (the lab copies it into messages); it
// must be JSON-compatible plain data.
//
// Run `npx faultline grade mv-register` to check your work.

import { todo, type NodeId } from "faultline/sim";

/** How many writes of each replica a write had seen (itself included). */
export type VersionVector = { [replica: NodeId]: number };

/** The concurrent latest writes: no entry's vv dominates another's. */
export type MvState = { value: string; vv: VersionVector }[];

export class MvRegister {
  private entries: MvState = [];

  /** `id` is this replica's name: the node's id, any string ("n2", "n10", "alice"). */
  constructor(readonly id: NodeId) {}

  /**
   * Replaces every value this replica has seen with `value`. Its vv: the
   * entry-wise max of all the entries' vvs, with your own entry one higher.
   * It then becomes the only entry.
   */
  write(value: string): void {
    todo("build a vv that dominates every entry, and make the write the only entry");
  }

  /**
   * The values of the concurrent latest writes, sorted ([] before any write):
   * one value per entry, so two concurrent writes of the same value appear twice.
   */
  value(): string[] {
    return todo("the entries' values, sorted");
  }

  state(): MvState {
    return todo("return the entries");
  }

  /**
   * Both sides' entries, minus every entry some other entry dominates (>=
   * everywhere, > somewhere), and without keeping the same write twice (two
   * entries with equal vvs are the same write).
   */
  merge(other: MvState): void {
    todo("union, then drop dominated entries and duplicates");
  }
}
