// The trace viewer screen with ink-testing-library: keys as a learner presses them.

import { render } from "ink-testing-library";
import { describe, expect, test } from "vitest";
import { gossipTrace } from "../grade/fixtures/gossipTrace.ts";
import { describeEvent } from "../grade/html.ts";
import { TRACE_KEYS, TraceViewer } from "./trace.tsx";

const tick = () => new Promise((r) => setTimeout(r, 30));
/** Polls until the frame matches (Ink renders asynchronously; the machine may be busy). */
async function until(frame: () => string | undefined, re: RegExp, ms = 5000): Promise<string> {
  const started = Date.now();
  while (!re.test(frame() ?? "") && Date.now() - started < ms) await tick();
  return frame() ?? "";
}

describe("trace viewer", () => {
  const trace = gossipTrace({ states: true });

  test("shows the diagram, the nodes' state at the cursor and messages in flight; steps and jumps with keys", async () => {
    let quit = false;
    const ui = render(<TraceViewer trace={trace} title="gossip · test" status="fail" failureMessage="n3 fell behind at t=250 ms" width={140} height={36} onQuit={() => (quit = true)} />);
    await tick();
    const frame = ui.lastFrame()!;
    expect(frame).toContain("replay · gossip · test");
    // A failing run opens on the violation (here: the first event at the time the message names).
    expect(frame).toMatch(/t=250 ms · ◆ the violation/);
    expect(frame).toMatch(/at this point/);
    expect(frame).toMatch(/n1 up {2}timers: tick/);
    expect(frame).toMatch(/highest:\d+/);
    expect(frame).toMatch(/in flight \(\d+\)/);

    ui.stdin.write("g");
    expect(await until(ui.lastFrame, /event 1 of/)).toContain(`event 1 of ${trace.total}`);
    ui.stdin.write("j");
    expect(await until(ui.lastFrame, /event 2 of/)).toContain(`event 2 of ${trace.total}`);

    ui.stdin.write("f");
    expect(await until(ui.lastFrame, /fault: partition/)).toMatch(/▶ t=100 fault: partition/);

    ui.stdin.write("f");
    expect(await until(ui.lastFrame, /fault: crash/)).toMatch(/▶ t=180 fault: crash n3/);
    ui.stdin.write("j");
    expect(await until(ui.lastFrame, /n3 down/)).toMatch(/n3 down/);

    ui.stdin.write("v");
    expect(await until(ui.lastFrame, /▶ t=25\d/)).toMatch(/▶ t=25\d/);

    ui.stdin.write("n");
    expect(await until(ui.lastFrame, /filter: node/)).toMatch(/filter: node n1 \(\d+ events\)/);
    ui.stdin.write("m");
    expect(await until(ui.lastFrame, /type gossip/)).toMatch(/filter: node n1, type gossip/);
    ui.stdin.write("c");
    expect(await until(ui.lastFrame, /all events/)).toContain("all events");

    ui.stdin.write("q");
    await tick();
    expect(quit).toBe(true);
    ui.unmount();
  });

  test.each([
    [80, 23],
    [60, 19],
  ])("at %i×%i: node state shows below the diagram, the violation is selected, the event is wrapped whole; s and d toggle", async (width, height) => {
    const output = trace.events.findIndex((e) => e.k === "output" && e.t > 150);
    const named = { ...trace, violationEvent: trace.total - trace.events.length + output };
    const ui = render(<TraceViewer trace={named} title="gossip · test" status="fail" failureMessage="n2 output a smaller count" width={width} height={height} onQuit={() => {}} />);
    await tick();
    let frame = ui.lastFrame()!;
    expect(frame.split("\n").length).toBeLessThanOrEqual(height);
    for (const line of frame.split("\n")) expect([...line].length).toBeLessThanOrEqual(width);
    expect(frame).toContain(`event ${output + 1} of ${trace.total}`);
    expect(frame).toMatch(/◆ the violation/);
    expect(frame).toMatch(/at this point/);
    expect(frame).toMatch(/n1 up {2}timers: tick {2}\{highest:\d+\}/);
    const o = trace.events[output] as { node: string; value: number };
    expect(frame).toContain(`▶ t=${trace.events[output]!.t} ${o.node} outputs ${o.value}`);
    for (const k of TRACE_KEYS) expect(frame).toContain(`${k.key} ${k.label}`);
    // A long event wraps whole instead of being cut at the edge.
    ui.stdin.write("G");
    await until(ui.lastFrame, new RegExp(`event ${trace.total} of`));
    const last = trace.events.at(-1)!;
    const text = ui.lastFrame()!.split("\n").filter((l) => l.startsWith("▶ ") || /^ {2}\S/.test(l)).join(" ");
    expect(text.replace(/\s+/g, "")).toContain(`t=${last.t}${describeEvent(last)}`.replace(/\s+/g, ""));
    ui.stdin.write("s");
    expect(await until(ui.lastFrame, /state hidden/)).not.toMatch(/at this point/);
    ui.stdin.write("s");
    expect(await until(ui.lastFrame, /at this point/)).toMatch(/at this point/);
    ui.stdin.write("d");
    frame = await until(ui.lastFrame, /the whole event/);
    expect(frame).toMatch(/the whole event \(d: back to the diagram\)/);
    expect(frame).toMatch(/the event as recorded:/);
    ui.stdin.write("v");
    await until(ui.lastFrame, /◆ the violation/);
    ui.stdin.write("d");
    expect(await until(ui.lastFrame, /t \(ms\)/)).toContain(`event ${output + 1} of ${trace.total}`);
    ui.unmount();
  });

  test("says when a trace has no recorded fields, and fits a narrow terminal", async () => {
    const ui = render(<TraceViewer trace={gossipTrace()} title="t" width={140} height={30} onQuit={() => {}} />);
    await tick();
    expect(ui.lastFrame()).toContain("(fields not recorded in this trace)");
    ui.unmount();
    const narrow = render(<TraceViewer trace={gossipTrace()} title="t" width={70} height={20} onQuit={() => {}} />);
    await tick();
    for (const line of narrow.lastFrame()!.split("\n")) expect([...line].length).toBeLessThanOrEqual(70);
    narrow.unmount();
  });
});
