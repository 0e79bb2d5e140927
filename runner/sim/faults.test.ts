// Fault semantics (DESIGN §4): partitions, crashes and restarts, pauses,
// clocks, network loss/duplication/delay/corruption, and disk faults.

import { describe, expect, it } from "vitest";
import { Simulation, type Ctx, type Node, type NodeFactory, type NodeId, type SimOptions, type TraceEvent } from "./index.ts";

/** A node the test drives by hand: it sends what it is told and records what it receives. */
interface Probe extends Node<unknown> {
  send(to: NodeId, msg: unknown): void;
  got: { from: NodeId; msg: unknown; at: number }[];
}
const probe: NodeFactory = (ctx: Ctx<unknown>): Probe => {
  const got: Probe["got"] = [];
  return {
    got,
    send: (to, msg) => ctx.send(to, msg),
    onMessage(from, msg) {
      got.push({ from, msg, at: ctx.now() });
    },
  };
};

function probes(opts: Partial<SimOptions> & { ids?: NodeId[] } = {}): Simulation {
  const { ids = ["n1", "n2", "n3"], ...rest } = opts;
  return new Simulation({ seed: 1, network: { delayMs: [5, 5] }, ...rest, nodes: Object.fromEntries(ids.map((id) => [id, probe])) });
}
const send = (sim: Simulation, from: NodeId, to: NodeId, msg: unknown) => sim.call<Probe, void>(from, "send", (n) => n.send(to, msg));
const inbox = (sim: Simulation, id: NodeId) => sim.node<Probe>(id)!.got.map((g) => `${g.from}:${JSON.stringify(g.msg)}`);
type Drop = Extract<TraceEvent, { k: "drop" }>;
const drops = (sim: Simulation) => sim.trace.all().filter((e): e is Drop => e.k === "drop");
const deliveries = (sim: Simulation) => sim.trace.all().filter((e): e is Extract<TraceEvent, { k: "deliver" }> => e.k === "deliver");

/** Sends one message along every directed link and runs until they have all arrived or been lost. */
function sendAll(sim: Simulation, ids: NodeId[], tag: string): void {
  for (const a of ids) for (const b of ids) if (a !== b) send(sim, a, b, tag);
  sim.run(20);
}
/** The directed links a tagged message got through, as "a>b". */
function openLinks(sim: Simulation, tag: string): string[] {
  return deliveries(sim)
    .filter((e) => e.msg === tag)
    .map((e) => `${e.from}>${e.to}`)
    .sort();
}

