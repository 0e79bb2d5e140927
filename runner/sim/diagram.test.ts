// Space-time diagrams of traces: one lane per node, fits 80 columns, shows
// lost messages, crashes and partitions, and has a plain-ASCII form.

import { describe, expect, it } from "vitest";
import { renderDiagram, Simulation, type Ctx, type Node, type NodeFactory, type NodeId, type TraceEvent } from "./index.ts";

type Msg = { type: "vote" | "ok"; term: number };
interface Voter extends Node<Msg> {
  send(to: NodeId, msg: Msg): void;
}
const voter: NodeFactory<Msg> = (ctx: Ctx<Msg>): Voter => ({
  send: (to, msg) => ctx.send(to, msg),
  onStart() {
    if (ctx.id === "n1") for (const p of ctx.peers) ctx.send(p, { type: "vote", term: 1 });
    if (ctx.id === "n5") ctx.setTimer("election", 8);
  },
  onMessage(from, msg) {
    if (msg.type === "vote") ctx.send(from, { type: "ok", term: msg.term });
    else ctx.output({ granted: from });
  },
  onTimer(name) {
    ctx.log(`timeout ${name}`);
  },
});

/**
 * n1 asks everyone for votes at t=0; a partition at 2 cuts n3..n5 off so those
 * are lost; n4 crashes at 6; n2's answer arrives at 10; heal at 12; a vote to
 * the crashed n4 is lost at 17; n4 restarts at 20.
 */
function story(): readonly TraceEvent[] {
  const ids = ["n1", "n2", "n3", "n4", "n5"];
  const sim = new Simulation({ seed: 1, network: { delayMs: [5, 5] }, nodes: Object.fromEntries(ids.map((id) => [id, voter])) });
  sim.at(2, () => sim.partition(["n1", "n2"], ["n3", "n4", "n5"]));
  sim.at(6, () => sim.crash("n4"));
  sim.at(12, () => {
    sim.heal();
    sim.call<Voter, void>("n1", "ask", (n) => n.send("n4", { type: "vote", term: 2 }));
  });
  sim.at(20, () => sim.restart("n4"));
  sim.run(30);
  expect(sim.error).toBeNull();
  return sim.trace.all();
}

const lines = (s: string) => s.split("\n");
/** Column of each lane, read from the header (names are centred on their lanes). */
function laneColumns(diagram: string, ids: string[]): number[] {
  const header = lines(diagram)[0]!;
  return ids.map((id) => header.indexOf(id) + Math.floor((id.length - 1) / 2));
}

