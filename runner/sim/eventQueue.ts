// One ordered event queue: a binary min-heap keyed by (time, sequence number).
// The sequence number makes ties deterministic: first scheduled, first run.

export interface Queued {
  t: number;
  seq: number;
}

export class EventQueue<E extends Queued> {
  private heap: E[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Stamps `e.seq` and inserts it. */
  push(e: E): void {
    e.seq = this.nextSeq++;
    const h = this.heap;
    let i = h.length;
    h.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p]!;
      if (parent.t < e.t || (parent.t === e.t && parent.seq < e.seq)) break;
      h[i] = parent;
      i = p;
    }
    h[i] = e;
  }

  peek(): E | undefined {
    return this.heap[0];
  }

  pop(): E | undefined {
    return this.popUntil(Infinity);
  }

  /** Removes and returns the first entry if it is due at or before `t`; otherwise leaves the queue as it is. */
  popUntil(t: number): E | undefined {
    const h = this.heap;
    const top = h[0];
    if (top === undefined || top.t > t) return undefined;
    const last = h.pop()!;
    const n = h.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let c = l;
        let child = h[l]!;
        if (r < n) {
          const rc = h[r]!;
          if (rc.t < child.t || (rc.t === child.t && rc.seq < child.seq)) {
            c = r;
            child = rc;
          }
        }
        if (last.t < child.t || (last.t === child.t && last.seq < child.seq)) break;
        h[i] = child;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }

  /** Removes every entry for which `drop` is true (rare: used on crash). */
  removeWhere(drop: (e: E) => boolean): void {
    const kept = this.heap.filter((e) => !drop(e));
    kept.sort((a, b) => a.t - b.t || a.seq - b.seq);
    this.heap = kept;
  }
}
