// The event queue orders by time, then by insertion: ties run first
// scheduled, first run, which is what makes a run replay exactly.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventQueue } from "./eventQueue.ts";

type E = { t: number; seq: number; label: string };
const ev = (t: number, label: string): E => ({ t, seq: -1, label });

function drain(q: EventQueue<E>): E[] {
  const out: E[] = [];
  for (let e = q.pop(); e !== undefined; e = q.pop()) out.push(e);
  return out;
}

describe("EventQueue", () => {
  it("pops by time, and by insertion order among equal times", () => {
    const q = new EventQueue<E>();
    for (const [t, l] of [
      [5, "a"],
      [1, "b"],
      [5, "c"],
      [0, "d"],
      [1, "e"],
      [5, "f"],
      [3, "g"],
    ] as const)
      q.push(ev(t, l));
    expect(q.size).toBe(7);
    expect(q.peek()!.label).toBe("d");
    expect(drain(q).map((e) => `${e.t}${e.label}`)).toEqual(["0d", "1b", "1e", "3g", "5a", "5c", "5f"]);
    expect(q.size).toBe(0);
    expect(q.peek()).toBeUndefined();
    expect(q.pop()).toBeUndefined();
  });

  it("stamps increasing sequence numbers", () => {
    const q = new EventQueue<E>();
    const es = [ev(3, "x"), ev(1, "y"), ev(2, "z")];
    for (const e of es) q.push(e);
    expect(es.map((e) => e.seq)).toEqual([0, 1, 2]);
  });

  it("matches a stable sort for any pushes and pops interleaved, fractional times and many ties included", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(0, 0.5, 1, 2, 2, 3).map((t) => ({ push: t })), fc.constant({ pop: true as const })), { maxLength: 200 }),
        (ops) => {
          const q = new EventQueue<E>();
          const model: E[] = [];
          let n = 0;
          for (const op of ops) {
            if ("push" in op) {
              const e = ev(op.push, String(n++));
              q.push(e);
              model.push(e);
            } else {
              // The model: the earliest time, and among those the first pushed.
              let best = -1;
              for (let i = 0; i < model.length; i++) if (best < 0 || model[i]!.t < model[best]!.t) best = i;
              const want = best < 0 ? undefined : model.splice(best, 1)[0];
              expect(q.pop()).toBe(want);
            }
            expect(q.size).toBe(model.length);
          }
          const rest = [...model].sort((a, b) => a.t - b.t); // Array.prototype.sort is stable
          expect(drain(q)).toEqual(rest);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it("removeWhere keeps the order of what is left", () => {
    const q = new EventQueue<E>();
    for (let i = 0; i < 20; i++) q.push(ev(i % 4, String(i)));
    q.removeWhere((e) => Number(e.label) % 3 === 0);
    const left = drain(q).map((e) => Number(e.label));
    expect(left).toEqual([4, 8, 16, 1, 5, 13, 17, 2, 10, 14, 7, 11, 19]);
  });
});
