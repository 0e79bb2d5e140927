// Happened-before (Lamport 1978) over a recorded run: the smallest transitive
// relation containing "earlier on the same node" and "a send before its
// receive". Pure: a list of events in, a relation out.

export interface CausalEvent {
  /** The node the event happened on. */
  node: string;
  /** A unique name for the event, e.g. "n2#5". */
  ev: string;
  /** For a receive: the name of the send it receives. */
  sendEv?: string | undefined;
}

export interface Causality {
  /** happenedBefore(i, j): event i happened before event j (indices into the input). */
  happenedBefore(i: number, j: number): boolean;
  /** Neither happened before the other (and i ≠ j). */
  concurrent(i: number, j: number): boolean;
  /** A chain of event names witnessing i → j, e.g. ["n1#2", "n2#3", "n2#4"]; [] if there is none. */
  chain(i: number, j: number): string[];
}

/**
 * Builds the relation. Events must be listed in an order that respects it
 * (each event after its predecessor on the node and after the send it
 * receives), as a simulation's outputs are. Throws on a receive of an unknown
 * or later send.
 */
export function causality(events: readonly CausalEvent[]): Causality {
  const n = events.length;
  const words = Math.ceil(n / 32) || 1;
  const anc: Uint32Array[] = [];
  const parents: number[][] = [];
  const index = new Map<string, number>();
  const lastOf = new Map<string, number>();
  events.forEach((e, i) => {
    if (index.has(e.ev)) throw new Error(`event name ${e.ev} is used twice`);
    const a = new Uint32Array(words);
    const ps: number[] = [];
    const prev = lastOf.get(e.node);
    if (prev !== undefined) ps.push(prev);
    if (e.sendEv !== undefined) {
      const s = index.get(e.sendEv);
      if (s === undefined) throw new Error(`${e.ev} receives ${e.sendEv}, which is not an earlier event`);
      ps.push(s);
    }
    for (const p of ps) {
      const pa = anc[p]!;
      for (let w = 0; w < words; w++) a[w]! |= pa[w]!;
      a[p >>> 5]! |= 1 << (p & 31);
    }
    anc.push(a);
    parents.push(ps);
    index.set(e.ev, i);
    lastOf.set(e.node, i);
  });
  const hb = (i: number, j: number) => i !== j && ((anc[j]![i >>> 5]! >>> (i & 31)) & 1) === 1;
  return {
    happenedBefore: hb,
    concurrent: (i, j) => i !== j && !hb(i, j) && !hb(j, i),
    chain(i, j) {
      if (!hb(i, j)) return [];
      // Walk back from j through parents that still have i as an ancestor (or are i).
      const path = [events[j]!.ev];
      let cur = j;
      while (cur !== i) {
        cur = parents[cur]!.find((p) => p === i || hb(i, p))!;
        path.push(events[cur]!.ev);
      }
      return path.reverse();
    },
  };
}
