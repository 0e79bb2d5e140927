// Lesson 02's logical clocks, for the lesson's cells (the `lamport-clock` and
// `vector-clock` exercises ask you to write your own). `VectorClock` and
// `compare` have the shape of the `vector-clock` exercise's module, so a cell
// can run the learner's in their place once it passes (faultline/yours);
// `withLamport` stamps the same events with a Lamport clock beside it.

import type { NodeId } from "../../runner/sim/index.ts";
import type { ClockLike } from "../../runner/suites/support/clocks.ts";

export type Vector = Record<NodeId, number>;
export type Stamp = { lamport: number; vector: Vector };
export type Order = "before" | "after" | "equal" | "concurrent";

/** One process's vector clock: every event counts in its own entry; a receive first takes the entry-wise maximum. */
export class VectorClock {
  private readonly v: Vector;
  constructor(
    readonly self: NodeId,
    nodes: readonly NodeId[],
  ) {
    this.v = Object.fromEntries(nodes.map((n) => [n, 0]));
  }
  private tick(): Vector {
    this.v[this.self] = (this.v[this.self] ?? 0) + 1;
    return { ...this.v };
  }
  localEvent(): Vector {
    return this.tick();
  }
  send(): Vector {
    return this.tick();
  }
  receive(stamp: Vector): Vector {
    for (const n of Object.keys(stamp)) this.v[n] = Math.max(this.v[n] ?? 0, stamp[n]!);
    return this.tick();
  }
}

/** How event a relates to event b, from their vectors alone (a missing entry counts as 0). */
export function compare(a: Vector, b: Vector): Order {
  const names = Object.keys({ ...a, ...b });
  const aBehind = names.some((n) => (a[n] ?? 0) < (b[n] ?? 0));
  const bBehind = names.some((n) => (b[n] ?? 0) < (a[n] ?? 0));
  return aBehind ? (bBehind ? "concurrent" : "before") : bBehind ? "after" : "equal";
}

type VectorClockClass = new (self: NodeId, nodes: readonly NodeId[]) => { localEvent(): Vector; send(): Vector; receive(stamp: Vector): Vector };

/** Both clocks of one process: a Lamport counter beside the given vector clock, ticking on the same events. */
export function withLamport(Clock: VectorClockClass): (self: NodeId, nodes: readonly NodeId[]) => ClockLike<Stamp> {
  return (self, nodes) => {
    const vc = new Clock(self, nodes);
    let lamport = 0;
    const stamp = (vector: Vector, heard?: number): Stamp => {
      lamport = Math.max(lamport, heard ?? 0) + 1;
      return { lamport, vector };
    };
    return { localEvent: () => stamp(vc.localEvent()), send: () => stamp(vc.send()), receive: (heard) => stamp(vc.receive({ ...heard.vector }), heard.lamport) };
  };
}
