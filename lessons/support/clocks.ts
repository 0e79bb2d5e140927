// Lesson 02's logical clocks, for the lesson's cells (the `lamport-clock` and
// `vector-clock` exercises ask you to write your own): one process's Lamport
// clock and vector clock, stamping the same events side by side.

import type { NodeId } from "../../runner/sim/index.ts";
import type { ClockLike } from "../../runner/suites/support/clocks.ts";

export type Vector = Record<NodeId, number>;
export type Stamp = { lamport: number; vector: Vector };
export type Order = "before" | "after" | "equal" | "concurrent";

/** Both clocks of process `self` among `nodes`: every event ticks both; a receive first catches up with the sender's stamp. */
export function twoClocks(self: NodeId, nodes: readonly NodeId[]): ClockLike<Stamp> {
  let lamport = 0;
  const vector: Vector = Object.fromEntries(nodes.map((n) => [n, 0]));
  const event = (heard?: Stamp): Stamp => {
    lamport = Math.max(lamport, heard?.lamport ?? 0) + 1;
    for (const n of Object.keys(heard?.vector ?? {})) vector[n] = Math.max(vector[n] ?? 0, heard!.vector[n]!);
    vector[self] = (vector[self] ?? 0) + 1;
    return { lamport, vector: { ...vector } };
  };
  return { localEvent: () => event(), send: () => event(), receive: (heard) => event(heard) };
}

/** How event a relates to event b, from their vectors alone (a missing entry counts as 0). */
export function vectorOrder(a: Vector, b: Vector): Order {
  const names = Object.keys({ ...a, ...b });
  const aBehind = names.some((n) => (a[n] ?? 0) < (b[n] ?? 0));
  const bBehind = names.some((n) => (b[n] ?? 0) < (a[n] ?? 0));
  return aBehind ? (bBehind ? "concurrent" : "before") : bBehind ? "after" : "equal";
}
