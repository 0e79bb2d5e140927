import { describe, expect, test } from "vitest";
import { canonicalJson, explore, type Model } from "./explore.ts";
import { tcConsistent, tcommitModel, twoPhaseModel } from "./tlaCommit.ts";

const RM3 = ["r1", "r2", "r3"];

describe("explore reproduces TLC's numbers for Lamport's transaction-commit specs (3 RMs)", () => {
  test("TCommit: 34 distinct states, depth 7, invariant TCConsistent holds", () => {
    const r = explore(tcommitModel(RM3), { invariants: [tcConsistent()] });
    expect(r.violation).toBeNull();
    expect(r.distinct).toBe(34);
    expect(r.depth).toBe(7);
    expect(r.exhausted).toBe(true);
  });

  test("TwoPhase: 288 distinct states, depth 11, and it implements TCommit's invariant", () => {
    const r = explore(twoPhaseModel(RM3), { invariants: [tcConsistent()] });
    expect(r.violation).toBeNull();
    expect(r.distinct).toBe(288);
    expect(r.depth).toBe(11);
    expect(r.exhausted).toBe(true);
  });
});

describe("explore", () => {
  // A counter mod 10 that can also jump by 3: a small graph with a known shape.
  const counter: Model<number> = {
    init: () => [0],
    *next(n) {
      yield ["+1", (n + 1) % 10] as const;
      yield ["+3", (n + 3) % 10] as const;
    },
    hash: (n) => String(n),
  };

  test("finds the shortest path to a violation", () => {
    const r = explore(counter, { invariants: [{ name: "never 7", check: (n) => n !== 7 || "reached 7" }] });
    expect(r.stoppedBy).toBe("violation");
    expect(r.violation!.path).toEqual(["+1", "+3", "+3"]);
    expect(r.violation!.states).toEqual([0, 1, 4, 7]);
    expect(r.violation).toMatchObject({ invariant: "never 7", property: "never 7", details: "reached 7" });
    expect(r.exhausted).toBe(false);
  });

  test("an invariant that watches several properties names the one that broke", () => {
    const r = explore(counter, { invariants: [{ name: "small numbers", check: (n) => (n === 7 ? { property: "never 7", details: "reached 7" } : n === 8 ? { property: "never 8", details: "reached 8" } : true) }] });
    expect(r.violation).toMatchObject({ invariant: "small numbers", property: "never 7", details: "reached 7" });
  });

  test("budgets stop the search and say the space was not exhausted", () => {
    const byStates = explore(counter, { maxStates: 4 });
    expect(byStates.distinct).toBe(4);
    expect(byStates.stoppedBy).toBe("max-states");
    expect(byStates.exhausted).toBe(false);
    const byDepth = explore(counter, { maxDepth: 2 });
    expect(byDepth.depth).toBe(2);
    expect(byDepth.distinct).toBe(3);
    expect(byDepth.stoppedBy).toBe("max-depth");
    let asked = 0;
    const interrupted = explore({ ...counter, init: () => [0], next: function* (n: number) { for (let i = 1; i <= 300; i++) yield [`+${i}`, n + i] as const; } }, { interrupt: () => ++asked > 0 });
    expect(interrupted.stoppedBy).toBe("interrupted");
    expect(interrupted.exhausted).toBe(false);
    const all = explore(counter);
    expect(all.distinct).toBe(10);
    expect(all.exhausted).toBe(true);
  });

  test("is deterministic", () => {
    const a = explore(twoPhaseModel(RM3));
    const b = explore(twoPhaseModel(RM3));
    expect(a).toEqual(b);
  });

  test("canonicalJson sorts keys", () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: null }] })).toBe('{"a":[{"c":null,"d":2}],"b":1}');
  });
});
