// Fault schedules as data: validated with readable errors, printed readably,
// generated (and shrunk) with fast-check, and applied by the simulator.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { describeOp, formatSchedule, parseSchedule, quiesce, scheduleArb, Simulation, sortSchedule, type FaultKind, type FaultOp } from "./index.ts";
import { withoutNoOps } from "./nemesis.ts";

const NODES = ["n1", "n2", "n3"];
const EXAMPLE = `Each entry looks like {at: 1200, op: "partition", groups: [["n1"], ["n2", "n3"]]}.`;

function parseError(data: unknown, nodes: readonly string[] = NODES): string {
  try {
    parseSchedule(data, nodes);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(data)}`);
}

describe("parseSchedule", () => {
  it("accepts every kind of operation and returns them sorted by time, keeping the order of ties", () => {
    const ops: FaultOp[] = [
      { at: 500, op: "heal" },
      { at: 100, op: "partition", groups: [["n1"], ["n2", "n3"]] },
      { at: 100, op: "partition-oneway", from: ["n1"], to: ["n2"] },
      { at: 0, op: "isolate", node: "n3" },
      { at: 200, op: "crash", node: "n1" },
      { at: 200, op: "restart", node: "n1" },
      { at: 300, op: "pause", node: "n2" },
      { at: 350, op: "resume", node: "n2" },
      { at: 400, op: "clock", node: "n1", skewMs: -50, driftPpm: 100 },
      { at: 400, op: "network", drop: 0.1, duplicate: 0.05, delayMs: [1, 20], tail: 0.01, tailMs: [100, 900], corrupt: 0 },
      { at: 450, op: "disk-corruption", node: "n2", rate: 0.5 },
    ];
    const parsed = parseSchedule(ops, NODES);
    expect(parsed.map((o) => `${o.at} ${o.op}`)).toEqual([
      "0 isolate",
      "100 partition",
      "100 partition-oneway",
      "200 crash",
      "200 restart",
      "300 pause",
      "350 resume",
      "400 clock",
      "400 network",
      "450 disk-corruption",
      "500 heal",
    ]);
    expect(parsed.find((o) => o.op === "network")).toEqual(ops[9]);
  });

  it("names the entry and field of a malformed operation, in plain words, with an example", () => {
    const cases: [unknown, string][] = [
      [[{ at: 0, op: "explode", node: "n1" }], "schedule[0].op: "],
      [[{ at: 0, op: "crash" }], "schedule[0].node: "],
      [[{ at: -1, op: "heal" }], "schedule[0].at: "],
      [[{ at: Infinity, op: "heal" }], "schedule[0].at: "],
      [[{ at: "soon", op: "heal" }], "schedule[0].at: "],
      [[{ at: 0, op: "heal" }, { at: 5, op: "partition", groups: [["n1"]] }], "schedule[1].groups: "],
      [[{ at: 0, op: "partition", groups: [["n1"], ["n2", 3]] }], "schedule[0].groups[1][1]: "],
      [[{ at: 0, op: "network", delayMs: [50, 10] }], "schedule[0].delayMs: the first number must not exceed the second."],
      [[{ at: 0, op: "network", drop: 1.5 }], "schedule[0].drop: "],
      [[{ at: 0, op: "crash", node: "n1", when: 5 }], "schedule[0]: "],
      [[{ at: 0, op: "disk-corruption", node: "n1" }], "schedule[0].rate: "],
      [{ at: 0, op: "heal" }, "schedule: "],
      [[null], "schedule[0]: "],
    ];
    for (const [data, start] of cases) {
      const msg = parseError(data);
      expect(msg.startsWith(start), `${JSON.stringify(data)} gave: ${msg}`).toBe(true);
      expect(msg).toContain(EXAMPLE);
      // No half-built paths like "schedule[0" or "groups].1".
      expect(msg.split(":")[0]).toMatch(/^schedule(\[\d+\]|\.\w+)*$/);
    }
    expect(parseError([{ at: 0, op: "explode", node: "n1" }])).toMatch(/'partition' \| 'partition-oneway'/);
    expect(parseError([{ at: 0, op: "crash", node: "n1", when: 5 }])).toContain(`"when"`);
  });

  it("rejects unknown node names anywhere in an operation", () => {
    expect(parseError([{ at: 0, op: "heal" }, { at: 10, op: "crash", node: "n9" }])).toBe(`schedule[1] names "n9", which is not in this cluster (n1, n2, n3).`);
    expect(parseError([{ at: 0, op: "partition", groups: [["n1"], ["n2", "x"]] }])).toContain(`names "x"`);
    expect(parseError([{ at: 0, op: "partition-oneway", from: ["n1"], to: ["N2"] }])).toContain(`names "N2"`);
    // Without a node list, names are not checked.
    expect(parseSchedule([{ at: 0, op: "crash", node: "n9" }])).toHaveLength(1);
  });

  it("is what the simulator uses: bad schedules never start a run", () => {
    const node = () => ({ onMessage() {} });
    expect(() => new Simulation({ seed: 1, nodes: { n1: node }, schedule: [{ at: 0, op: "crash", node: "n2" }] })).toThrow(/names "n2", which is not in this cluster \(n1\)/);
    const sim = new Simulation({ seed: 1, nodes: { n1: node } });
    expect(() => sim.schedule([{ at: 0, op: "pause" } as unknown as FaultOp])).toThrow(/schedule\[0\]\.node/);
    expect(() => sim.fault({ op: "isolate", node: "nope" })).toThrow(/not in this cluster/);
  });
});

describe("formatSchedule", () => {
  it("prints one aligned line per operation, sorted by time", () => {
    const text = formatSchedule([
      { at: 1200, op: "partition", groups: [["n1", "n2"], ["n3", "n4", "n5"]] },
      { at: 0, op: "crash", node: "n1" },
      { at: 35, op: "network", drop: 0.1, delayMs: [1, 10] },
      { at: 35, op: "restart", node: "n1" },
      { at: 20000, op: "heal" },
    ]);
    expect(text).toBe(
      [
        "t=0 ms       crash n1",
        "t=35 ms      network drop 10%, delay 1–10 ms",
        "t=35 ms      restart n1",
        "t=1200 ms    partition n1 n2 | n3 n4 n5",
        "t=20000 ms   heal all partitions",
      ].join("\n"),
    );
    expect(formatSchedule([])).toBe("(no faults)");
  });

  it("describes every kind of operation in words", () => {
    const d = (op: FaultOp) => describeOp(op);
    expect(d({ at: 0, op: "partition-oneway", from: ["n1", "n2"], to: ["n3"] })).toBe("partition one way: n1 n2 -/-> n3");
    expect(d({ at: 0, op: "isolate", node: "n2" })).toBe("isolate n2");
    expect(d({ at: 0, op: "pause", node: "n2" })).toBe("pause n2");
    expect(d({ at: 0, op: "resume", node: "n2" })).toBe("resume n2");
    expect(d({ at: 0, op: "clock", node: "n1", skewMs: 500 })).toBe("clock n1 skew 500 ms");
    expect(d({ at: 0, op: "clock", node: "n1", skewMs: -5, driftPpm: 200 })).toBe("clock n1 skew -5 ms, drift 200 ppm");
    expect(d({ at: 0, op: "network", duplicate: 0.125, tail: 0.01, tailMs: [50, 500], corrupt: 1 })).toBe("network duplicate 12.5%, long tail 1% of 50–500 ms, corrupt 100%");
    expect(d({ at: 0, op: "network" })).toBe("network unchanged");
    expect(d({ at: 0, op: "disk-corruption", node: "n3", rate: 0.2 })).toBe("disk corruption on n3: 20% of reads");
  });

  it("sortSchedule is stable and does not modify its input", () => {
    const input: FaultOp[] = [
      { at: 5, op: "restart", node: "n1" },
      { at: 1, op: "heal" },
      { at: 5, op: "crash", node: "n1" },
    ];
    const copy = structuredClone(input);
    expect(sortSchedule(input).map((o) => o.op)).toEqual(["heal", "restart", "crash"]);
    expect(input).toEqual(copy);
  });
});

describe("scheduleArb", () => {
  it("generates valid schedules: sorted, in range, of the requested kinds, naming only cluster nodes", () => {
    const kinds: FaultKind[] = ["crash", "restart", "partition", "partition-oneway", "isolate", "heal", "pause", "resume", "clock", "network", "disk-corruption"];
    fc.assert(
      fc.property(scheduleArb({ nodes: NODES, durationMs: 1000, kinds, maxOps: 6, maxDrop: 0.2, maxSkewMs: 100 }), (s) => {
        expect(parseSchedule(s, NODES)).toEqual(s);
        expect(s.length).toBeLessThanOrEqual(6);
        for (const op of s) {
          expect(op.at >= 0 && op.at < 1000 && Number.isInteger(op.at)).toBe(true);
          if (op.op === "partition") {
            expect(op.groups[0]!.length).toBeGreaterThan(0);
            expect([...op.groups.flat()].sort()).toEqual(NODES);
          }
          if (op.op === "network") expect(op.drop! <= 0.2).toBe(true);
          if (op.op === "clock") expect(Math.abs(op.skewMs)).toBeLessThanOrEqual(100);
        }
      }),
      { seed: 1, numRuns: 300 },
    );
  });

  it("generates only the kinds asked for", () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(scheduleArb({ nodes: NODES, durationMs: 100, kinds: ["crash", "heal"] }), (s) => {
        for (const op of s) seen.add(op.op);
      }),
      { seed: 2, numRuns: 100 },
    );
    expect([...seen].sort()).toEqual(["crash", "heal"]);
  });

  it("shrinks towards fewer operations at earlier times", () => {
    // Any schedule with a crash fails: the smallest such schedule is one crash of the first node at t=0.
    const r = fc.check(
      fc.property(scheduleArb({ nodes: NODES, durationMs: 1000 }), (s) => !s.some((op) => op.op === "crash")),
      { seed: 3, numRuns: 200 },
    );
    expect(r.failed).toBe(true);
    expect(r.counterexample![0]).toEqual([{ at: 0, op: "crash", node: "n1" }]);
  });
});

describe("quiesce", () => {
  it("ends every fault: heals, calms the network, resumes and restarts every node", () => {
    const sim = new Simulation({ seed: 1, nodes: Object.fromEntries(NODES.map((id) => [id, () => ({ onMessage() {} })])) });
    sim.schedule([
      { at: 10, op: "crash", node: "n1" },
      { at: 10, op: "pause", node: "n2" },
      { at: 10, op: "partition", groups: [["n1"], ["n2", "n3"]] },
      { at: 10, op: "network", drop: 1, duplicate: 0.5, tail: 0.3 },
      ...quiesce(100, NODES),
    ]);
    sim.run(50);
    expect(NODES.map((id) => sim.status(id))).toEqual(["down", "paused", "up"]);
    sim.run(100);
    expect(NODES.map((id) => sim.status(id))).toEqual(["up", "up", "up"]);
    for (const a of NODES) for (const b of NODES) expect(sim.linkOpen(a, b)).toBe(true);
    expect(sim.network).toMatchObject({ drop: 0, duplicate: 0, tail: 0, delayMs: [1, 10] });
    expect(quiesce(5, ["n1"], { delayMs: [2, 3] })[1]).toEqual({ at: 5, op: "network", drop: 0, duplicate: 0, delayMs: [2, 3], tail: 0 });
  });

  it("given the schedule before it, resumes and restarts only the nodes it left paused or down: no no-op faults in the trace", () => {
    const faults: FaultOp[] = [
      { at: 10, op: "crash", node: "n1" },
      { at: 10, op: "pause", node: "n2" },
      { at: 20, op: "resume", node: "n2" },
      { at: 30, op: "pause", node: "n3" },
    ];
    const ops = quiesce(100, NODES, {}, faults);
    expect(ops.filter((o) => o.op === "resume" || o.op === "restart")).toEqual([
      { at: 100, op: "restart", node: "n1" },
      { at: 100, op: "resume", node: "n3" },
    ]);
    const sim = new Simulation({ seed: 1, nodes: Object.fromEntries(NODES.map((id) => [id, () => ({ onMessage() {} })])) });
    sim.schedule([...faults, ...ops]);
    sim.run(200);
    expect(NODES.map((id) => sim.status(id))).toEqual(["up", "up", "up"]);
    expect(sim.trace.all().filter((e) => e.k === "fault" && e.note)).toEqual([]);
  });
});

describe("no no-op faults", () => {
  it("withoutNoOps drops what would change nothing: crashing a down node, restarting or resuming an up one, pausing a paused one", () => {
    expect(
      withoutNoOps([
        { at: 0, op: "resume", node: "n1" },
        { at: 1, op: "restart", node: "n1" },
        { at: 2, op: "crash", node: "n1" },
        { at: 3, op: "crash", node: "n1" },
        { at: 4, op: "pause", node: "n1" },
        { at: 5, op: "restart", node: "n1" },
        { at: 6, op: "pause", node: "n2" },
        { at: 7, op: "pause", node: "n2" },
        { at: 8, op: "heal" },
      ]),
    ).toEqual([
      { at: 2, op: "crash", node: "n1" },
      { at: 5, op: "restart", node: "n1" },
      { at: 6, op: "pause", node: "n2" },
      { at: 8, op: "heal" },
    ]);
  });

  it("generated schedules never hold one, so a shrunk counterexample never shows one", () => {
    fc.assert(
      fc.property(scheduleArb({ nodes: NODES, durationMs: 1000, maxOps: 12 }), (s) => {
        expect(withoutNoOps(s)).toEqual(s);
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});
