// Shrinking a planted bug: random fault schedules find it, fast-check shrinks
// the schedule to the smallest one that still breaks the invariant, and the
// reported {seed, path} replays that same counterexample.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cluster, scheduleArb, type FaultKind, type NodeFactory, type Schedule } from "./index.ts";

type Ticket = { ticket: number };

/**
 * n1 is a sequencer: it hands out ticket numbers 1, 2, 3, … one when it starts
 * and one every 100 ms. The other nodes only stand by. Tickets must never
 * repeat, even across crashes, so the last number issued belongs on disk.
 *
 * PLANTED BUG (persist = false): the counter lives only in memory. It is read
 * back from the disk on restart, but never written there.
 */
const sequencer =
  (persist: boolean): NodeFactory<never, Ticket> =>
  (ctx) => {
    if (ctx.id !== "n1") return { onMessage() {} };
    let last = ctx.disk.get<number>("last") ?? 0;
    const issue = () => {
      last++;
      if (persist) ctx.disk.set("last", last);
      ctx.output({ ticket: last });
    };
    return {
      onStart() {
        issue();
        ctx.setTimer("tick", 100);
      },
      onTimer() {
        issue();
        ctx.setTimer("tick", 100);
      },
      onMessage() {},
    };
  };

const NODES = ["n1", "n2", "n3"];

function run(persist: boolean, seed: number, schedule: Schedule) {
  const sim = cluster({ seed, n: 3, create: sequencer(persist), schedule });
  sim.run(1000);
  return sim;
}

/** The invariant: the sequencer's tickets strictly increase. */
function ticketsIncrease(persist: boolean, seed: number, schedule: Schedule): boolean {
  const tickets = run(persist, seed, schedule)
    .outputsOf<Ticket>("n1")
    .map((o) => o.value.ticket);
  return tickets.every((t, i) => i === 0 || t > tickets[i - 1]!);
}

const property = (persist: boolean, kinds: FaultKind[] = ["crash", "restart", "partition", "heal"]) =>
  fc.property(fc.noShrink(fc.integer()), scheduleArb({ nodes: NODES, durationMs: 1000, kinds }), (seed, schedule) => ticketsIncrease(persist, seed, schedule));

describe("shrinking a planted bug", () => {
  const found = fc.check(property(false), { seed: 42, numRuns: 200 });

  it("finds the bug and shrinks the schedule to the minimal one: crash n1 and restart it, both at t=0", () => {
    expect(found.failed).toBe(true);
    const [, schedule] = found.counterexample!;
    // Why this is the minimum:
    // - only n1 issues tickets, so faults on n2 and n3 are irrelevant;
    // - partitions and heals cannot matter (no messages), so they are removed;
    // - a crash alone leaves n1 down (no more tickets, so none repeat), and a
    //   restart of a running node is a no-op: it takes a crash of n1 followed
    //   by a restart of n1;
    // - times shrink to 0: onStart runs first at t=0 and issues ticket 1, the
    //   crash at 0 loses the counter, and the restart at 0 starts a new
    //   incarnation that issues ticket 1 again.
    expect(schedule).toEqual([
      { at: 0, op: "crash", node: "n1" },
      { at: 0, op: "restart", node: "n1" },
    ]);
    expect(found.numShrinks).toBeGreaterThan(0);
  });

  it("the shrunk schedule really breaks the invariant: ticket 1 is issued twice", () => {
    const [seed, schedule] = found.counterexample!;
    const sim = run(false, seed, schedule);
    expect(sim.outputsOf<Ticket>("n1").slice(0, 3).map((o) => [o.t, o.value.ticket])).toEqual([
      [0, 1],
      [0, 1],
      [100, 2],
    ]);
    // And it replays exactly.
    expect(run(false, seed, schedule).traceHash).toBe(sim.traceHash);
  });

  it("replaying with the reported {seed, path} reproduces the same counterexample", () => {
    expect(found.counterexamplePath).toEqual(expect.any(String));
    const replay = fc.check(property(false), { seed: found.seed, path: found.counterexamplePath! });
    expect(replay.failed).toBe(true);
    expect(replay.counterexample).toEqual(found.counterexample);
  });

  it("the bug needs both a crash and a restart; the fixed sequencer survives everything", () => {
    expect(fc.check(property(false, ["crash", "partition", "heal"]), { seed: 42, numRuns: 200 }).failed).toBe(false);
    expect(fc.check(property(false, ["restart", "partition", "heal"]), { seed: 42, numRuns: 200 }).failed).toBe(false);
    expect(fc.check(property(true), { seed: 42, numRuns: 200 }).failed).toBe(false);
  });

  it("every simpler schedule passes: one fewer operation, an earlier time, an earlier node", () => {
    const [seed, schedule] = found.counterexample!;
    const simpler: Schedule[] = [];
    schedule.forEach((op, i) => {
      simpler.push(schedule.filter((_, j) => j !== i));
      if (op.at > 0) simpler.push(schedule.map((o, j) => (j === i ? { ...o, at: o.at - 1 } : o)));
      if ("node" in op && op.node !== "n1") simpler.push(schedule.map((o, j) => (j === i ? { ...o, node: "n1" } : o)));
    });
    expect(simpler.length).toBeGreaterThan(0);
    for (const s of simpler) expect(ticketsIncrease(false, seed, s), JSON.stringify(s)).toBe(true);
  });
});
