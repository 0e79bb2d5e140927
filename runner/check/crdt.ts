// Checkers for the CRDT track: what a replica's state and value should be,
// computed from the history of updates rather than from any implementation.
//
// - canonical(): one string per state, so "a ⊔ b equals b ⊔ a" can be
//   checked whatever order a learner keeps their arrays and keys in.
// - exact(): one string per value, arrays in order: every data type of the
//   track defines the order of its value (sorted sets, a text), so replicas
//   whose values list the same elements in different orders do not agree.
// - addWinsValue(): the OR-Set's specification (an element is present when
//   some add of it was not observed by any remove).
// - maximalWrites(): the MV-Register's specification (the writes no other
//   write has seen).
// - lwwWinner(): the greatest (timestamp, replica) pair.
// - rgaOrder(): the RGA's sequence as a tree walk (each element after the one
//   it was inserted after; siblings by descending id), independent of the
//   linear "skip greater ids" algorithm learners write.
//
// Pure: no I/O, no vitest.

/** Thrown when a state is not JSON-compatible plain data. */
export class NotPlainData extends Error {
  constructor(readonly path: string, readonly problem: string) {
    super(`${path} ${problem}`);
    this.name = "NotPlainData";
  }
}

/**
 * A canonical string for JSON-compatible data: object keys sorted, and arrays
 * read as multisets (sorted by their elements' canonical strings), since every
 * state in this track keeps sets in arrays. Duplicates are kept: a merge that
 * duplicates entries is not idempotent and should be seen to differ.
 */
export function canonical(v: unknown, path = "state"): string {
  return plain(v, path, true);
}

/** Like canonical(), but arrays keep their order: for values, whose order the data type defines. */
export function exact(v: unknown, path = "value()"): string {
  return plain(v, path, false);
}

function plain(v: unknown, path: string, arraysAsSets: boolean): string {
  if (v === null) return "null";
  switch (typeof v) {
    case "string":
      return JSON.stringify(v);
    case "boolean":
      return String(v);
    case "number":
      if (!Number.isFinite(v)) throw new NotPlainData(path, `is ${v}, which JSON cannot carry`);
      return String(Object.is(v, -0) ? 0 : v);
    case "object": {
      if (Array.isArray(v)) {
        const items = v.map((x, i) => plain(x, `${path}[${i}]`, arraysAsSets));
        return `[${(arraysAsSets ? items.sort() : items).join(",")}]`;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) {
        const what = v instanceof Map ? "a Map" : v instanceof Set ? "a Set" : `an instance of ${(v as object).constructor?.name ?? "a class"}`;
        throw new NotPlainData(path, `is ${what}; states travel in messages, so use plain objects and arrays`);
      }
      const keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${plain((v as Record<string, unknown>)[k], `${path}.${k}`, arraysAsSets)}`).join(",")}}`;
    }
    default:
      throw new NotPlainData(path, `is a ${typeof v}, which JSON cannot carry`);
  }
}

/** Short, readable JSON for messages (not canonical). */
export function brief(v: unknown, max = 160): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

// ---------------------------------------------------------------------------
// OR-Set

export type SetEvent =
  | { id: number; kind: "add"; element: string }
  /** A remove, with the add events (ids) of that element its replica had seen. */
  | { id: number; kind: "remove"; element: string; observed: readonly number[] };

/** Add-wins: an element is in the set when some add of it was not observed by any remove. Sorted. */
export function addWinsValue(events: readonly SetEvent[]): string[] {
  const removed = new Set<number>();
  for (const e of events) if (e.kind === "remove") for (const a of e.observed) removed.add(a);
  const present = new Set<string>();
  for (const e of events) if (e.kind === "add" && !removed.has(e.id)) present.add(e.element);
  return [...present].sort();
}

// ---------------------------------------------------------------------------
// MV-Register

export interface WriteEvent {
  id: number;
  value: string;
  /** Ids of the writes the writing replica had seen (its causal past). */
  past: readonly number[];
}

/**
 * The values of the writes that no other write (in `writes`) has seen: the
 * concurrent latest writes (siblings), one value per write, sorted. Two
 * concurrent writes of the same value are two siblings.
 */
export function maximalWrites(writes: readonly WriteEvent[]): string[] {
  const overwritten = new Set<number>();
  for (const w of writes) for (const p of w.past) overwritten.add(p);
  return writes.filter((w) => !overwritten.has(w.id)).map((w) => w.value).sort();
}

// ---------------------------------------------------------------------------
// LWW-Register

export interface Stamp {
  time: number;
  replica: string;
}

/** Total order on (time, replica): time first, the replica id breaks ties. */
export function compareStamps(a: Stamp, b: Stamp): number {
  if (a.time !== b.time) return a.time < b.time ? -1 : 1;
  return a.replica < b.replica ? -1 : a.replica > b.replica ? 1 : 0;
}

/** The value of the write with the greatest (time, replica), or null with no writes. */
export function lwwWinner(writes: readonly (Stamp & { value: string })[]): string | null {
  let best: (Stamp & { value: string }) | null = null;
  for (const w of writes) if (best === null || compareStamps(w, best) > 0) best = w;
  return best ? best.value : null;
}

// ---------------------------------------------------------------------------
// RGA

export interface RgaId {
  counter: number;
  replica: string;
}

export function rgaKey(id: RgaId): string {
  return `${id.counter}@${id.replica}`;
}

/** Descending RGA priority: the greater (counter, replica) comes first among siblings. */
function byPriority(a: RgaId, b: RgaId): number {
  return b.counter - a.counter || (a.replica < b.replica ? 1 : a.replica > b.replica ? -1 : 0);
}

/**
 * The specified order of every inserted element (deleted ones included):
 * a depth-first walk of the tree in which each element hangs under the one it
 * was inserted after (the root for "at the start"), children visited in
 * descending (counter, replica) order. Returns element keys (rgaKey).
 */
export function rgaOrder(inserts: readonly { id: RgaId; after: RgaId | null }[]): string[] {
  const children = new Map<string, RgaId[]>();
  for (const ins of inserts) {
    const parent = ins.after ? rgaKey(ins.after) : "";
    const list = children.get(parent) ?? [];
    list.push(ins.id);
    children.set(parent, list);
  }
  for (const list of children.values()) list.sort(byPriority);
  const out: string[] = [];
  // Iterative DFS, so long texts do not exhaust the stack.
  const stack: string[] = [...(children.get("") ?? [])].reverse().map(rgaKey);
  while (stack.length) {
    const k = stack.pop()!;
    out.push(k);
    const kids = children.get(k);
    if (kids) for (let i = kids.length - 1; i >= 0; i--) stack.push(rgaKey(kids[i]!));
  }
  return out;
}
