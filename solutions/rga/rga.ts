// Reference solution for `rga`: a replicated growable array for shared text
// (lesson 11, "Text: the replicated growable array"), after Roh et al. 2011.

import type { NodeId } from "faultline/sim";

/** An element's id: a Lamport timestamp (counter, replica). Unique, and greater for later inserts. */
export type ElemId = { counter: number; replica: NodeId };

/** Insert `char` right after element `after` (null: at the start). */
export type RgaInsert = { type: "insert"; id: ElemId; after: ElemId | null; char: string };
/** Delete element `id` (it stays as a tombstone). */
export type RgaDelete = { type: "delete"; id: ElemId };
export type RgaOp = RgaInsert | RgaDelete;

/** > 0 when a has priority over b: greater counter, then greater replica id. */
export function compareIds(a: ElemId, b: ElemId): number {
  if (a.counter !== b.counter) return a.counter - b.counter;
  return a.replica < b.replica ? -1 : a.replica > b.replica ? 1 : 0;
}

export function sameId(a: ElemId, b: ElemId): boolean {
  return a.counter === b.counter && a.replica === b.replica;
}

type Elem = { id: ElemId; char: string; deleted: boolean };

export class Rga {
  /** Every element ever inserted, deleted ones included, in document order. */
  private elems: Elem[] = [];
  /** The largest counter seen, local or remote (Lamport clock). */
  private clock = 0;

  constructor(readonly id: NodeId) {}

  /** Inserts `char` right after `after` (null: at the start) and returns the operation to broadcast. */
  insertAfter(after: ElemId | null, char: string): RgaInsert {
    // One more than anything seen: the new element outranks every element
    // already after its reference here, so it lands right after it.
    const op: RgaInsert = { type: "insert", id: { counter: ++this.clock, replica: this.id }, after, char };
    this.integrate(op);
    return op;
  }

  /** Deletes element `id` and returns the operation to broadcast. */
  remove(id: ElemId): RgaDelete {
    const op: RgaDelete = { type: "delete", id };
    this.markDeleted(id);
    return op;
  }

  /** A remote operation, delivered exactly once and after every operation its sender had seen. */
  apply(op: RgaOp): void {
    if (op.type === "insert") {
      this.clock = Math.max(this.clock, op.id.counter);
      this.integrate(op);
    } else {
      this.markDeleted(op.id);
    }
  }

  toString(): string {
    let s = "";
    for (const e of this.elems) if (!e.deleted) s += e.char;
    return s;
  }

  /** The ids of the visible characters, in order: ids()[i] is the id of toString()[i]. */
  ids(): ElemId[] {
    return this.elems.filter((e) => !e.deleted).map((e) => e.id);
  }

  private indexOf(id: ElemId): number {
    const i = this.elems.findIndex((e) => sameId(e.id, id));
    if (i < 0) throw new Error(`element ${id.counter}@${id.replica} is unknown here (causal delivery should have brought it first)`);
    return i;
  }

  private integrate(op: RgaInsert): void {
    let i = op.after === null ? 0 : this.indexOf(op.after) + 1;
    // Skip the elements that outrank the new one: concurrent inserts at the
    // same spot with greater ids, and everything inserted after those. Every
    // replica skips the same ones, so every replica puts it in the same place.
    while (i < this.elems.length && compareIds(this.elems[i]!.id, op.id) > 0) i++;
    this.elems.splice(i, 0, { id: op.id, char: op.char, deleted: false });
  }

  private markDeleted(id: ElemId): void {
    // A tombstone, not a removal: later inserts may still name it as their reference.
    this.elems[this.indexOf(id)]!.deleted = true;
  }
}
