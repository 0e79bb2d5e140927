import { describe, expect, it } from "vitest";
import { failuresInOrder } from "./failureOrder.ts";
import type { ScenarioResult } from "./grade.ts";

const failure = (over: Partial<NonNullable<ScenarioResult["failure"]>> = {}): NonNullable<ScenarioResult["failure"]> => ({ seed: 1, message: "m", property: "p", schedule: null, minimizedSchedule: null, path: null, replay: "r", traceFile: null, diagram: "", location: null, ...over });
const sc = (name: string, over: Partial<ScenarioResult> = {}, f: Partial<NonNullable<ScenarioResult["failure"]>> | null = {}): ScenarioResult => ({ name, kind: "scripted", status: "fail", runs: 1, seed: 1, traceHash: "h", failure: f === null ? null : failure(f), ...over });
const op = { at: 1, op: "heal" };

describe("which failure leads", () => {
  it("an exhaustive search or a law leads a long generative run", () => {
    const order = failuresInOrder([
      sc("generative run", { kind: "generative" }, { minimizedSchedule: [op, op, op], events: 400 }),
      sc("exhaustive search", {}, { evidence: "exhaustive", events: 0 }),
    ]);
    expect(order.map((s) => s.name)).toEqual(["exhaustive search", "generative run"]);
    expect(failuresInOrder([sc("convergence", { kind: "generative" }, { minimizedSchedule: [], events: 50 }), sc("law: commutative", {}, { evidence: "law" })])[0]!.name).toBe("law: commutative");
  });

  it("then the shortest shrunk schedule, then the fewest events; ties keep the suite's order", () => {
    const order = failuresInOrder([
      sc("a", {}, { minimizedSchedule: [op, op], events: 10 }),
      sc("b", {}, { minimizedSchedule: [op], events: 900 }),
      sc("c", {}, { minimizedSchedule: [op], events: 30 }),
      sc("d", {}, { minimizedSchedule: [op], events: 30 }),
    ]);
    expect(order.map((s) => s.name)).toEqual(["c", "d", "b", "a"]);
  });

  it("code that threw comes first (it names the line), a scenario still at a todo() last; passing ones are not failures", () => {
    const order = failuresInOrder([sc("ok", { status: "pass" }, null), sc("todo", { status: "not-started" }), sc("law", {}, { evidence: "law" }), sc("threw", { status: "error" }, { location: "x.ts:3" })]);
    expect(order.map((s) => s.name)).toEqual(["threw", "law", "todo"]);
  });
});
