// The determinism guard: inside learner code, wall-clock time, unseeded
// randomness, real timers and async are refused with a teaching error; outside
// the simulator everything works as usual again.

import { describe, expect, it } from "vitest";
import { DeterminismError, Simulation, type Node, type NodeFactory } from "./index.ts";
import { guardActive } from "./guard.ts";

/** Each forbidden thing, with a fragment of the alternative its error must suggest. */
const FORBIDDEN: [string, () => unknown, string][] = [
  ["Math.random()", () => Math.random(), "ctx.random()"],
  ["Date.now()", () => Date.now(), "ctx.now()"],
  ["new Date()", () => new Date(), "ctx.now()"],
  ["Date()", () => (Date as unknown as () => string)(), "ctx.now()"],
  ["performance.now()", () => performance.now(), "ctx.now()"],
  ["setTimeout()", () => setTimeout(() => {}, 10), "ctx.setTimer"],
  ["setInterval()", () => setInterval(() => {}, 10), "ctx.setTimer"],
  ["setImmediate()", () => setImmediate(() => {}), "ctx.setTimer"],
  ["queueMicrotask()", () => queueMicrotask(() => {}), "no async"],
  ["crypto.randomUUID()", () => crypto.randomUUID(), "ctx.id and a counter"],
  ["crypto.getRandomValues()", () => crypto.getRandomValues(new Uint8Array(4)), "ctx.random()"],
];

type Place = "onStart" | "onMessage" | "onTimer";

/** A two-node cluster where n2 does `bad` in `place` (a message from n1 arrives at t=5, the timer fires at t=7). */
function doingIn(place: Place, bad: () => unknown): Simulation {
  const culprit: NodeFactory = (ctx) => ({
    onStart() {
      ctx.setTimer("t", 7);
      if (place === "onStart") bad();
    },
    onTimer() {
      if (place === "onTimer") bad();
    },
    onMessage() {
      if (place === "onMessage") bad();
    },
  });
  return new Simulation({
    seed: 1,
    network: { delayMs: [5, 5] },
    nodes: { n1: (ctx) => ({ onStart: () => ctx.send("n2", "hi"), onMessage() {} }), n2: culprit },
  });
}

function refusal(run: () => void): DeterminismError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(DeterminismError);
    return e as DeterminismError;
  }
  throw new Error("not refused");
}

/** The real globals, captured before any simulation ran. */
const real = {
  random: Math.random,
  Date,
  now: performance.now,
  setTimeout: globalThis.setTimeout,
  setInterval: globalThis.setInterval,
  setImmediate: globalThis.setImmediate,
  queueMicrotask: globalThis.queueMicrotask,
  randomUUID: crypto.randomUUID,
  getRandomValues: crypto.getRandomValues,
};

function expectGlobalsRestored(): void {
  expect(guardActive()).toBe(false);
  expect(Math.random).toBe(real.random);
  expect(globalThis.Date).toBe(real.Date);
  expect(performance.now).toBe(real.now);
  expect(globalThis.setTimeout).toBe(real.setTimeout);
  expect(globalThis.setInterval).toBe(real.setInterval);
  expect(globalThis.setImmediate).toBe(real.setImmediate);
  expect(globalThis.queueMicrotask).toBe(real.queueMicrotask);
  expect(crypto.randomUUID).toBe(real.randomUUID);
  expect(crypto.getRandomValues).toBe(real.getRandomValues);
  // No own properties left behind on objects whose methods live on the prototype.
  expect(Object.getOwnPropertyNames(crypto)).not.toContain("randomUUID");
  expect(Object.getOwnPropertyNames(performance)).not.toContain("now");
  // And they work.
  const r = Math.random();
  expect(r >= 0 && r < 1).toBe(true);
  expect(typeof Date.now()).toBe("number");
  expect(new Date(0).getTime()).toBe(0);
  expect(typeof performance.now()).toBe("number");
  expect(crypto.randomUUID()).toMatch(/^[0-9a-f-]{36}$/);
}

