// Reference solution for `vector-clock` (Fidge 1988; Mattern 1989).

import type { NodeId } from "faultline/sim";

/** One counter per node: how many of that node's events this event has seen. */
export type VClock = { [node: NodeId]: number };

export type Order = "before" | "after" | "equal" | "concurrent";

export class VectorClock {
  private v: VClock = {};

  constructor(
    readonly self: NodeId,
    readonly nodes: readonly NodeId[],
  ) {
    for (const n of nodes) this.v[n] = 0;
  }

  private tick(): VClock {
    this.v[this.self] = (this.v[this.self] ?? 0) + 1;
    return { ...this.v }; // a copy: the caller keeps it, we keep counting
  }

  localEvent(): VClock {
    return this.tick();
  }

  send(): VClock {
    return this.tick();
  }

  receive(stamp: VClock): VClock {
    // Everything the sender had seen, this node has now seen too.
    for (const [n, c] of Object.entries(stamp)) this.v[n] = Math.max(this.v[n] ?? 0, c);
    return this.tick();
  }
}

/** How event a relates to event b, judged by their vector timestamps alone. */
export function compare(a: VClock, b: VClock): Order {
  let less = false;
  let greater = false;
  for (const n of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[n] ?? 0;
    const y = b[n] ?? 0;
    if (x < y) less = true;
    if (x > y) greater = true;
  }
  if (less && greater) return "concurrent";
  if (less) return "before";
  if (greater) return "after";
  return "equal";
}
