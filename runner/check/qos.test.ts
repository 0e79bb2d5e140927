import { describe, expect, test } from "vitest";
import { analyse, detectorEvents, expectEventualAccuracy, expectNoMistakes, expectStrongCompleteness, opinionsAt, qos, queryDisagreement, replayOpinions, suspicionChanges, type DetectorEvent, type DetectorHistory } from "./qos.ts";
import { Violation } from "./violation.ts";

const s = (t: number, monitor: string, target: string) => ({ t, monitor, target, suspected: true });
const r = (t: number, monitor: string, target: string) => ({ t, monitor, target, suspected: false });

describe("qos", () => {
  test("reads suspect/restore/dead outputs as changes of mind", () => {
    const c = suspicionChanges([
      { t: 1, node: "a", value: { type: "suspect", node: "b" } },
      { t: 2, node: "a", value: { type: "restore", node: "b" } },
      { t: 3, node: "a", value: { type: "dead", node: "b" } },
      { t: 4, node: "a", value: { type: "other" } },
    ]);
    expect(c).toEqual([s(1, "a", "b"), r(2, "a", "b"), s(3, "a", "b")]);
  });

  test("detection time, mistakes, recurrence, duration and accuracy probability", () => {
    const h: DetectorHistory = {
      nodes: ["a", "b"],
      // a wrongly suspects b twice (100..150, 400..500), then b crashes at 1000 and a suspects it at 1300.
      changes: [s(100, "a", "b"), r(150, "a", "b"), s(400, "a", "b"), r(500, "a", "b"), s(1300, "a", "b")],
      life: [{ t: 1000, node: "b", up: false }],
      end: 2000,
    };
    const a = analyse(h);
    expect(a.detections).toEqual([{ monitor: "a", target: "b", crashedAt: 1000, from: 1000, until: 2000, detectedAt: 1300 }]);
    expect(a.mistakes.map((m) => [m.start, m.end, m.endedBy])).toEqual([
      [100, 150, "restore"],
      [400, 500, "restore"],
    ]);
    const q = qos(a);
    expect(q.T_D_max).toBe(300);
    expect(q.T_MR).toBe(300);
    expect(q.T_M).toBe(75);
    expect(q.mistakes).toBe(2);
    // b's view of a: always trusted for 1000 ms; a's view of b: 850 of 1000 ms.
    expect(q.P_A).toBeCloseTo(1850 / 2000, 5);
    expectStrongCompleteness(a, 300);
    expect(() => expectStrongCompleteness(a, 299)).toThrow(Violation);
    expect(() => expectNoMistakes(a)).toThrow(Violation);
    expectNoMistakes(a, 600);
    expectEventualAccuracy(a, 600, (n) => n !== "b");
  });

  test("a suspicion withdrawn before the node comes back is not a detection; a restarted monitor starts trusting", () => {
    const h: DetectorHistory = {
      nodes: ["a", "b", "c"],
      changes: [s(1100, "a", "b"), r(1200, "a", "b"), s(1150, "c", "b"), s(1500, "a", "b"), s(1200, "c", "a")],
      life: [
        { t: 1000, node: "b", up: false },
        { t: 1400, node: "c", up: false },
        { t: 1450, node: "c", up: true },
        { t: 1700, node: "b", up: true },
      ],
      end: 2000,
    };
    const a = analyse(h);
    const byMonitor = Object.fromEntries(a.detections.map((d) => [d.monitor, d.detectedAt]));
    expect(byMonitor).toEqual({ a: 1500, c: null });
    // c's suspicion of a (1200) ended when c crashed; at the end a still suspects the restarted b.
    expect(a.mistakes.find((m) => m.monitor === "c")!.endedBy).toBe("monitor crashed");
    expect(a.finalSuspicions).toEqual([{ monitor: "a", target: "b", since: 1500 }]);
    expect(() => expectEventualAccuracy(a, 1900, () => true)).toThrow(/still suspects b/);
    // c restarted at 1450, 250 ms before b came back: too short a window to judge c with a 600 ms bound.
    expectStrongCompleteness(a, 600);
    expect(() => expectStrongCompleteness(a, 200)).toThrow(/a suspected it for good only from t=1500 ms \(500 ms after the crash\)/);
    expect(() => expectStrongCompleteness(a, 200)).toThrow(Violation);
  });

  test("no -0 and P_A is 1 without mistakes", () => {
    const q = qos(analyse({ nodes: ["a", "b"], changes: [], life: [], end: 100 }));
    expect(q).toEqual({ T_D_max: null, T_D_mean: null, undetected: 0, T_MR: null, T_M: null, mistakes: 0, P_A: 1 });
  });

  describe("outputs are the specification", () => {
    let i = 0;
    const out = (t: number, node: string, type: string, target: string): DetectorEvent => ({ i: i++, t, k: "output", node, value: { type, node: target } });
    const life = (t: number, node: string, k: "crash" | "restart"): DetectorEvent => ({ i: i++, t, k, node });
    const nodes = ["a", "b", "c"];
    const hb = { dead: false };
    const swim = { dead: true };

    test("each change of mind once: suspect, restore, suspect again is fine; a second suspect is not", () => {
      expect(replayOpinions([out(1, "a", "suspect", "b"), out(2, "a", "restore", "b"), out(3, "a", "suspect", "b")], nodes, hb)).toBeNull();
      expect(replayOpinions([out(1, "a", "suspect", "b"), out(2, "a", "suspect", "b")], nodes, hb)?.property).toMatch(/once/);
    });

    test("restore only what is suspected; a restarted monitor suspects nobody", () => {
      expect(replayOpinions([out(1, "a", "restore", "b")], nodes, hb)?.details).toMatch(/a output restore b at t=1 ms, but it did not suspect b/);
      expect(replayOpinions([out(1, "a", "suspect", "b"), life(2, "a", "crash"), life(3, "a", "restart"), out(4, "a", "restore", "b")], nodes, hb)).not.toBeNull();
      expect(replayOpinions([out(1, "a", "suspect", "b"), life(2, "a", "crash"), life(3, "a", "restart"), out(4, "a", "suspect", "b")], nodes, hb)).toBeNull();
    });

    test("outputs name a peer, with a known type; dead only where the exercise has it, and final", () => {
      expect(replayOpinions([out(1, "a", "suspect", "zz")], nodes, hb)?.details).toMatch(/there is no node "zz"/);
      expect(replayOpinions([out(1, "a", "suspect", "a")], nodes, hb)?.details).toMatch(/about itself/);
      expect(replayOpinions([out(1, "a", "dead", "b")], nodes, hb)?.property).toMatch(/only/);
      expect(replayOpinions([out(1, "a", "dead", "b")], nodes, swim)).toBeNull();
      expect(replayOpinions([out(1, "a", "dead", "b"), out(2, "a", "restore", "b")], nodes, swim)?.property).toMatch(/dead is final/);
      expect(replayOpinions([{ i: i++, t: 1, k: "output", node: "a", value: "hello" }], nodes, hb)).not.toBeNull();
    });

    test("a query must answer what the outputs said, sample by sample", () => {
      const evs = [out(10, "a", "suspect", "b"), out(20, "a", "restore", "b")];
      const at = (after: number, sus: string[]) => ({ t: after, node: "a", after, opinions: new Map(sus.map((p) => [p, "suspect" as const])) });
      const ok = [at(evs[0]!.i, []), at(evs[0]!.i + 1, ["b"]), at(evs[1]!.i + 1, [])];
      expect(queryDisagreement(evs, nodes, hb, ok, "suspects()")).toBeNull();
      expect(queryDisagreement(evs, nodes, hb, [at(evs[1]!.i + 1, ["b"])], "suspects()")?.details).toMatch(/suspects\(\) says b is suspect, but its outputs say b is trusted/);
      expect(queryDisagreement(evs, nodes, hb, [at(evs[0]!.i, ["c"])], "suspects()")).not.toBeNull();
    });

    test("opinions at a time, and events read from a trace in order", () => {
      const evs = detectorEvents([
        { t: 1, k: "output", node: "a", value: { type: "suspect", node: "b" } },
        { t: 2, k: "crash", node: "a" },
        { t: 3, k: "restart", node: "a" },
        { t: 4, k: "output", node: "c", value: { type: "suspect", node: "a" } },
      ] as never, 100);
      expect(evs.map((e) => e.i)).toEqual([100, 101, 102, 103]);
      expect([...opinionsAt(evs, nodes, hb, 1).get("a")!]).toEqual([["b", "suspect"]]);
      expect([...opinionsAt(evs, nodes, hb, 3).get("a")!]).toEqual([]);
      expect([...opinionsAt(evs, nodes, hb, 9).get("c")!]).toEqual([["a", "suspect"]]);
    });
  });
});
