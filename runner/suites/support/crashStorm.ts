// Crash storms: fault schedules made of crashes and restarts that line up the
// way random `crash`/`restart` operations rarely do. Each bout takes a node
// down, briefly (a crash right after it acted) or for a long outage, brings it
// back, and may crash it again soon after the restart (a crash during its own
// recovery, or a node that fails again after a long outage). Nodes can be
// weighted, so a scenario can aim the storm at its coordinator.
// Plain data, so failing schedules shrink like any other.

import fc from "fast-check";
import type { FaultOp, NodeId, Schedule } from "../../sim/index.ts";

export interface CrashStormOptions {
  nodes: readonly NodeId[];
  /** Bouts start in [0, durationMs). */
  durationMs: number;
  /** Relative chance of each node being hit (default 1 each). */
  weights?: Readonly<Record<NodeId, number>>;
  /** At most this many bouts. */
  maxCrashes: number;
  /** A brief outage, or the gap before a crash during recovery, is at most this long. */
  shortDownMs: number;
  /** A long outage is at most this long. */
  longDownMs: number;
}

/** When the last operation of any storm drawn with these options has happened. */
export function crashStormEnd(o: CrashStormOptions): number {
  return o.durationMs + o.longDownMs + 2 * o.shortDownMs;
}

export function crashStormArb(o: CrashStormOptions): fc.Arbitrary<Schedule> {
  const node = fc.oneof(...o.nodes.map((n) => ({ arbitrary: fc.constant(n), weight: o.weights?.[n] ?? 1 })));
  const short = fc.integer({ min: 0, max: o.shortDownMs });
  const down = fc.oneof({ arbitrary: short, weight: 3 }, { arbitrary: fc.integer({ min: o.shortDownMs, max: o.longDownMs }), weight: 1 });
  const bout = fc.record({
    node,
    at: fc.integer({ min: 0, max: o.durationMs - 1 }),
    downMs: down,
    /** Crashed again this long after the restart, and down that long again (null: once is enough). */
    again: fc.option(fc.record({ afterMs: short, downMs: short }), { freq: 2 }),
  });
  return fc.array(bout, { maxLength: o.maxCrashes }).map((bouts) => {
    const ops: FaultOp[] = [];
    for (const b of bouts) {
      const back = b.at + b.downMs;
      ops.push({ at: b.at, op: "crash", node: b.node }, { at: back, op: "restart", node: b.node });
      if (b.again) ops.push({ at: back + b.again.afterMs, op: "crash", node: b.node }, { at: back + b.again.afterMs + b.again.downMs, op: "restart", node: b.node });
    }
    // A stable sort: a crash and its restart at the same instant stay in that order.
    return ops.sort((x, y) => x.at - y.at);
  });
}
