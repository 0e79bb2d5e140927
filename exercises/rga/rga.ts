// Exercise `rga` — shared text that several people edit at once, after Roh et
// al.'s Replicated Growable Array (2011). Lesson: lessons/11-crdts.md
// ("Text: the replicated growable array").
//
// This CRDT is operation-based. A local edit returns an operation; the lab's
// causal broadcast (runner/suites/support/causal.ts) delivers it to every other
// replica exactly once, and never before the operations its sender had seen,
// by calling apply(op) there. You never see a duplicate, and never a delete
// before its insert. What you must get right: concurrent inserts at the same
// spot land in the same order on every replica.
//
// The plan:
//   - Keep every element ever inserted in one list, in document order,
//     deleted ones included (a delete only marks a tombstone: a later insert
//     may still name the deleted element as its reference).
//   - Ids are Lamport timestamps: counter = 1 + the largest counter seen
//     (local or remote), with your replica id. compareIds() orders them.
//   - To place an insert: start right after its reference (or at the start),
//     move right past every element whose id is greater than the new one,
//     and insert there. Local and remote inserts use the same rule.
//
// Run `npx faultline grade rga` to check your work.

import { todo, type NodeId } from "faultline/sim";

/** An element's id: a Lamport timestamp (counter, replica). Unique, and greater for later inserts. */
export type ElemId = { counter: number; replica: NodeId };

/** Insert `char` right after element `after` (null: at the start). */
export type RgaInsert = { type: "insert"; id: ElemId; after: ElemId | null; char: string };
/** Delete element `id` (it stays as a tombstone). */
export type RgaDelete = { type: "delete"; id: ElemId };
export type RgaOp = RgaInsert | RgaDelete;

/** > 0 when a has priority over b: greater counter, then greater replica id. (Given.) */
export function compareIds(a: ElemId, b: ElemId): number {
  if (a.counter !== b.counter) return a.counter - b.counter;
  return a.replica < b.replica ? -1 : a.replica > b.replica ? 1 : 0;
}

/** (Given.) */
export function sameId(a: ElemId, b: ElemId): boolean {
  return a.counter === b.counter && a.replica === b.replica;
}

type Elem = { id: ElemId; char: string; deleted: boolean };

export class Rga {
  /** Every element ever inserted, deleted ones included, in document order. */
  private elems: Elem[] = [];
  /** The largest counter seen, local or remote (Lamport clock). */
  private clock = 0;

  /** `id` is this replica's name: the node's id, any string ("n2", "n10", "alice"). */
  constructor(readonly id: NodeId) {}

  /**
   * Inserts `char` right after `after` (null: at the start), here and now,
   * and returns the operation for the lab to broadcast. In this replica's own
   * view the new character must sit immediately after `after`.
   */
  insertAfter(after: ElemId | null, char: string): RgaInsert {
    return todo("make a fresh id, place the element, return the insert operation");
  }

  /** Deletes element `id` (mark it deleted) and returns the operation to broadcast. */
  remove(id: ElemId): RgaDelete {
    return todo("tombstone the element and return the delete operation");
  }

  /** A remote operation, delivered exactly once, in causal order. Keep your Lamport clock up to date. */
  apply(op: RgaOp): void {
    todo("apply a remote insert or delete");
  }

  /** The visible text. */
  toString(): string {
    return todo("the characters that are not deleted, in order");
  }

  /** The ids of the visible characters, in order: ids()[i] is the id of toString()[i]. */
  ids(): ElemId[] {
    return todo("the ids of the characters that are not deleted, in order");
  }
}
