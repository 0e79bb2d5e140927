// Exercise `or-set` — an observed-remove set (a shopping cart, say) that
// replicas change concurrently. Lesson: lessons/11-crdts.md ("Sets: who wins,
// add or remove?").
//
// The rule is "add wins": a remove deletes only the adds it has *seen*. If
// Alice removes "milk" while Bob, concurrently, adds "milk" again, the merged
// cart has milk. To make that possible, every add gets a unique tag; a remove
// tombstones the tags of the element it can see right now; an element is in
// the set when it has a tag that is not tombstoned.
//
// state() may return your own object (the lab copies it into messages); it
// must be JSON-compatible plain data (no Map/Set: arrays of tuples are fine).
//
// Run `npx faultline grade or-set` to check your work.

import { todo, type NodeId } from "faultline/sim";

/** A unique name for one add: `${replica}:${n}`. */
export type Tag = string;

/** Every (element, tag) ever added, and the tags removed since (tombstones). */
export type OrSetState = { adds: [element: string, tag: Tag][]; removed: Tag[] };

export class OrSet {
  private s: OrSetState = { adds: [], removed: [] };
  /** How many tags this replica has made. Never reuse a number. */
  private seq = 0;

  /** `id` is this replica's name: the node's id, any string ("n2", "n10", "alice"). */
  constructor(readonly id: NodeId) {}

  /** Adds `element` with a fresh tag `${this.id}:${n}` (even if it is already in the set). */
  add(element: string): void {
    todo("record [element, fresh tag] in adds");
  }

  /** Tombstones every tag of `element` that this replica can see now — and nothing else. */
  remove(element: string): void {
    todo("move the element's visible tags into removed");
  }

  /** Whether `element` has a tag that is not tombstoned. */
  has(element: string): boolean {
    return todo("look for a live tag of the element");
  }

  /** The elements with at least one live tag, sorted. */
  value(): string[] {
    return todo("the elements with a live tag, sorted, each once");
  }

  state(): OrSetState {
    return todo("return adds and removed");
  }

  /** Union of the adds and union of the tombstones, without keeping anything twice. */
  merge(other: OrSetState): void {
    todo("union adds (by tag) and union removed");
  }
}
