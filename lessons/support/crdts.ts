// Lesson 11's replicated data types, for the lesson's cells (the CRDT
// exercises ask you to write your own). Each is a small object around plain
// data: the state-based ones offer state() and merge() for the lab's gossip
// node, the RGA offers apply() for its causal broadcast
// (runner/suites/support/crdtNode.ts).

import type { NodeId } from "../../runner/sim/index.ts";

// ---------------------------------------------------------------------------
// Last writer wins

export type Stamped = { value: string; time: number; by: NodeId };

/** Orders writes by (time, replica): equal times are broken the same way everywhere. */
const later = (a: Stamped, b: Stamped) => a.time > b.time || (a.time === b.time && a.by > b.by);

export function lwwRegister(self: NodeId) {
  let kept: Stamped | null = null;
  return {
    /** A write stamped with this replica's clock — or just past what it holds, so that its own write is never older than what it has seen. */
    write(value: string, clock: number) {
      kept = { value, time: kept && clock <= kept.time ? kept.time + 1 : clock, by: self };
    },
    value: () => kept?.value ?? null,
    state: () => kept,
    merge(other: Stamped | null) {
      if (other && (!kept || later(other, kept))) kept = { ...other };
    },
  };
}

// ---------------------------------------------------------------------------
// Multi-value register (version vectors)

export type Version = { value: string; vv: Record<NodeId, number> };

/** a's vector is at least b's everywhere, and the two differ: a has seen b. */
function seen(a: Record<NodeId, number>, b: Record<NodeId, number>): boolean {
  const keys = Object.keys({ ...a, ...b });
  return keys.every((k) => (a[k] ?? 0) >= (b[k] ?? 0)) && keys.some((k) => (a[k] ?? 0) > (b[k] ?? 0));
}

export function multiValueRegister(self: NodeId) {
  let versions: Version[] = [];
  return {
    /** A write that has seen every version held here, so it replaces them all. */
    write(value: string) {
      const vv: Record<NodeId, number> = {};
      for (const v of versions) for (const [r, n] of Object.entries(v.vv)) vv[r] = Math.max(vv[r] ?? 0, n);
      vv[self] = (vv[self] ?? 0) + 1;
      versions = [{ value, vv }];
    },
    values: () => versions.map((v) => v.value).sort(),
    state: () => versions,
    /** Keep every version no other version has seen (each once). */
    merge(other: Version[]) {
      const all = [...versions, ...other];
      const key = (v: Version) => JSON.stringify(Object.entries(v.vv).sort());
      const kept = all.filter((v) => !all.some((w) => seen(w.vv, v.vv)));
      versions = [...new Map(kept.map((v) => [key(v), v])).values()];
    },
  };
}

// ---------------------------------------------------------------------------
// Observed-remove set (add wins)

/** Every add's unique tag with its element, and the tags removed so far. */
export type Tagged = { adds: Record<string, string>; removed: string[] };

export function observedRemoveSet(self: NodeId) {
  const s: Tagged = { adds: {}, removed: [] };
  let made = 0;
  const live = () => Object.entries(s.adds).filter(([tag]) => !s.removed.includes(tag));
  return {
    add(element: string) {
      s.adds[`${self}.${++made}`] = element;
    },
    /** Removes the adds of `element` seen here; an add this replica has not seen survives. */
    remove(element: string) {
      for (const [tag, e] of live()) if (e === element) s.removed.push(tag);
    },
    values: () => [...new Set(live().map(([, e]) => e))].sort(),
    state: () => s,
    merge(other: Tagged) {
      Object.assign(s.adds, other.adds);
      for (const tag of other.removed) if (!s.removed.includes(tag)) s.removed.push(tag);
    },
  };
}

// ---------------------------------------------------------------------------
// Replicated growable array (text)

/** A character's id: (counter, replica), a Lamport timestamp. */
export type CharId = { n: number; at: NodeId };
export type TextOp = { op: "insert"; id: CharId; after: CharId | null; char: string } | { op: "delete"; id: CharId };
export type Char = { id: CharId; char: string; deleted: boolean };

/** a outranks b: the greater counter, then the greater replica id. */
const outranks = (a: CharId, b: CharId) => a.n > b.n || (a.n === b.n && a.at > b.at);
const same = (a: CharId | null, b: CharId) => a !== null && a.n === b.n && a.at === b.at;

export function growableArray(self: NodeId) {
  const chars: Char[] = []; // every character ever inserted, tombstones included, in text order
  let counter = 0;
  const place = (op: Extract<TextOp, { op: "insert" }>) => {
    let i = op.after === null ? 0 : chars.findIndex((c) => same(op.after, c.id)) + 1;
    // Skip what outranks the newcomer: later concurrent inserts at the same spot, and whatever follows them.
    while (i < chars.length && outranks(chars[i]!.id, op.id)) i++;
    chars.splice(i, 0, { id: op.id, char: op.char, deleted: false });
  };
  const kill = (id: CharId) => {
    const c = chars.find((c) => same(id, c.id));
    if (c) c.deleted = true; // a tombstone: a concurrent insert may still name it as its place
  };
  return {
    insertAfter(after: CharId | null, char: string): TextOp {
      const op = { op: "insert" as const, id: { n: ++counter, at: self }, after, char };
      place(op);
      return op;
    },
    remove(id: CharId): TextOp {
      kill(id);
      return { op: "delete", id };
    },
    apply(op: TextOp) {
      if (op.op === "delete") return kill(op.id);
      counter = Math.max(counter, op.id.n);
      place(op);
    },
    text: () => chars.filter((c) => !c.deleted).map((c) => c.char).join(""),
    /** The ids of the visible characters, in order. */
    ids: () => chars.filter((c) => !c.deleted).map((c) => c.id),
    /** Every character, tombstones included, in order (to see how a merge came about). */
    all: (): Char[] => chars.map((c) => ({ ...c, id: { ...c.id } })),
  };
}
