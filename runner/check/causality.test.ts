import { describe, expect, it } from "vitest";
import { causality } from "./causality.ts";

// n1: a1 (send) ─────────▶ n2: b2 (receive) ── b3 (send) ──▶ n3: c2 (receive)
//     a2 (local)               b1 (local, before b2)            c1 (local)
const events = [
  { node: "n1", ev: "a1" },
  { node: "n2", ev: "b1" },
  { node: "n3", ev: "c1" },
  { node: "n1", ev: "a2" },
  { node: "n2", ev: "b2", sendEv: "a1" },
  { node: "n2", ev: "b3" },
  { node: "n3", ev: "c2", sendEv: "b3" },
];
const at = (name: string) => events.findIndex((e) => e.ev === name);

describe("causality", () => {
  const c = causality(events);
  it("orders events on one node", () => {
    expect(c.happenedBefore(at("a1"), at("a2"))).toBe(true);
    expect(c.happenedBefore(at("a2"), at("a1"))).toBe(false);
  });
  it("orders a send before its receive, and transitively beyond", () => {
    expect(c.happenedBefore(at("a1"), at("b2"))).toBe(true);
    expect(c.happenedBefore(at("a1"), at("c2"))).toBe(true);
    expect(c.happenedBefore(at("b1"), at("c2"))).toBe(true);
    expect(c.chain(at("a1"), at("c2"))).toEqual(["a1", "b2", "b3", "c2"]);
  });
  it("finds concurrent events", () => {
    expect(c.concurrent(at("a2"), at("b2"))).toBe(true);
    expect(c.concurrent(at("c1"), at("a1"))).toBe(true);
    expect(c.concurrent(at("c1"), at("c2"))).toBe(false);
    expect(c.concurrent(at("a1"), at("a1"))).toBe(false);
    expect(c.chain(at("a2"), at("b2"))).toEqual([]);
  });
  it("is irreflexive", () => {
    for (let i = 0; i < events.length; i++) expect(c.happenedBefore(i, i)).toBe(false);
  });
  it("rejects a receive of an unknown send", () => {
    expect(() => causality([{ node: "n1", ev: "x", sendEv: "nope" }])).toThrow(/not an earlier event/);
  });
  it("handles more than 32 events (multi-word bitsets)", () => {
    const many = Array.from({ length: 70 }, (_, i) => ({ node: "n1", ev: `e${i}` }));
    const cm = causality(many);
    expect(cm.happenedBefore(0, 69)).toBe(true);
    expect(cm.happenedBefore(40, 33)).toBe(false);
  });
});
