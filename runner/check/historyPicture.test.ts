// The picture of a check: which operations the longest linearizable prefix
// places (in what order, leaving what state), the point no order gets past,
// the operations no order places — and its text, which must fit the width it
// is given and tell the fates apart without colour.

import { describe, expect, it } from "vitest";
import { linearizablePicture, stalePicture } from "./fixtures/histories.ts";
import { historyPicture, pictureBlocks, pictureLines, pictureText, type HistoryPicture } from "./historyPicture.ts";
import { checkLinearizability } from "./linearizability.ts";
import { keyValueModel } from "./models.ts";
import { linearizableKvHistory, staleRead } from "./syntheticHistory.ts";

const byId = (p: HistoryPicture, id: number) => p.ops.find((o) => o.id === id)!;

describe("the picture as data", () => {
  const p = stalePicture();

  it("numbers operations in call order and gives each client a lane in order of its first call", () => {
    expect(p.ops.map((o) => o.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(p.ops.map((o) => o.call)).toEqual([...p.ops.map((o) => o.call)].sort((a, b) => a - b));
    expect(p.clients).toEqual(["c1", "c2", "c4", "c3", "<c5>"]);
  });

  it("places the longest linearizable prefix in order, with the state after each step", () => {
    const prefix = p.ops.filter((o) => o.fate === "linearized").sort((a, b) => a.order! - b.order!);
    expect(prefix.map((o) => o.label)).toEqual(['put("x", "a")', 'put("x", "b")', 'get("x") -> "b"', 'append("x", "!") -> ?']);
    expect(prefix.map((o) => o.stateAfter)).toEqual(['"a"', '"b"', '"b"', '"b!"']);
    expect(p.initialState).toBe("null");
  });

  it("marks the stale read as the operation no order places, and the point no order gets past as its return", () => {
    const stale = byId(p, 5);
    expect(stale).toMatchObject({ client: "c3", fate: "unplaceable", stuck: true, order: null });
    expect(p.frontier).toBe(40);
    expect(p.ops.filter((o) => o.call > 40).every((o) => o.fate === "unreached")).toBe(true);
  });

  it("keeps an operation that never returned as open-ended", () => {
    expect(byId(p, 3)).toMatchObject({ ret: null, label: 'append("x", "!") -> ?' });
  });

  it("is plain JSON: it survives the trip from a failing suite to the replay", () => {
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });

  it("for a linearizable history, shows an order that works and leaves out what never took effect", () => {
    const l = linearizablePicture();
    expect(l.verdict).toBe("linearizable");
    expect(l.frontier).toBeNull();
    expect(l.ops.filter((o) => o.ret !== null).every((o) => o.fate === "linearized")).toBe(true);
    expect(byId(l, 3)).toMatchObject({ fate: "other", order: null });
  });
});

describe("the picture as text", () => {
  const p = stalePicture();
  const text = pictureText(p);

  it("draws a lane per client with a bar per operation, and a second row where a client's operations overlap", () => {
    const lanes = pictureBlocks(p).lanes.slice(1).map((l) => l.map((s) => s.text).join(""));
    expect(lanes.map((l) => l.slice(0, 7).trim())).toEqual(["c1", "c2", "c4", "", "c3", "<c5>"]);
    for (const o of p.ops) expect(text).toContain(`#${o.id} `);
    expect(lanes[2]).toMatch(/├#3 append\("x", "!"\) -> \?─+…$/);
  });

  it("tells the fates apart without colour: ├─┤ in the prefix, ╞═╡ cannot be placed, ┊·┊ not reached", () => {
    expect(text).toMatch(/├#1 put\("x", "a"\)┤/);
    expect(text).toMatch(/╞#5 get\("x"\) -> "a"╡/);
    expect(text).toMatch(/┊#7 get\("x"\) -> "b"┊/);
    expect(text).toContain("the longest prefix stops here, and no order places it at all");
  });

  it("marks the point no order gets past right above the end of the stuck operation", () => {
    const b = pictureBlocks(p);
    const axis = b.lanes[0]!.map((s) => s.text).join("");
    const c3 = b.lanes.find((l) => l[0]!.text.startsWith("c3"))!.map((s) => s.text).join("");
    expect([...axis].indexOf("▼")).toBe(b.frontierCol);
    expect([...c3][b.frontierCol!]).toBe("╡");
  });

  it("with a width and an operation limit, fits every line and keeps the operations around the failure", () => {
    const model = keyValueModel("");
    const history = staleRead(linearizableKvHistory(3), 3);
    const r = checkLinearizability(model, history);
    const big = historyPicture(model, r.failed!);
    for (const width of [60, 80, 100]) {
      const lines = pictureText(big, { width, maxOps: 12 }).split("\n");
      for (const l of lines) expect([...l].length, l).toBeLessThanOrEqual(width);
      const stuck = big.ops.find((o) => o.stuck)!;
      expect(lines.join("\n")).toContain(`#${stuck.id} `);
      expect(lines.join("\n")).toMatch(/the \d+ operations nearest the point no order gets past/);
    }
  });

  it("styles the fates for a colour terminal", () => {
    const segs = pictureLines(p).flat();
    expect(segs.find((s) => s.text.startsWith("╞#5"))!.style).toMatchObject({ color: "red" });
    expect(segs.find((s) => s.text.startsWith("├#1"))!.style).toMatchObject({ color: "green" });
    expect(segs.find((s) => s.text.startsWith("┊#7"))!.style).toMatchObject({ dim: true });
  });
});
