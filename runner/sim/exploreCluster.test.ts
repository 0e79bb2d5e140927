import { describe, expect, test } from "vitest";
import { exploreCluster, replayCluster, type ClusterModelOptions } from "./exploreCluster.ts";
import { isEngineFacade } from "./boundary.ts";
import type { Ctx, Node } from "./types.ts";

// a sends one ping to b at start; b outputs every ping it handles.
const pinger = (ctx: Ctx<string>): Node<string> => ({
  onStart() {
    if (ctx.id === "a") ctx.send("b", "ping");
  },
  onMessage(_from, msg) {
    ctx.output(msg);
  },
});
const setup = () => ({ nodes: { a: pinger, b: pinger } });
const atMostOnce = { name: "b handles the ping at most once", check: (v: { outputs: Record<string, unknown[]> }) => (v.outputs["b"]!.length <= 1 ? true : `b handled it ${v.outputs["b"]!.length} times`) };

describe("exploreCluster", () => {
  test("without duplication: three states (ping in flight, delivered, dropped), exhausted", () => {
    const r = exploreCluster({ setup, faults: { duplicate: false }, invariants: [atMostOnce] });
    expect(r.violation).toBeNull();
    expect(r.distinct).toBe(3);
    expect(r.depth).toBe(2);
    expect(r.exhausted).toBe(true);
  });

  test("with duplication: the shortest counterexample is a copy then the original", () => {
    const r = exploreCluster({ setup, invariants: [atMostOnce] });
    expect(r.stoppedBy).toBe("violation");
    expect(r.steps).toEqual(['deliver a copy of a → b "ping"', 'deliver a → b "ping"']);
    expect(r.trace!.filter((e) => e.k === "deliver")).toHaveLength(2);
  });

  test("a crash forgets un-synced writes; replay is deterministic", () => {
    const writer = (ctx: Ctx<string>): Node<string> => ({
      onStart() {
        ctx.output(ctx.disk.get<string>("k") ?? "empty");
        if (ctx.disk.get("k") === undefined) ctx.disk.set("k", "written");
      },
      onMessage() {},
    });
    const opts: ClusterModelOptions = { setup: () => ({ nodes: { w: writer } }), faults: { crashes: 1 }, loseUnsynced: true };
    const a = replayCluster(opts, [{ a: "crash", node: "w" }, { a: "restart", node: "w" }]);
    expect(a.world.view().outputs["w"]).toEqual(["empty", "empty"]);
    const b = replayCluster(opts, [{ a: "crash", node: "w" }, { a: "restart", node: "w" }]);
    expect(b.world.fingerprint()).toBe(a.world.fingerprint());
    expect(b.labels).toEqual(["crash w", "restart w"]);
  });

  test("budgets: the report says when the space was not exhausted", () => {
    const r = exploreCluster({ setup, faults: { crashes: 2 }, maxStates: 5, invariants: [] });
    expect(r.distinct).toBe(5);
    expect(r.exhausted).toBe(false);
    expect(r.stoppedBy).toBe("max-states");
  });
  test("a timer budget bounds how often timers fire along a path, so a timer that always re-arms still gives a finite space", () => {
    const ticker = (ctx: Ctx<string>): Node<string> & { state(): unknown } => {
      let ticks = 0;
      return {
        onStart: () => ctx.setTimer("tick", 10),
        onMessage() {},
        onTimer() {
          ticks++;
          ctx.setTimer("tick", 10);
        },
        state: () => ({ ticks }),
      };
    };
    const r = exploreCluster({ setup: () => ({ nodes: { t: ticker } }), faults: { timers: 3 }, invariants: [{ name: "states are visible", check: (v) => ((v.states["t"] as { ticks: number }).ticks <= 3 ? true : "more ticks than the budget") }] });
    expect(r.exhausted).toBe(true);
    expect(r.distinct).toBe(4); // 0, 1, 2 and 3 ticks
  });

  test("a duplicate budget bounds extra deliveries along a path", () => {
    const unbounded = exploreCluster({ setup, maxDepth: 6, invariants: [] });
    const once = exploreCluster({ setup, faults: { duplicates: 1 }, invariants: [] });
    expect(once.exhausted).toBe(true);
    expect(once.distinct).toBeLessThan(unbounded.distinct);
    const twice = exploreCluster({ setup, faults: { duplicates: 1 }, invariants: [atMostOnce] });
    expect(twice.steps).toEqual(['deliver a copy of a → b "ping"', 'deliver a → b "ping"']);
  });

  test("a node's ctx and disk are the engine's closed facades, as in the simulator: frozen, and handed into learner code as they are", () => {
    const seen: Ctx<string>[] = [];
    const keeper = (ctx: Ctx<string>): Node<string> => {
      seen.push(ctx);
      return { onMessage() {} };
    };
    replayCluster({ setup: () => ({ nodes: { k: keeper } }) }, []);
    const ctx = seen[0]!;
    expect(isEngineFacade(ctx)).toBe(true);
    expect(isEngineFacade(ctx.disk)).toBe(true);
    expect(Object.isFrozen(ctx) && Object.isFrozen(ctx.disk) && Object.isFrozen(ctx.send) && Object.isFrozen(ctx.disk.set)).toBe(true);
  });
});
