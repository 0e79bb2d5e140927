import { describe, expect, it } from "vitest";
import { jsonSafe, recordNodeStates, snapshotNode, type NodeInspector } from "./snapshots.ts";
import { Simulation } from "./simulation.ts";
import type { Ctx, Node } from "./types.ts";

describe("node state snapshots", () => {
  it("keeps the JSON-safe data on the node object and leaves out functions and the ctx", () => {
    const ctx = { id: "n1", send() {}, now: () => 0 };
    const node = { term: 3, log: [{ t: 1 }], votes: new Set(["n2"]), next: new Map([["n2", 4]]), ctx, onMessage() {}, big: 10n, inf: Infinity, neg: -0 };
    expect(snapshotNode(node)).toEqual({ term: 3, log: [{ t: 1 }], votes: ["n2"], next: { n2: 4 }, big: "10n", inf: "Infinity", neg: 0 });
  });

  it("never calls a getter (learner code must not run outside a handler)", () => {
    let calls = 0;
    const node = {
      x: 1,
      get role() {
        calls++;
        return "leader";
      },
    };
    expect(snapshotNode(node)).toEqual({ x: 1 });
    expect(calls).toBe(0);
  });

  it("cuts deep nesting and very large state", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10; i++) deep = { d: deep };
    expect(JSON.stringify(jsonSafe(deep))).toContain('"…"');
    const huge = snapshotNode({ data: "x".repeat(20_000) });
    expect(huge["note"]).toMatch(/cut/);
  });
});

describe("a suite's own view of node state", () => {
  type M = { n: number };
  // State in a closure, as most solutions keep it: invisible as fields.
  const counter = (ctx: Ctx<M>): Node<M> & { view(): { count: number } } => {
    let count = 0;
    return {
      onStart() {
        if (ctx.id === "n1") ctx.send("n2", { n: 1 });
      },
      onMessage(from, m) {
        count++;
        if (m.n < 3) ctx.send(from, { n: m.n + 1 });
      },
      view: () => ({ count }),
    };
  };
  const run = (inspect?: NodeInspector) => {
    const sim = new Simulation({ seed: 1, nodes: { n1: counter, n2: counter } });
    const rec = recordNodeStates(sim, inspect);
    sim.run(100);
    return { sim, rec };
  };

  it("shows what the inspector returns, where fields show nothing, and leaves the run alone", () => {
    const plain = run();
    expect(plain.rec.all.every((s) => s.state === null || Object.keys(s.state).length === 0)).toBe(true);
    const viewed = run((_id, inst) => (inst as ReturnType<typeof counter>).view());
    const n2 = viewed.rec.all.filter((s) => s.node === "n2").map((s) => s.state?.["count"]);
    expect(n2).toEqual([0, 1, 2]);
    expect(viewed.sim.traceHash).toBe(plain.sim.traceHash);
  });

  it("falls back to fields where the inspector has no view, and says so when it throws", () => {
    const some = run((id, inst) => (id === "n1" ? (inst as ReturnType<typeof counter>).view() : undefined));
    expect(some.rec.all.find((s) => s.node === "n1" && s.at > 0)?.state).toHaveProperty("count");
    expect(some.rec.all.find((s) => s.node === "n2")?.state).toEqual({});
    const broken = run(() => {
      throw new Error("no view today");
    });
    expect(broken.rec.all[0]?.state).toEqual({ note: "the suite's view of this node failed: no view today" });
  });
});