describe("renderDiagram", () => {
  const events = story();
  const text = renderDiagram(events);
  const rows = lines(text);
  const ids = ["n1", "n2", "n3", "n4", "n5"];
  const cols = laneColumns(text, ids);
  const rowWith = (s: string) => {
    const r = rows.find((l) => l.includes(s));
    if (r === undefined) throw new Error(`no row contains ${JSON.stringify(s)} in\n${text}`);
    return r;
  };

  it("draws one lane per node, named in order in the header", () => {
    const header = rows[0]!;
    expect(header.startsWith("t (ms)")).toBe(true);
    expect(header.match(/n\d/g)).toEqual(ids);
    expect(cols.every((c, i) => i === 0 || c > cols[i - 1]!)).toBe(true);
    // Every row below has something on every lane: the lane itself or an event on it.
    for (const row of rows.slice(1)) for (const c of cols) expect(row[c], row).not.toBe(" ");
    // A row about one node leaves the other lanes plain.
    const crash = rowWith("n4 CRASHED");
    expect(cols.map((c) => crash[c]).join("")).toBe("│││✖│");
  });

  it("fits 80 columns for 5 nodes (and any wider width asked for)", () => {
    expect(rows.length).toBeGreaterThan(8);
    for (const row of rows) expect([...row].length, row).toBeLessThanOrEqual(80);
    for (const width of [60, 100, 120]) for (const row of lines(renderDiagram(events, { width }))) expect([...row].length).toBeLessThanOrEqual(width);
  });

  it("shows a lost message as a cross short of the receiver, with LOST and the reason", () => {
    const lost = rows.filter((r) => r.includes("✕"));
    expect(lost).toHaveLength(4); // three to the partitioned side, one to the crashed n4
    const toN3 = rowWith("n1→n3 LOST (parti");
    const x = toN3.indexOf("✕");
    expect(x).toBeGreaterThan(cols[1]!);
    expect(x).toBeLessThan(cols[2]!);
    expect(toN3[cols[0]!]).toBe("●");
    expect(toN3[cols[2]!]).toBe("│"); // the receiver's lane shows no arrival
    expect(rowWith("n1→n4 LOST (down)")).toContain("✕");
    const delivered = rowWith("n1→n2");
    expect(delivered).toContain("▶");
    expect(delivered).toContain("vote");
  });

  it("shows a crash, the down lane until the restart, and the restart", () => {
    const crashAt = rows.findIndex((r) => r.includes("n4 CRASHED"));
    const restartAt = rows.findIndex((r) => r.includes("n4 restarted"));
    expect(crashAt).toBeGreaterThan(0);
    expect(restartAt).toBeGreaterThan(crashAt);
    for (const r of rows.slice(crashAt + 1, restartAt)) expect(["┊", "─", "✕"]).toContain(r[cols[3]!]);
    expect(rows[restartAt]![cols[3]!]).toBe("↺");
    for (const r of rows.slice(restartAt + 1)) expect(r[cols[3]!]).not.toBe("┊");
  });

  it("shows a partition and a heal as rows across all lanes", () => {
    const p = rowWith("partition n1 n2 | n3");
    expect(p.trimStart().startsWith("2 ")).toBe(true);
    expect(p).toMatch(/═════│═════════│═════════│═════════│═════════│════/);
    expect(rowWith("heal all partitions")).toContain("═");
  });

  it("shows timers, logs and outputs on their lanes, with the time only where it changes", () => {
    const timer = rowWith(`n5 timer "election"`);
    expect(timer[cols[4]!]).toBe("○");
    expect(timer.trimStart().startsWith("8 ")).toBe(true);
    const log = rowWith("n5: timeout election");
    expect(log[cols[4]!]).toBe("·");
    expect(log.slice(0, 8).trim()).toBe(""); // same instant as the timer
    expect(rowWith("n1 output")[cols[0]!]).toBe("◉");
    expect(rowWith("n2→n1")).toContain("◀");
  });

  it("with {ascii: true} uses only ASCII characters, and still shows losses, crashes and partitions", () => {
    const ascii = renderDiagram(events, { ascii: true });
    for (const row of lines(ascii)) {
      expect([...row].filter((c) => c.charCodeAt(0) > 0x7e || c.charCodeAt(0) < 0x20), row).toEqual([]);
      expect(row.length).toBeLessThanOrEqual(80);
    }
    expect(ascii).toContain("n1->n3 LOST");
    expect(ascii).toContain("n4 CRASHED");
    expect(ascii).toMatch(/=====\|=========\|/);
    expect(lines(ascii)).toHaveLength(rows.length);
    // The same picture, glyph for glyph, up to the note column.
    const unicodeToAscii: Record<string, string> = { "│": "|", "┊": ":", "─": "-", "●": "o", "▶": ">", "◀": "<", "✕": "x", "○": "T", "✖": "X", "↺": "R", "◉": "@", "·": ".", "═": "=" };
    lines(ascii).forEach((row, i) => {
      const lanes = [...rows[i]!.slice(0, 57)].map((c) => unicodeToAscii[c] ?? c).join("");
      expect(row.slice(0, 57)).toBe(lanes);
    });
  });

  it("keeps ASCII output ASCII whatever the messages, node names and network notes contain", () => {
    const sim = new Simulation({
      seed: 1,
      nodes: { "nœud-1": (ctx) => ({ onStart: () => ctx.send("n2", { text: "héllo → wörld ✓" }), onMessage() {} }), n2: (ctx) => ({ onMessage: (_f, m) => ctx.output(m) }) },
    });
    sim.setNetwork({ delayMs: [1, 10], tail: 0.1, tailMs: [50, 500] });
    sim.run(20);
    for (const width of [40, 80, 120]) {
      const out = renderDiagram(sim.trace.all(), { ascii: true, width });
      expect(out).toMatch(/^[\x20-\x7e\n]*$/);
      for (const row of lines(out)) expect(row.length).toBeLessThanOrEqual(width);
    }
    expect(renderDiagram(sim.trace.all(), { ascii: true, width: 120 })).toContain("delay 1-10 ms");
  });

  it("does not draw a fault that changed nothing (resume a node that is not paused)", () => {
    const text = renderDiagram([
      { t: 5, k: "fault", op: { at: 5, op: "resume", node: "n1" }, note: "not paused" },
      { t: 6, k: "fault", op: { at: 6, op: "crash", node: "n2" }, note: "already down" },
      { t: 7, k: "fault", op: { at: 7, op: "heal" } },
      { t: 8, k: "timer", node: "n1", name: "tick" },
    ], { nodes: ["n1", "n2"] });
    expect(text).not.toMatch(/not paused|already down|resume n1/);
    expect(text).toMatch(/heal all partitions/);
    expect(text).toMatch(/n1 timer "tick"/);
  });

  it("notes duplicates and corrupted deliveries, what happened before what was carried", () => {
    const sim = new Simulation({
      seed: 1,
      network: { duplicate: 1, corrupt: 1, delayMs: [1, 1] },
      nodes: { n1: (ctx) => ({ onStart: () => ctx.send("n2", { type: "put", key: "some fairly long key", value: 1234567 }), onMessage() {} }), n2: () => ({ onMessage() {} }) },
    });
    sim.run(5);
    const out = lines(renderDiagram(sim.trace.all(), { width: 80 }));
    const arrivals = out.filter((r) => r.includes("n1→n2"));
    expect(arrivals).toHaveLength(2);
    expect(arrivals[0]).toMatch(/n1→n2 CORRUPTED \{/);
    expect(arrivals[1]).toMatch(/n1→n2 CORRUPTED \(again: duplicate\) \{/);
    for (const r of arrivals) expect(r).toContain("●─put");
  });

  it("shows an error row", () => {
    const sim = new Simulation({
      seed: 1,
      nodes: {
        n1: () => ({
          onStart() {
            throw new Error("bad state");
          },
          onMessage() {},
        }),
      },
    });
    expect(() => sim.run(1)).toThrow();
    const out = renderDiagram(sim.trace.all(), { width: 120 });
    expect(out).toMatch(/!\s+ERROR onStart on n1 threw at t=0 ms/);
  });

  it("draws only the lanes asked for, in the order asked, and orders servers before clients by number", () => {
    const only = renderDiagram(events, { nodes: ["n2", "n1"] });
    expect(lines(only)[0]!.match(/n\d/g)).toEqual(["n2", "n1"]);
    expect(only).not.toContain("n4 CRASHED");
    expect(only).toContain("n1→n2");
    const ev: TraceEvent[] = [
      { t: 0, k: "start", node: "c1" },
      { t: 0, k: "start", node: "n10" },
      { t: 0, k: "start", node: "n2" },
      { t: 0, k: "output", node: "n2", value: 1 },
    ];
    expect(lines(renderDiagram(ev))[0]!.trim().split(/\s+/)).toEqual(["t", "(ms)", "n2", "n10", "c1"]);
    expect(renderDiagram([])).toBe("(no events)");
  });
});
