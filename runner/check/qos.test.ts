import { describe, expect, test } from "vitest";
import { analyse, expectEventualAccuracy, expectNoMistakes, expectStrongCompleteness, qos, suspicionChanges, type DetectorHistory } from "./qos.ts";
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
});