describe("partitions", () => {
  it("a symmetric partition blocks both directions between groups and leaves unlisted nodes alone", () => {
    const sim = probes({ ids: ["n1", "n2", "n3", "n4"] });
    sim.partition(["n1"], ["n2"]);
    sendAll(sim, ["n1", "n2", "n3", "n4"], "p");
    const open = openLinks(sim, "p");
    expect(open).not.toContain("n1>n2");
    expect(open).not.toContain("n2>n1");
    expect(open).toEqual(["n1>n3", "n1>n4", "n2>n3", "n2>n4", "n3>n1", "n3>n2", "n3>n4", "n4>n1", "n4>n2", "n4>n3"]);
    expect(drops(sim).map((d) => `${d.from}>${d.to}:${d.why}`).sort()).toEqual(["n1>n2:partition", "n2>n1:partition"]);
    expect(sim.linkOpen("n1", "n2")).toBe(false);
    expect(sim.linkOpen("n3", "n1")).toBe(true);
  });

  it("a multi-group partition cuts every pair across groups", () => {
    const sim = probes({ ids: ["n1", "n2", "n3", "n4", "n5"] });
    sim.partition(["n1", "n2"], ["n3", "n4"], ["n5"]);
    sendAll(sim, ["n1", "n2", "n3", "n4", "n5"], "p");
    expect(openLinks(sim, "p")).toEqual(["n1>n2", "n2>n1", "n3>n4", "n4>n3"]);
  });

  it("a one-way partition blocks only from → to", () => {
    const sim = probes();
    sim.fault({ op: "partition-oneway", from: ["n1"], to: ["n2", "n3"] });
    sendAll(sim, ["n1", "n2", "n3"], "p");
    expect(openLinks(sim, "p")).toEqual(["n2>n1", "n2>n3", "n3>n1", "n3>n2"]);
  });

  it("isolate cuts a node off both ways, from servers and clients alike", () => {
    const sim = new Simulation({ seed: 1, network: { delayMs: [5, 5] }, nodes: { n1: probe, n2: probe, n3: probe }, clients: { c1: probe } });
    sim.isolate("n2");
    sendAll(sim, ["n1", "n2", "n3", "c1"], "p");
    expect(openLinks(sim, "p")).toEqual(["c1>n1", "c1>n3", "n1>c1", "n1>n3", "n3>c1", "n3>n1"]);
  });

  it("heal restores every link (one-way ones too)", () => {
    const sim = probes();
    sim.partition(["n1"], ["n2", "n3"]);
    sim.fault({ op: "partition-oneway", from: ["n2"], to: ["n3"] });
    sendAll(sim, ["n1", "n2", "n3"], "before");
    expect(openLinks(sim, "before")).toEqual(["n3>n2"]);
    sim.heal();
    sendAll(sim, ["n1", "n2", "n3"], "after");
    expect(openLinks(sim, "after")).toEqual(["n1>n2", "n1>n3", "n2>n1", "n2>n3", "n3>n1", "n3>n2"]);
  });

  it("a message in flight when a partition starts is dropped when it would arrive", () => {
    const sim = probes({ network: { delayMs: [50, 50] } });
    send(sim, "n1", "n2", "in flight");
    sim.run(10);
    sim.partition(["n1"], ["n2"]);
    sim.run(100);
    expect(inbox(sim, "n2")).toEqual([]);
    expect(drops(sim)).toEqual([{ t: 50, k: "drop", from: "n1", to: "n2", id: 1, msg: "in flight", sentAt: 0, why: "partition" }]);
  });

  it("a message sent during a partition but arriving after heal is still lost (it was dropped at send)", () => {
    const sim = probes({ network: { delayMs: [50, 50] } });
    sim.partition(["n1"], ["n2"]);
    send(sim, "n1", "n2", "x");
    sim.heal();
    sim.run(100);
    expect(inbox(sim, "n2")).toEqual([]);
    expect(drops(sim)[0]).toMatchObject({ t: 0, why: "partition" });
  });

  it("scheduled partitions apply at their time", () => {
    const sim = probes({ schedule: [{ at: 10, op: "partition", groups: [["n1"], ["n2", "n3"]] }, { at: 30, op: "heal" }] });
    send(sim, "n1", "n2", "t0"); // arrives at 5: before the partition
    sim.runUntil(12);
    send(sim, "n1", "n2", "t12"); // during the partition
    sim.runUntil(31);
    send(sim, "n1", "n2", "t31"); // after heal
    sim.run(20);
    expect(inbox(sim, "n2")).toEqual(['n1:"t0"', 'n1:"t31"']);
  });
});

/** A node with memory, a disk and a timer, to see what a crash takes away. */
interface Counter extends Node<unknown> {
  incarnation: number;
  mem: number;
  fromDisk: number;
}
function counterCluster(opts: Partial<SimOptions> = {}) {
  let built = 0;
  const counter: NodeFactory = (ctx): Counter => {
    const self: Counter = {
      incarnation: ++built,
      mem: 0,
      fromDisk: ctx.disk.get<number>("count") ?? 0,
      onStart() {
        ctx.output({ started: self.incarnation, fromDisk: self.fromDisk });
        ctx.setTimer("late", 100);
      },
      onTimer(name) {
        ctx.output({ timer: name, incarnation: self.incarnation });
      },
      onMessage() {
        self.mem++;
        ctx.disk.set("count", (ctx.disk.get<number>("count") ?? 0) + 1);
      },
    };
    return self;
  };
  const sim = new Simulation({ seed: 1, network: { delayMs: [5, 5] }, ...opts, nodes: { n1: probe, n2: counter } });
  return { sim, built: () => built };
}

