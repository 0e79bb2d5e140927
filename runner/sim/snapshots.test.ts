import { describe, expect, it } from "vitest";
import { jsonSafe, snapshotNode } from "./snapshots.ts";

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
