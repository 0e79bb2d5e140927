import { describe, expect, test } from "vitest";
import { NotPlainData, addWinsValue, canonical, compareStamps, exact, lwwWinner, maximalWrites, rgaOrder } from "./crdt.ts";

describe("exact", () => {
  test("keeps array order (values have one), ignores key order", () => {
    expect(exact(["a", "b"])).not.toBe(exact(["b", "a"]));
    expect(exact({ b: ["x"], a: 1 })).toBe(exact({ a: 1, b: ["x"] }));
    expect(() => exact([new Map()])).toThrow(/value\(\)\[0\] is a Map/);
  });
});

describe("canonical", () => {
  test("ignores key order and array order, keeps duplicates", () => {
    expect(canonical({ b: [2, 1], a: "x" })).toBe(canonical({ a: "x", b: [1, 2] }));
    expect(canonical([1, 1])).not.toBe(canonical([1]));
    expect(canonical({ a: undefined, b: 1 })).toBe(canonical({ b: 1 }));
    expect(canonical(-0)).toBe(canonical(0));
  });
  test("rejects what JSON cannot carry, naming the path", () => {
    expect(() => canonical({ tags: new Set([1]) })).toThrow(NotPlainData);
    expect(() => canonical({ tags: new Set([1]) })).toThrow(/state\.tags is a Set/);
    expect(() => canonical([Number.NaN])).toThrow(/state\[0\]/);
  });
});

describe("OR-Set specification", () => {
  test("a remove deletes only the adds it observed (add wins)", () => {
    expect(addWinsValue([{ id: 1, kind: "add", element: "a" }, { id: 2, kind: "remove", element: "a", observed: [1] }])).toEqual([]);
    expect(addWinsValue([{ id: 1, kind: "add", element: "a" }, { id: 2, kind: "remove", element: "a", observed: [] }])).toEqual(["a"]);
    expect(addWinsValue([{ id: 1, kind: "add", element: "a" }, { id: 3, kind: "add", element: "a" }, { id: 2, kind: "remove", element: "a", observed: [1] }])).toEqual(["a"]);
  });
});

describe("MV-Register specification", () => {
  test("keeps exactly the writes nobody has seen", () => {
    expect(maximalWrites([{ id: 1, value: "x", past: [] }, { id: 2, value: "y", past: [] }])).toEqual(["x", "y"]);
    expect(maximalWrites([{ id: 1, value: "x", past: [] }, { id: 2, value: "y", past: [1] }])).toEqual(["y"]);
    expect(maximalWrites([])).toEqual([]);
    // Two concurrent writes of one value are two siblings.
    expect(maximalWrites([{ id: 1, value: "x", past: [] }, { id: 2, value: "x", past: [] }, { id: 3, value: "a", past: [] }])).toEqual(["a", "x", "x"]);
  });
});

describe("LWW-Register specification", () => {
  test("greatest (time, replica) wins; the replica id breaks ties", () => {
    expect(compareStamps({ time: 5, replica: "n1" }, { time: 5, replica: "n2" })).toBe(-1);
    expect(lwwWinner([{ value: "a", time: 5, replica: "n2" }, { value: "b", time: 5, replica: "n1" }, { value: "c", time: 4, replica: "n9" }])).toBe("a");
    expect(lwwWinner([])).toBeNull();
  });
});

describe("RGA specification", () => {
  const id = (counter: number, replica: string) => ({ counter, replica });
  test("children of the same element come in descending id order, each subtree right after its root", () => {
    // "a" at the start; then n1 types "b" after a, while n2 concurrently types "c" after a.
    const order = rgaOrder([
      { id: id(1, "n1"), after: null },
      { id: id(2, "n1"), after: id(1, "n1") },
      { id: id(2, "n2"), after: id(1, "n1") },
      { id: id(3, "n1"), after: id(2, "n1") },
    ]);
    expect(order).toEqual(["1@n1", "2@n2", "2@n1", "3@n1"]);
  });
});
