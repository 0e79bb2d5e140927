// Reference solution for `or-set`: the observed-remove set, add-wins
// (lesson 11, "Sets: who wins, add or remove?").

import type { NodeId } from "faultline/sim";

/** A unique name for one add: `${replica}:${n}`. */
export type Tag = string;

/** Every (element, tag) ever added, and the tags removed since (tombstones). */
export type OrSetState = { adds: [element: string, tag: Tag][]; removed: Tag[] };

export class OrSet {
  private s: OrSetState = { adds: [], removed: [] };
  /** How many tags this replica has made; never reused, so tags stay unique. */
  private seq = 0;

  constructor(readonly id: NodeId) {}

  add(element: string): void {
    // A fresh tag per add: a remove elsewhere can only cancel tags it has seen,
    // so this add survives any concurrent remove.
    this.s.adds.push([element, `${this.id}:${++this.seq}`]);
  }

  remove(element: string): void {
    // Tombstone exactly the tags observed here, now. Adds we have not seen keep theirs.
    for (const [e, tag] of this.s.adds) if (e === element && !this.s.removed.includes(tag)) this.s.removed.push(tag);
  }

  has(element: string): boolean {
    return this.s.adds.some(([e, tag]) => e === element && !this.s.removed.includes(tag));
  }

  /** The elements with at least one live tag, sorted. */
  value(): string[] {
    const removed = new Set(this.s.removed);
    const present = new Set<string>();
    for (const [e, tag] of this.s.adds) if (!removed.has(tag)) present.add(e);
    return [...present].sort();
  }

  state(): OrSetState {
    return this.s;
  }

  merge(other: OrSetState): void {
    // Union of adds and union of tombstones (both grow only).
    const known = new Set(this.s.adds.map(([, tag]) => tag));
    for (const [e, tag] of other.adds) if (!known.has(tag)) this.s.adds.push([e, tag]);
    const gone = new Set(this.s.removed);
    for (const tag of other.removed) if (!gone.has(tag)) this.s.removed.push(tag);
  }
}