describe("crash and restart", () => {
  it("a crash loses memory and pending timers but keeps the disk; restart builds a new instance that reads the disk and starts again", () => {
    const { sim, built } = counterCluster();
    for (let i = 0; i < 3; i++) send(sim, "n1", "n2", "inc");
    sim.run(20);
    const first = sim.node<Counter>("n2")!;
    expect(first.mem).toBe(3);
    expect(sim.disk("n2").get("count")).toBe(3);

    sim.runUntil(50);
    sim.crash("n2");
    expect(sim.status("n2")).toBe("down");
    expect(sim.isUp("n2")).toBe(false);
    expect(sim.node("n2")).toBeUndefined();
    sim.runUntil(150); // the old "late" timer (due at 100) must not fire
    expect(sim.outputsOf("n2").map((o) => o.value)).toEqual([{ started: 1, fromDisk: 0 }]);

    sim.restart("n2");
    expect(built()).toBe(2);
    const second = sim.node<Counter>("n2")!;
    expect(second).not.toBe(first);
    expect(second.mem).toBe(0);
    expect(second.fromDisk).toBe(3);
    sim.runUntil(300);
    expect(sim.outputsOf("n2").map((o) => [o.t, o.value])).toEqual([
      [0, { started: 1, fromDisk: 0 }],
      [150, { started: 2, fromDisk: 3 }],
      [250, { timer: "late", incarnation: 2 }],
    ]);
    const kinds = sim.trace.all().filter((e) => "node" in e && e.node === "n2").map((e) => e.k);
    expect(kinds).toEqual(["start", "output", "crash", "restart", "start", "output", "timer", "output"]);
  });

  it("messages to a crashed node are dropped with reason down (in flight ones too)", () => {
    const { sim } = counterCluster();
    send(sim, "n1", "n2", "in flight"); // arrives at 5
    sim.crash("n2");
    sim.run(1);
    send(sim, "n1", "n2", "while down");
    sim.run(20);
    expect(drops(sim).map((d) => [d.msg, d.why, d.t, d.sentAt])).toEqual([
      ["in flight", "down", 5, 0],
      ["while down", "down", 6, 1],
    ]);
    expect(sim.disk("n2").get("count")).toBeUndefined();
  });

  it("a message in flight across a restart reaches the new incarnation", () => {
    const { sim } = counterCluster({ network: { delayMs: [30, 30] } });
    sim.crash("n2");
    send(sim, "n1", "n2", "inc");
    sim.run(10);
    sim.restart("n2");
    sim.run(30);
    expect(sim.node<Counter>("n2")!.mem).toBe(1);
  });

  it("a crashed node's handlers never run and its sends go nowhere", () => {
    const sim = probes();
    const stale = sim.node<Probe>("n1")!;
    sim.crash("n1");
    stale.send("n2", "ghost"); // a stale reference to the old instance
    sim.run(20);
    expect(inbox(sim, "n2")).toEqual([]);
    expect(sim.trace.all().some((e) => e.k === "send")).toBe(false);
    expect(() => send(sim, "n1", "n2", "x")).toThrow(/n1 is down: cannot call send/);
  });

  it("restarting a running node is a no-op noted in the trace; crashing a crashed node too", () => {
    const { sim, built } = counterCluster();
    sim.run(1);
    const before = sim.node("n2");
    sim.restart("n2");
    expect(sim.node("n2")).toBe(before);
    expect(built()).toBe(1);
    expect(sim.trace.all().at(-1)).toEqual({ t: 1, k: "fault", op: { at: 1, op: "restart", node: "n2" }, note: "not down: nothing to restart" });
    expect(sim.trace.all().some((e) => e.k === "restart")).toBe(false);
    sim.crash("n2");
    sim.crash("n2");
    expect(sim.trace.all().at(-1)).toMatchObject({ k: "fault", op: { op: "crash" }, note: "already down" });
    expect(sim.trace.all().filter((e) => e.k === "crash")).toHaveLength(1);
  });
});

