// The simulator's core promises: same seed → same run, independent random
// streams, errors that stop the run and stay, runaway protection, and the
// order of events at t=0.

import { describe, expect, it } from "vitest";
import { MAX_LOG_CHARS } from "./trace.ts";
import { cluster, HandlerError, RunError, Simulation, type Ctx, type FaultOp, type Node, type NodeFactory, type NodeId, type TraceEvent } from "./index.ts";

type GossipMsg = { type: "ping" | "pong"; n: number; r: number };

/**
 * Every node pings a random peer at random intervals and answers pings; it
 * keeps a counter on disk so restarts matter. Uses timers, ctx.random(),
 * ctx.now(), disk and outputs: everything a run's determinism depends on.
 */
const gossip: NodeFactory<GossipMsg> = (ctx: Ctx<GossipMsg>): Node<GossipMsg> => {
  let n = ctx.disk.get<number>("n") ?? 0;
  let seen = 0;
  const arm = () => ctx.setTimer("tick", 5 + Math.floor(ctx.random() * 20));
  return {
    onStart() {
      arm();
    },
    onTimer() {
      n++;
      ctx.disk.set("n", n);
      const to = ctx.peers[Math.floor(ctx.random() * ctx.peers.length)]!;
      ctx.send(to, { type: "ping", n, r: ctx.random() });
      arm();
    },
    onMessage(from, msg) {
      seen++;
      if (msg.type === "ping") ctx.send(from, { type: "pong", n: msg.n, r: ctx.random() });
      else ctx.output({ from, n: msg.n, seen, at: ctx.now() });
    },
  };
};

const GOSSIP_SCHEDULE: FaultOp[] = [
  { at: 100, op: "partition", groups: [["n1", "n2"], ["n3", "n4"]] },
  { at: 150, op: "crash", node: "n3" },
  { at: 250, op: "restart", node: "n3" },
  { at: 300, op: "heal" },
  { at: 350, op: "clock", node: "n2", skewMs: 40, driftPpm: 5000 },
];

function gossipRun(seed: number, schedule: FaultOp[] = GOSSIP_SCHEDULE, runMs = 600, traceLimit?: number): Simulation {
  const sim = cluster({
    seed,
    n: 4,
    create: gossip,
    network: { drop: 0.1, duplicate: 0.1, tail: 0.1, delayMs: [1, 10], tailMs: [50, 200] },
    schedule,
    traceLimit,
  });
  sim.run(runMs);
  return sim;
}