describe("the determinism guard", () => {
  for (const [what, bad, instead] of FORBIDDEN) {
    for (const place of ["onStart", "onMessage", "onTimer"] as const) {
      it(`refuses ${what} in ${place}, naming handler and node and the alternative`, () => {
        const sim = doingIn(place, bad);
        const err = refusal(() => sim.run(20));
        const t = { onStart: 0, onMessage: 5, onTimer: 7 }[place];
        expect(err.message).toContain(`${what} is not allowed in ${place} on n2 at t=${t} ms`);
        expect(err.message).toContain(instead);
        expect(err.where).toEqual({ node: "n2", handler: place, time: t });
        expect(sim.error).toBe(err);
        expectGlobalsRestored();
      });
    }
  }

  it("refuses in the factory and in harness calls into a node too", () => {
    const err = refusal(() => new Simulation({ seed: 1, nodes: { n1: () => ({ id: Math.random(), onMessage() {} }) } }));
    expect(err.message).toContain("Math.random() is not allowed in the constructor on n1 at t=0 ms");
    const sim = new Simulation({ seed: 1, nodes: { n1: () => ({ onMessage() {} }) } });
    sim.run(100);
    const err2 = refusal(() => sim.call("n1", "start(command)", () => Date.now()));
    expect(err2.message).toContain("Date.now() is not allowed in start(command) on n1 at t=100 ms");
    expectGlobalsRestored();
  });

  it("allows what is deterministic: Dates built from a number, Date.UTC, instanceof Date", () => {
    const sim = new Simulation({
      seed: 1,
      nodes: {
        n1: (ctx) => ({
          onStart() {
            const d = new Date(86_400_000);
            ctx.output({ iso: d.toISOString(), utc: Date.UTC(2020, 0, 1), isDate: d instanceof Date, parsed: Date.parse("1970-01-02T00:00:00Z") });
          },
          onMessage() {},
        }),
      },
    });
    sim.run(1);
    expect(sim.error).toBeNull();
    expect(sim.outputs[0]!.value).toEqual({ iso: "1970-01-02T00:00:00.000Z", utc: 1577836800000, isDate: true, parsed: 86_400_000 });
  });

  it("refuses an async handler", () => {
    const sim = new Simulation({
      seed: 1,
      network: { delayMs: [5, 5] },
      nodes: {
        n1: (ctx) => ({ onStart: () => ctx.send("n2", "hi"), onMessage() {} }),
        n2: (ctx) => ({
          async onMessage() {
            ctx.output("handled");
          },
        }),
      },
    });
    const err = refusal(() => sim.run(20));
    expect(err.message).toContain("onMessage returning a Promise (an async handler) is not allowed in onMessage on n2 at t=5 ms");
    expect(err.message).toContain("Handlers must be synchronous");
    expectGlobalsRestored();
  });

  it("an async handler that throws is refused as async, and leaves no unhandled rejection behind", async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => void unhandled.push(reason);
    process.on("unhandledRejection", listener);
    try {
      const sim = new Simulation({
        seed: 1,
        nodes: {
          n1: () => ({
            async onStart() {
              throw new Error("boom");
            },
            onMessage() {},
          }),
        },
      });
      const err = refusal(() => sim.run(1));
      expect(err.message).toContain("onStart returning a Promise");
      // Unhandled rejections are reported once the microtask queue drains.
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off("unhandledRejection", listener);
    }
    expect(unhandled).toEqual([]);
  });

  it("is installed only while the simulator runs, nested calls included", () => {
    const seen: boolean[] = [];
    const sim = new Simulation({ seed: 1, nodes: { n1: () => ({ onMessage() {} }) } });
    sim.at(5, () => {
      seen.push(guardActive());
      sim.call<Node<unknown>, void>("n1", "poke", () => void seen.push(guardActive()));
      // Still guarded after the nested call returned.
      seen.push(guardActive());
      expect(() => Math.random()).toThrow(DeterminismError);
    });
    expect(guardActive()).toBe(false);
    sim.run(10);
    expect(seen).toEqual([true, true, true]);
    expectGlobalsRestored();
  });

  it("leaves globals working after a run that failed for another reason", () => {
    const sim = new Simulation({
      seed: 1,
      nodes: {
        n1: () => ({
          onStart() {
            throw new Error("plain bug");
          },
          onMessage() {},
        }),
      },
    });
    expect(() => sim.run(1)).toThrow(/plain bug/);
    expectGlobalsRestored();
  });
});