describe("pause and resume", () => {
  /** Logs every handler call with the node's clock. */
  const logger: NodeFactory = (ctx) => ({
    onStart() {
      ctx.output(`start@${ctx.now()}`);
      ctx.setTimer("t", 10);
    },
    onTimer: (name) => ctx.output(`timer ${name}@${ctx.now()}`),
    onMessage: (from, msg) => ctx.output(`${from}:${String(msg)}@${ctx.now()}`),
  });

  it("a paused node handles nothing; deliveries and timers queue up and all run at resume, in arrival order", () => {
    const sim = new Simulation({ seed: 1, network: { delayMs: [5, 5] }, nodes: { n1: probe, n2: logger } });
    sim.run(0); // onStart at t=0
    sim.pause("n2");
    expect(sim.status("n2")).toBe("paused");
    expect(sim.isUp("n2")).toBe(true);
    send(sim, "n1", "n2", "m1"); // arrives at 5
    sim.runUntil(20); // the timer falls due at 10
    send(sim, "n1", "n2", "m2"); // arrives at 25
    sim.runUntil(50);
    expect(sim.outputsOf("n2").map((o) => o.value)).toEqual(["start@0"]);
    sim.resume("n2");
    sim.run(0);
    expect(sim.outputsOf("n2").map((o) => o.value)).toEqual(["start@0", "n1:m1@50", "timer t@50", "n1:m2@50"]);
    // Nothing was lost.
    expect(drops(sim)).toEqual([]);
  });

  it("a restart runs onStart at once; a pause right after it holds back only the new instance's later work", () => {
    const sim = new Simulation({ seed: 1, nodes: { n1: logger } });
    sim.run(5);
    sim.crash("n1");
    sim.restart("n1");
    sim.pause("n1");
    sim.run(20);
    expect(sim.outputs.map((o) => o.value)).toEqual(["start@0", "start@5"]);
    sim.resume("n1");
    sim.run(20);
    expect(sim.outputs.map((o) => o.value)).toEqual(["start@0", "start@5", "timer t@25"]);
  });

  it("a message due at the instant of a restart reaches the new instance after its onStart", () => {
    const sim = new Simulation({ seed: 1, network: { delayMs: [5, 5] }, nodes: { n1: probe, n2: logger } });
    sim.run(0);
    sim.crash("n2");
    sim.schedule([{ at: 5, op: "restart", node: "n2" }]); // queued first, so it runs first at t=5
    send(sim, "n1", "n2", "hello"); // in flight, due at t=5 too
    sim.run(10);
    expect(sim.outputsOf("n2").map((o) => o.value)).toEqual(["start@0", "start@5", "n1:hello@5"]);
  });

  it("crashing a paused node drops what it had queued", () => {
    const sim = new Simulation({ seed: 1, network: { delayMs: [5, 5] }, nodes: { n1: probe, n2: logger } });
    sim.run(0);
    sim.pause("n2");
    send(sim, "n1", "n2", "queued");
    sim.run(20);
    sim.crash("n2");
    expect(drops(sim).map((d) => [d.msg, d.why])).toEqual([["queued", "down"]]);
    sim.restart("n2");
    sim.run(100);
    expect(sim.outputsOf("n2").map((o) => o.value)).toEqual(["start@0", "start@20", "timer t@30"]);
  });

  it("pausing a node that is not up, or resuming one that is not paused, is a no-op noted in the trace", () => {
    const sim = new Simulation({ seed: 1, nodes: { n1: logger } });
    sim.resume("n1");
    expect(sim.trace.all().at(-1)).toMatchObject({ k: "fault", note: "not paused" });
    sim.crash("n1");
    sim.pause("n1");
    expect(sim.trace.all().at(-1)).toMatchObject({ k: "fault", note: "down: cannot pause" });
    expect(sim.status("n1")).toBe("down");
  });
});

describe("clocks", () => {
  const clockReader: NodeFactory = (ctx) => ({
    onStart() {
      ctx.output({ at: "start", now: ctx.now() });
      ctx.setTimer("t", 1000);
    },
    onTimer: () => ctx.output({ at: "timer", now: ctx.now() }),
    onMessage() {},
  });

  it("skewed clocks disagree by the skew", () => {
    const sim = new Simulation({ seed: 1, nodes: { n1: clockReader, n2: clockReader } });
    sim.run(100);
    sim.setClock("n2", 500);
    expect(sim.clockOf("n2") - sim.clockOf("n1")).toBe(500);
    expect(sim.clockOf("n1")).toBe(100);
    sim.run(250);
    expect(sim.clockOf("n2") - sim.clockOf("n1")).toBe(500);
    sim.setClock("n2", -200);
    expect(sim.clockOf("n2")).toBe(150);
  });

  it("drift makes a clock run fast or slow, and timers run on local time", () => {
    const sim = new Simulation({ seed: 1, nodes: { fast: clockReader, slow: clockReader, true: clockReader } });
    sim.setClock("fast", 0, 1_000_000); // twice as fast
    sim.setClock("slow", 0, -500_000); // half as fast
    sim.run(2000);
    expect(sim.clockOf("fast")).toBe(4000);
    expect(sim.clockOf("slow")).toBe(1000);
    expect(sim.clockOf("true")).toBe(2000);
    // Each node's 1000 ms timer lasts 1000 ms by its own clock, so in true time it fires at 500, 2000 and 1000.
    const timers = sim.trace.all().filter((e) => e.k === "timer").map((e) => [e.t, "node" in e ? e.node : ""]);
    expect(timers).toEqual([
      [500, "fast"],
      [1000, "true"],
      [2000, "slow"],
    ]);
    for (const id of ["fast", "slow", "true"]) expect(sim.outputsOf(id).map((o) => o.value)).toEqual([{ at: "start", now: 0 }, { at: "timer", now: 1000 }]);
  });

  it("changing a clock keeps it continuous except for the new skew", () => {
    const sim = new Simulation({ seed: 1, nodes: { n1: clockReader } });
    sim.setClock("n1", 0, 1_000_000);
    sim.run(100); // reads 200
    sim.setClock("n1", 50); // from now: true time + 50, no drift
    expect(sim.clockOf("n1")).toBe(150);
    sim.run(100);
    expect(sim.clockOf("n1")).toBe(250);
  });
});

