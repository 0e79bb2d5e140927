import { describe, expect, test } from "vitest";
import { afterNews, overrides, refute, type Held } from "./swim.ts";

const h = (status: Held["status"], incarnation: number): Held => ({ status, incarnation });

describe("SWIM precedence (§4.2)", () => {
  test("the lesson's table, row by row", () => {
    // dead beats everything, and nothing beats dead
    expect(overrides(h("alive", 5), h("dead", 0))).toBe(true);
    expect(overrides(h("suspect", 5), h("dead", 0))).toBe(true);
    expect(overrides(h("dead", 0), h("alive", 9))).toBe(false);
    expect(overrides(h("dead", 0), h("dead", 9))).toBe(false);
    // alive at i beats alive or suspect at j < i, nothing at j >= i
    expect(overrides(h("suspect", 1), h("alive", 2))).toBe(true);
    expect(overrides(h("alive", 1), h("alive", 2))).toBe(true);
    expect(overrides(h("suspect", 2), h("alive", 2))).toBe(false);
    expect(overrides(h("alive", 2), h("alive", 2))).toBe(false);
    // suspect at i beats alive at j <= i and suspect at j < i
    expect(overrides(h("alive", 2), h("suspect", 2))).toBe(true);
    expect(overrides(h("alive", 1), h("suspect", 2))).toBe(true);
    expect(overrides(h("suspect", 1), h("suspect", 2))).toBe(true);
    expect(overrides(h("suspect", 2), h("suspect", 2))).toBe(false);
    expect(overrides(h("alive", 3), h("suspect", 2))).toBe(false);
  });

  test("a member refutes a suspicion at or above its incarnation with the next one", () => {
    expect(refute(0, h("suspect", 0))).toBe(1);
    expect(refute(1, h("suspect", 3))).toBe(4);
    expect(refute(4, h("suspect", 2))).toBe(4);
    expect(refute(4, h("alive", 9))).toBe(4);
  });

  test("news in order: one output per change of mind, none for stale or repeated news", () => {
    const e = afterNews("me", [
      { node: "b", status: "suspect", incarnation: 0 },
      { node: "b", status: "suspect", incarnation: 0 },
      { node: "b", status: "alive", incarnation: 0 },
      { node: "b", status: "alive", incarnation: 1 },
      { node: "b", status: "suspect", incarnation: 2 },
      { node: "me", status: "suspect", incarnation: 0 },
      { node: "b", status: "dead", incarnation: 0 },
      { node: "b", status: "alive", incarnation: 7 },
    ]);
    expect(e.outputs.map((o) => o.type)).toEqual(["suspect", "restore", "suspect", "dead"]);
    expect(e.held.get("b")).toEqual(h("dead", 0));
    expect(e.incarnation).toBe(1);
  });
});