describe("determinism", () => {
  it("replays a run with drops, duplicates, tail delays, partitions, crashes, timers and ctx.random() exactly from its seed", () => {
    const a = gossipRun(7);
    const b = gossipRun(7);
    expect(a.error).toBeNull();
    expect(b.traceHash).toBe(a.traceHash);
    expect(b.trace.all()).toEqual(a.trace.all());
    expect(b.outputs).toEqual(a.outputs);

    // The workload really exercised every source of nondeterminism it claims to.
    const es = a.trace.all();
    const count = (p: (e: TraceEvent) => boolean) => es.filter(p).length;
    expect(count((e) => e.k === "drop" && e.why === "loss")).toBeGreaterThan(0);
    expect(count((e) => e.k === "drop" && e.why === "partition")).toBeGreaterThan(0);
    expect(count((e) => e.k === "drop" && e.why === "down")).toBeGreaterThan(0);
    expect(count((e) => e.k === "duplicate")).toBeGreaterThan(0);
    expect(count((e) => e.k === "deliver" && e.t - e.sentAt >= 50)).toBeGreaterThan(0);
    expect(count((e) => e.k === "crash")).toBe(1);
    expect(count((e) => e.k === "restart")).toBe(1);
    expect(count((e) => e.k === "timer")).toBeGreaterThan(50);
  });

  it("gives different seeds different traces", () => {
    const hashes = [1, 2, 3, 4, 5, 6].map((s) => gossipRun(s).traceHash);
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it("changes the hash when the schedule changes by one millisecond", () => {
    const moved = GOSSIP_SCHEDULE.map((op) => (op.op === "crash" ? { ...op, at: op.at + 1 } : op));
    expect(gossipRun(7, moved).traceHash).not.toBe(gossipRun(7).traceHash);
  });

  it("hashes the same whether the trace keeps every event in memory or only the last few, and keeps at most traceLimit", () => {
    const full = gossipRun(3, GOSSIP_SCHEDULE, 2000);
    expect(full.trace.all().length).toBe(full.trace.total);
    expect(full.trace.total).toBeGreaterThan(2500);
    for (const limit of [100, 333, 1500]) {
      const small = gossipRun(3, GOSSIP_SCHEDULE, 2000, limit);
      expect(small.traceHash).toBe(full.traceHash);
      expect(small.trace.total).toBe(full.trace.total);
      const kept = small.trace.all();
      expect(kept.length).toBeLessThanOrEqual(limit);
      expect(kept.length).toBeGreaterThanOrEqual(limit / 2);
      expect(kept).toEqual(full.trace.all().slice(-kept.length));
      expect(small.traceJson(10).events).toEqual(full.trace.all().slice(-10));
    }
  });
});

describe("independent random streams", () => {
  type M = { type: "ping" | "pong" | "noise"; i: number };

  /** n1 pings n2 every 10 ms and n2 answers: the traffic whose fate we compare. */
  const pinger: NodeFactory<M> = (ctx) => {
    let i = 0;
    return {
      onStart: () => ctx.setTimer("ping", 10),
      onTimer() {
        ctx.send("n2", { type: "ping", i: i++ });
        ctx.setTimer("ping", 10);
      },
      onMessage() {},
    };
  };
  const ponger: NodeFactory<M> = (ctx) => ({
    onMessage(from, msg) {
      if (msg.type === "ping") ctx.send(from, { type: "pong", i: msg.i });
    },
  });
  /**
   * n3 draws `draws` random numbers every tick but always sends the same
   * message: only its use of its own stream differs between variants.
   */
  const noisy =
    (draws: number): NodeFactory<M> =>
    (ctx) => ({
      onStart: () => ctx.setTimer("tick", 7),
      onTimer() {
        let last = 0;
        for (let k = 0; k < draws; k++) last = ctx.random();
        ctx.output({ last });
        ctx.send("n1", { type: "noise", i: 0 });
        ctx.setTimer("tick", 7);
      },
      onMessage() {},
    });

  function run(draws: number): Simulation {
    const sim = new Simulation({
      seed: 11,
      nodes: { n1: pinger, n2: ponger, n3: noisy(draws) },
      network: { drop: 0.3, tail: 0.2, delayMs: [1, 10], tailMs: [40, 90] },
    });
    sim.run(1000);
    return sim;
  }
  const between = (sim: Simulation, a: NodeId, b: NodeId) =>
    sim.trace.all().filter((e) => "from" in e && ((e.from === a && e.to === b) || (e.from === b && e.to === a)));

  it("a node calling ctx.random() more often changes nothing about which messages between two other nodes are lost or delayed", () => {
    const once = run(1);
    const often = run(25);
    // The variants really differ: n3 saw different random numbers.
    expect(often.outputsOf("n3").map((o) => o.value)).not.toEqual(once.outputsOf("n3").map((o) => o.value));
    const a = between(once, "n1", "n2");
    const b = between(often, "n1", "n2");
    expect(b).toEqual(a);
    // …and that traffic did suffer losses and long delays, so there was a fate to change.
    expect(a.filter((e) => e.k === "drop" && e.why === "loss").length).toBeGreaterThan(10);
    expect(a.filter((e) => e.k === "deliver" && e.t - e.sentAt >= 40).length).toBeGreaterThan(5);
    // n3's own messages meet the same fate too: the network stream is the network's alone.
    expect(between(often, "n3", "n1")).toEqual(between(once, "n3", "n1"));
  });

  it("ctx.random() is seeded per node: same seed same numbers, different nodes different numbers", () => {
    const draws: NodeFactory = (ctx) => ({
      onStart: () => ctx.output([ctx.random(), ctx.random(), ctx.random()]),
      onMessage() {},
    });
    const values = (seed: number) => {
      const sim = new Simulation({ seed, nodes: { n1: draws, n2: draws } });
      sim.run(1);
      return sim.outputs.map((o) => o.value as number[]);
    };
    const [a1, a2] = values(5);
    expect(values(5)).toEqual([a1, a2]);
    expect(a1).not.toEqual(a2);
    expect(values(6)[0]).not.toEqual(a1);
    for (const x of [...a1!, ...a2!]) expect(x >= 0 && x < 1).toBe(true);
  });
});

describe("errors stop the run", () => {
  it("a handler that throws becomes a HandlerError naming node, handler and time; sim.error keeps it and later runs rethrow it", () => {
    const sim = new Simulation({
      seed: 1,
      nodes: {
        n1: (ctx) => ({ onStart: () => ctx.setTimer("boom", 50), onTimer: () => ctx.output("fired"), onMessage() {} }),
        n2: (ctx) => ({
          onStart: () => ctx.setTimer("boom", 50),
          onTimer(name) {
            throw new TypeError(`cannot ${name}`);
          },
          onMessage() {},
        }),
      },
    });
    let caught: unknown;
    try {
      sim.run(100);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(HandlerError);
    const err = caught as HandlerError;
    expect(err.message).toContain("onTimer on n2 threw at t=50 ms");
    expect(err.message).toContain("TypeError: cannot boom");
    expect(err.where).toEqual({ node: "n2", handler: "onTimer", time: 50 });
    expect(err.cause).toBeInstanceOf(TypeError);
    expect(err.isTodo).toBe(false);
    expect(sim.error).toBe(err);
    // The run stopped at the failing event: time did not advance to 100.
    expect(sim.now).toBe(50);
    expect(sim.trace.all().at(-1)).toMatchObject({ k: "error", node: "n2", t: 50 });
    // Later calls rethrow the same error rather than carry on from a broken state.
    expect(() => sim.run(10)).toThrow(err);
    expect(() => sim.runUntil(500)).toThrow(err);
    expect(sim.error).toBe(err);
  });

  it("keeps the first error when a second one follows", () => {
    const sim = new Simulation({
      seed: 1,
      nodes: {
        n1: () => ({
          onStart() {
            throw new Error("first");
          },
          onMessage() {},
        }),
      },
    });
    expect(() => sim.run(1)).toThrow(/first/);
    expect(() => sim.call("n1", "poke", () => {
      throw new Error("second");
    })).toThrow(/second/);
    expect(sim.error?.message).toMatch(/first/);
    expect(sim.trace.all().filter((e) => e.k === "error")).toHaveLength(1);
  });

  it("a todo() in learner code is flagged as such", async () => {
    const { todo } = await import("./index.ts");
    const sim = new Simulation({ seed: 1, nodes: { n1: () => ({ onStart: () => todo("answer pings"), onMessage() {} }) } });
    expect(() => sim.run(1)).toThrow(HandlerError);
    expect((sim.error as HandlerError).isTodo).toBe(true);
    expect(sim.error!.message).toContain("Not written yet: answer pings");
  });

  it("a message to an unknown node is a RunError naming the sender and the cluster", () => {
    const sim = new Simulation({ seed: 1, nodes: { n1: (ctx) => ({ onStart: () => ctx.send("n9", { hi: 1 }), onMessage() {} }), n2: () => ({ onMessage() {} }) } });
    expect(() => sim.run(1)).toThrow(RunError);
    expect(sim.error!.message).toContain(`n1 sent a message to "n9"`);
    expect(sim.error!.message).toContain("(n2)");
  });

  it("a timer with no onTimer handler is a RunError", () => {
    const sim = new Simulation({ seed: 1, nodes: { n1: (ctx) => ({ onStart: () => ctx.setTimer("t", 5), onMessage() {} }) } });
    expect(() => sim.run(10)).toThrow(/set a timer "t" but has no onTimer/);
  });

  it("rejects a negative or non-finite timer delay", () => {
    for (const bad of [-1, NaN, Infinity]) {
      const sim = new Simulation({ seed: 1, nodes: { n1: (ctx) => ({ onStart: () => ctx.setTimer("t", bad), onTimer() {}, onMessage() {} }) } });
      expect(() => sim.run(1)).toThrow(RunError);
      expect(sim.error!.message).toContain("finite, non-negative");
    }
  });

  it("a factory that does not return a node is a RunError", () => {
    expect(() => new Simulation({ seed: 1, nodes: { n1: (() => ({})) as unknown as NodeFactory } })).toThrow(/did not return a node with an onMessage/);
  });

  it("refuses to run backwards in time", () => {
    const sim = new Simulation({ seed: 1, nodes: { n1: () => ({ onMessage() {} }) } });
    sim.run(100);
    expect(() => sim.runUntil(50)).toThrow(RangeError);
  });
});

describe("runaway protection", () => {
  const loop: NodeFactory = (ctx) => ({
    onStart: () => ctx.setTimer("again", 0),
    onTimer: () => ctx.setTimer("again", 0),
    onMessage() {},
  });

  it("a 0 ms timer that re-arms itself forever ends in a RunError instead of hanging", () => {
    const sim = new Simulation({ seed: 1, nodes: { n1: loop } });
    expect(() => sim.run(1000)).toThrow(RunError);
    expect(sim.error).toBeInstanceOf(RunError);
    expect(sim.error!.message).toContain("More than 100000 events happened at t=0 ms");
    expect(sim.error!.message).toContain("0 ms");
    expect(sim.now).toBe(0);
  });

  it("respects maxEventsPerInstant and maxEventsPerRun", () => {
    const stuck = new Simulation({ seed: 1, nodes: { n1: loop }, maxEventsPerInstant: 50 });
    expect(() => stuck.run(10)).toThrow(/More than 50 events happened at t=0 ms/);
    // Two nodes bouncing a message forever: time moves, but the run never ends on its own.
    const bounce: NodeFactory = (ctx) => ({
      onStart: () => ctx.id === "n1" && ctx.send("n2", 0),
      onMessage: (from, m: number) => ctx.send(from, m + 1),
    });
    const flood = new Simulation({ seed: 1, nodes: { n1: bounce, n2: bounce }, maxEventsPerRun: 200 });
    expect(() => flood.run(1_000_000)).toThrow(/More than 200 events in one run/);
  });

  it("a run whose nodes hand the lab more data than MAX_DATA_PER_RUN ends in a RunError, whichever way the data comes (outputs, messages, disk, logs)", () => {
    const MB = 1024 * 1024;
    const ways: Record<string, (ctx: Ctx<unknown, unknown>, big: string) => void> = {
      output: (ctx, big) => ctx.output(big),
      send: (ctx, big) => ctx.send("n2", big),
      disk: (ctx, big) => ctx.disk.set(`k${ctx.now()}`, big),
      log: (ctx, big) => ctx.log(big.slice(0, 60_000)),
    };
    for (const [way, hand] of Object.entries(ways)) {
      // A fresh string every time (the lab keeps what it takes), every millisecond.
      const hoarder: NodeFactory = (ctx) => ({
        onStart: () => ctx.setTimer("t", 1),
        onTimer: () => {
          hand(ctx, "x".repeat(way === "log" ? 60_000 : MB - 100) + ctx.now());
          ctx.setTimer("t", 1);
        },
        onMessage() {},
      });
      const sim = new Simulation({ seed: 1, nodes: { n1: hoarder, n2: (ctx) => ({ onMessage() {} }) }, maxEventsPerRun: Infinity });
      expect(() => sim.run(way === "log" ? 100_000 : 1000), way).toThrow(/more than 256 MB of data, the data cap \(messages, outputs, disk writes and log lines together; n1 went over\)/);
    }
  });

  it("a log line and a handler's error message are kept with terminal controls made visible (a trace viewed in a terminal cannot be made to draw over it)", () => {
    const loud: NodeFactory = (ctx) => ({
      onStart: () => {
        ctx.log("\u001b[2Jcleared");
        throw new Error("\u001b[32m✓ pass");
      },
      onMessage() {},
    });
    const sim = new Simulation({ seed: 1, nodes: { n1: loud } });
    expect(() => sim.run(1)).toThrow();
    const texts = sim.trace.all().flatMap((e) => (e.k === "log" ? [e.text] : e.k === "error" ? [e.message] : []));
    expect(texts[0]).toBe("\\x1b[2Jcleared");
    expect(texts[1]).toContain("\\x1b[32m✓ pass");
    expect(texts.join("")).not.toContain("\u001b");
  });

  it("a log line is kept up to MAX_LOG_CHARS, with a note of what was cut", () => {
    const talker: NodeFactory = (ctx) => ({ onStart: () => (ctx.log("y".repeat(MAX_LOG_CHARS + 5)), ctx.log("z".repeat(100 * MAX_LOG_CHARS))), onMessage() {} });
    const sim = new Simulation({ seed: 1, nodes: { n1: talker } });
    sim.run(1);
    const lines = sim.trace.all().flatMap((e) => (e.k === "log" ? [e.text] : []));
    expect(lines[0]).toBe(`${"y".repeat(MAX_LOG_CHARS)}… (5 more characters not kept)`);
    expect(lines[1]).toBe(`(a log line of ${(100 * MAX_LOG_CHARS).toLocaleString("en")} characters, not kept)`);
  });

  it("a fast but finite burst at one instant is fine", () => {
    const burst: NodeFactory = (ctx) => {
      let left = 1000;
      return { onStart: () => ctx.setTimer("t", 0), onTimer: () => --left > 0 && ctx.setTimer("t", 0), onMessage() {} };
    };
    const sim = new Simulation({ seed: 1, nodes: { n1: burst } });
    sim.run(5);
    expect(sim.error).toBeNull();
    expect(sim.trace.all().filter((e) => e.k === "timer")).toHaveLength(1000);
  });
});

describe("the order of events", () => {
  it("onStart runs first at t=0, before faults scheduled for t=0, whichever way the schedule is given", () => {
    const starter: NodeFactory = (ctx) => ({ onStart: () => ctx.output("started"), onMessage() {} });
    const ops: FaultOp[] = [{ at: 0, op: "crash", node: "n1" }];
    const viaOption = new Simulation({ seed: 1, nodes: { n1: starter }, schedule: ops });
    const viaMethod = new Simulation({ seed: 1, nodes: { n1: starter } });
    viaMethod.schedule(ops);
    for (const sim of [viaOption, viaMethod]) {
      sim.run(10);
      expect(sim.trace.all().map((e) => e.k)).toEqual(["start", "output", "fault", "crash"]);
    }
    expect(viaOption.traceHash).toBe(viaMethod.traceHash);
  });

  it("delivers messages with equal delays in the order they were sent", () => {
    const got: number[] = [];
    const sim = new Simulation({
      seed: 1,
      network: { delayMs: [3, 3] },
      nodes: {
        n1: (ctx) => ({ onStart: () => [0, 1, 2, 3, 4, 5].forEach((i) => ctx.send("n2", i)), onMessage() {} }),
        n2: () => ({ onMessage: (_from, i: number) => void got.push(i) }),
      },
    });
    sim.run(10);
    expect(got).toEqual([0, 1, 2, 3, 4, 5]);
    expect(sim.trace.all().filter((e) => e.k === "deliver").every((e) => e.t === 3)).toBe(true);
  });

  it("a timer with the same name replaces the old one, and cancelTimer cancels", () => {
    const sim = new Simulation({
      seed: 1,
      nodes: {
        n1: (ctx) => ({
          onStart() {
            ctx.setTimer("a", 10);
            ctx.setTimer("a", 30);
            ctx.setTimer("b", 20);
            ctx.cancelTimer("b");
            ctx.setTimer("c", 40);
          },
          onTimer: (name) => ctx.output(`${name}@${ctx.now()}`),
          onMessage() {},
        }),
      },
    });
    sim.run(100);
    expect(sim.outputs.map((o) => o.value)).toEqual(["a@30", "c@40"]);
  });

  it("sim.at runs harness code at a virtual time, and runUntilTrue stops as soon as a condition holds", () => {
    const sim = new Simulation({ seed: 1, nodes: { n1: () => ({ onMessage() {} }) } });
    let ranAt = -1;
    sim.at(42, () => {
      ranAt = sim.now;
    });
    sim.at(50, () => sim.crash("n1"));
    const ok = sim.runUntilTrue(() => sim.status("n1") === "down", 1000);
    expect(ok).toBe(true);
    expect(ranAt).toBe(42);
    expect(sim.now).toBe(50);
    expect(sim.runUntilTrue(() => false, 100)).toBe(false);
    expect(sim.now).toBe(150);
  });
});

describe("cluster", () => {
  it("builds n1..nN from one factory, with clients seeing the servers as peers", () => {
    const peersOf: Record<string, readonly NodeId[]> = {};
    const remember: NodeFactory = (ctx) => {
      peersOf[ctx.id] = ctx.peers;
      return { onMessage() {} };
    };
    const c = cluster({ seed: 1, n: 3, create: remember, clients: { c1: remember } });
    expect(c.ids).toEqual(["n1", "n2", "n3"]);
    expect(c.nodeIds).toEqual(["n1", "n2", "n3"]);
    expect(peersOf).toEqual({ n1: ["n2", "n3"], n2: ["n1", "n3"], n3: ["n1", "n2"], c1: ["n1", "n2", "n3"] });
    c.crash("n2");
    c.pause("n3");
    expect(c.alive()).toEqual(["n1", "n3"]);
    expect(() => c.crash("n7")).toThrow(/not in this cluster/);
  });

  it("refuses an id that is both a node and a client", () => {
    const f: NodeFactory = () => ({ onMessage() {} });
    expect(() => new Simulation({ seed: 1, nodes: { n1: f }, clients: { n1: f } })).toThrow(/both a node and a client/);
  });
});