describe("network conditions", () => {
  it("drop rate 1 delivers nothing", () => {
    const sim = probes({ network: { drop: 1 } });
    for (let i = 0; i < 20; i++) send(sim, "n1", "n2", i);
    sim.run(50);
    expect(inbox(sim, "n2")).toEqual([]);
    expect(drops(sim)).toHaveLength(20);
    expect(drops(sim).every((d) => d.why === "loss")).toBe(true);
  });

  it("duplicate rate 1 delivers every message twice", () => {
    const sim = probes({ network: { duplicate: 1, delayMs: [1, 10] } });
    for (let i = 0; i < 10; i++) send(sim, "n1", "n2", i);
    sim.run(50);
    const got = sim.node<Probe>("n2")!.got.map((g) => g.msg as number).sort((a, b) => a - b);
    expect(got).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9]);
    expect(sim.trace.all().filter((e) => e.k === "duplicate")).toHaveLength(10);
    // A copy carries the same message id as the original.
    const ids = deliveries(sim).map((d) => d.id);
    expect(new Set(ids).size).toBe(10);
  });

  it("long-tail delays reorder messages; without them equal delays keep order", () => {
    const order = (tail: number) => {
      const sim = probes({ network: { delayMs: [1, 1], tail, tailMs: [100, 200] } });
      for (let i = 0; i < 30; i++) send(sim, "n1", "n2", i);
      sim.run(300);
      return sim.node<Probe>("n2")!.got.map((g) => g.msg as number);
    };
    const inOrder = Array.from({ length: 30 }, (_, i) => i);
    expect(order(0)).toEqual(inOrder);
    const reordered = order(0.5);
    expect(reordered).not.toEqual(inOrder);
    expect([...reordered].sort((a, b) => a - b)).toEqual(inOrder);
  });

  it("delays stay within the configured range", () => {
    const sim = probes({ network: { delayMs: [20, 40] } });
    for (let i = 0; i < 50; i++) send(sim, "n1", "n2", i);
    sim.run(100);
    const delays = deliveries(sim).map((d) => d.t - d.sentAt);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(20);
    expect(Math.max(...delays)).toBeLessThanOrEqual(40);
    expect(new Set(delays).size).toBeGreaterThan(5);
  });

  it("setNetwork changes conditions from now on", () => {
    const sim = probes();
    send(sim, "n1", "n2", "before");
    sim.setNetwork({ drop: 1 });
    expect(sim.network.drop).toBe(1);
    expect(sim.network.delayMs).toEqual([5, 5]);
    send(sim, "n1", "n2", "after");
    sim.run(20);
    expect(inbox(sim, "n2")).toEqual(['n1:"before"']);
  });

  it("a messageRule overrides conditions per message", () => {
    const sim = probes({ messageRule: (_from, to) => (to === "n3" ? { drop: 1 } : undefined) });
    send(sim, "n1", "n2", "a");
    send(sim, "n1", "n3", "b");
    sim.run(20);
    expect(inbox(sim, "n2")).toEqual(['n1:"a"']);
    expect(inbox(sim, "n3")).toEqual([]);
  });

  it("opt-in corruption marks deliveries corrupted and changes one value in the content", () => {
    const sent = { type: "data", body: "hello world", n: 12345, ok: true, list: [1, 2, 3] };
    const sim = probes({ network: { corrupt: 1 } });
    for (let i = 0; i < 10; i++) send(sim, "n1", "n2", { ...sent, list: [...sent.list] });
    sim.run(20);
    const ds = deliveries(sim);
    expect(ds).toHaveLength(10);
    for (const d of ds) {
      expect(d.corrupted).toBe(true);
      expect(d.msg).not.toEqual(sent);
      expect(differingLeaves(d.msg, sent)).toBe(1);
      expect(Object.isFrozen(d.msg)).toBe(true);
    }
    // The node received the damaged copies, not what was sent.
    expect(sim.node<Probe>("n2")!.got.map((g) => g.msg)).toEqual(ds.map((d) => d.msg));
    // The sender's message itself is untouched.
    const sends = sim.trace.all().filter((e) => e.k === "send");
    for (const s of sends) expect(s.k === "send" && s.msg).toEqual(sent);
  });

  it("without corruption, delivered content equals what was sent", () => {
    const sim = probes();
    send(sim, "n1", "n2", { body: "hello", n: 1 });
    sim.run(10);
    expect(deliveries(sim)[0]!.corrupted).toBeUndefined();
    expect(sim.node<Probe>("n2")!.got[0]!.msg).toEqual({ body: "hello", n: 1 });
  });
});

