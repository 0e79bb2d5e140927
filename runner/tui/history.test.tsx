// The history viewer with ink-testing-library: the picture of a failing
// history at 80 columns, scrolled with the keys a reader presses; and the
// trace viewer's H key, which opens it for a replayed raft-kv failure.

import { render } from "ink-testing-library";
import { describe, expect, test } from "vitest";
import { linearizablePicture, stalePicture } from "../check/fixtures/histories.ts";
import { gossipTrace } from "../grade/fixtures/gossipTrace.ts";
import { HistoryViewer, sliceLine } from "./history.tsx";
import { TraceViewer } from "./trace.tsx";

const tick = () => new Promise((r) => setTimeout(r, 30));
const strip = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, "");
/** The frame once it shows `text` (a busy machine may take a few frames to subscribe a new screen's keys). */
async function frameWith(ui: { lastFrame(): string | undefined }, text: string | RegExp, press?: () => void): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const f = strip(ui.lastFrame() ?? "");
    if (typeof text === "string" ? f.includes(text) : text.test(f)) return f;
    if (press && i % 10 === 9) press();
    await tick();
  }
  return strip(ui.lastFrame() ?? "");
}

describe("history viewer", () => {
  test("fits 80×24, starts at the point no order gets past, scrolls time under fixed client names, and quits", async () => {
    let quit = false;
    const ui = render(<HistoryViewer pictures={[stalePicture(), linearizablePicture()]} title="test" width={80} height={23} onQuit={() => (quit = true)} />);
    await tick();
    let frame = strip(ui.lastFrame()!);
    const lines = frame.split("\n");
    expect(lines.length).toBeLessThanOrEqual(24);
    for (const l of lines) expect([...l].length, l).toBeLessThanOrEqual(80);
    expect(frame).toContain('key "x": not linearizable');
    expect(frame).toContain("▼ no order gets past here");
    expect(frame).toContain("╞#5");
    expect(frame).toMatch(/^c3 /m);
    const start = /time from column (\d+)/.exec(frame)![1];

    ui.stdin.write("h");
    frame = await frameWith(ui, /time from column (\d+)/);
    await tick();
    frame = strip(ui.lastFrame()!);
    expect(/time from column (\d+)/.exec(frame)![1]).not.toBe(start);
    for (let i = 0; i < 6; i++) ui.stdin.write("h");
    frame = await frameWith(ui, "time from column 1 ");
    expect(frame).toMatch(/^c1 /m);
    expect(frame).toContain("├#1");

    ui.stdin.write("\t");
    await tick();
    frame = strip(ui.lastFrame()!);
    expect(frame).toContain('key "x": linearizable');
    expect(frame).toContain("picture 2 of 2");

    ui.stdin.write("q");
    await tick();
    expect(quit).toBe(true);
  });

  test("scrolls the legend up and down", async () => {
    const ui = render(<HistoryViewer pictures={[stalePicture()]} title="t" width={80} height={10} onQuit={() => {}} />);
    await tick();
    expect(strip(ui.lastFrame()!)).not.toContain("#7 <c5>");
    ui.stdin.write("G");
    await tick();
    expect(strip(ui.lastFrame()!)).toContain("#7 <c5>");
  });

  test("slices styled lines by columns", () => {
    const line = [{ text: "abc" }, { text: "defg", style: { color: "red" } }, { text: "hi" }];
    expect(sliceLine(line, 2, 4)).toEqual([{ text: "c" }, { text: "def", style: { color: "red" } }]);
    expect(sliceLine(line, 0, 100).map((s) => s.text).join("")).toBe("abcdefghi");
  });
});

describe("trace viewer with a history picture", () => {
  test("H opens the picture, q comes back to the trace where it was", async () => {
    const ui = render(<TraceViewer trace={gossipTrace()} title="kv" status="fail" histories={[stalePicture()]} width={120} height={30} onQuit={() => {}} />);
    await tick();
    expect(strip(ui.lastFrame()!)).toContain("H history picture");
    ui.stdin.write("g");
    await tick();
    const at = /event \d+ of \d+/.exec(strip(ui.lastFrame()!))![0];
    ui.stdin.write("H");
    expect(await frameWith(ui, "▼ no order gets past here")).toContain("▼ no order gets past here");
    ui.stdin.write("q");
    expect(await frameWith(ui, at, () => ui.stdin.write("q"))).toContain(at);
  });

  test("without a picture, H does nothing and the key is not offered", async () => {
    const ui = render(<TraceViewer trace={gossipTrace()} title="kv" width={120} height={30} onQuit={() => {}} />);
    await tick();
    expect(strip(ui.lastFrame()!)).not.toContain("history picture");
  });
});