/** How many leaves (strings, numbers, booleans) differ between two same-shaped values. */
function differingLeaves(a: unknown, b: unknown): number {
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object") {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    let n = 0;
    for (const k of keys) n += differingLeaves((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]);
    return n;
  }
  return Object.is(a, b) ? 0 : 1;
}

describe("disk faults", () => {
  /** Writes a then syncs, writes b without syncing; reports what it finds at start. */
  const writer: NodeFactory = (ctx) => ({
    onStart() {
      ctx.output({ a: ctx.disk.get("a") ?? null, b: ctx.disk.get("b") ?? null });
      if (ctx.disk.get("a") !== undefined) return;
      ctx.disk.set("a", { v: 1 });
      ctx.disk.sync();
      ctx.disk.set("b", { v: 2 });
    },
    onMessage() {},
  });

  it("with loseUnsynced, a crash loses the writes made since the last sync()", () => {
    const sim = new Simulation({ seed: 1, nodes: { n1: writer }, disk: { loseUnsynced: true } });
    sim.run(1);
    expect(sim.disk("n1").get("b")).toEqual({ v: 2 }); // readable before the crash
    sim.crash("n1");
    sim.restart("n1");
    sim.run(1);
    expect(sim.outputs.map((o) => o.value)).toEqual([
      { a: null, b: null },
      { a: { v: 1 }, b: null },
    ]);
    expect(sim.disk("n1").keys()).toEqual(["a"]);
  });

  it("without it, every set is durable at once", () => {
    const sim = new Simulation({ seed: 1, nodes: { n1: writer } });
    sim.run(1);
    sim.crash("n1");
    sim.restart("n1");
    sim.run(1);
    expect(sim.outputs.map((o) => o.value)).toEqual([
      { a: null, b: null },
      { a: { v: 1 }, b: { v: 2 } },
    ]);
  });

  it("disk.bytes counts only what survived a crash", () => {
    const sim = new Simulation({ seed: 1, nodes: { n1: writer }, disk: { loseUnsynced: true } });
    sim.run(1);
    const both = sim.disk("n1").bytes;
    sim.crash("n1");
    const onlyA = sim.disk("n1").bytes;
    expect(onlyA).toBeGreaterThan(0);
    expect(onlyA).toBeLessThan(both);
    // An unsynced overwrite that is lost leaves the old size.
    const d = sim.disk("n1");
    d.set("a", { v: "a much longer value than before" });
    d.crash();
    expect(d.bytes).toBe(onlyA);
    expect(d.get("a")).toEqual({ v: 1 });
  });

  it("the disk-corruption fault damages reads (and only while it is on)", () => {
    const stored = { v: "important", n: 42, flags: [true, false] };
    const sim = new Simulation({
      seed: 1,
      nodes: { n1: (ctx) => ({ onStart: () => ctx.disk.set("k", stored), onMessage() {} }) },
      schedule: [
        { at: 10, op: "disk-corruption", node: "n1", rate: 1 },
        { at: 20, op: "disk-corruption", node: "n1", rate: 0 },
      ],
    });
    sim.run(5);
    expect(sim.disk("n1").get("k")).toEqual(stored);
    sim.runUntil(15);
    for (let i = 0; i < 10; i++) {
      const read = sim.disk("n1").get("k");
      expect(read).not.toEqual(stored);
      expect(differingLeaves(read, stored)).toBe(1);
    }
    sim.runUntil(25);
    expect(sim.disk("n1").get("k")).toEqual(stored);
  });
});
