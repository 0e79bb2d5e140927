// The trace viewer screen with ink-testing-library: keys as a learner presses them.

import { render } from "ink-testing-library";
import { describe, expect, test } from "vitest";
import { gossipTrace } from "../grade/fixtures/gossipTrace.ts";
import { TraceViewer } from "./trace.tsx";

const tick = () => new Promise((r) => setTimeout(r, 30));

describe("trace viewer", () => {
  const trace = gossipTrace({ states: true });

  test("shows the diagram, the nodes' state at the cursor and messages in flight; steps and jumps with keys", async () => {
    let quit = false;
    const ui = render(<TraceViewer trace={trace} title="gossip · test" status="fail" failureMessage="n3 fell behind at t=250 ms" width={140} height={36} onQuit={() => (quit = true)} />);
    await tick();
    let frame = ui.lastFrame()!;
    expect(frame).toContain("replay · gossip · test");
    expect(frame).toContain(`event ${trace.total} of ${trace.total}`);
    expect(frame).toMatch(/at this point/);
    expect(frame).toMatch(/n1 up {2}timers: tick/);
    expect(frame).toMatch(/highest:\d+/);
    expect(frame).toMatch(/in flight \(\d+\)/);

    ui.stdin.write("g");
    await tick();
    expect(ui.lastFrame()).toContain(`event 1 of ${trace.total}`);
    ui.stdin.write("j");
    await tick();
    expect(ui.lastFrame()).toContain(`event 2 of ${trace.total}`);

    ui.stdin.write("f");
    await tick();
    frame = ui.lastFrame()!;
    expect(frame).toMatch(/▶ t=100 fault: partition/);

    ui.stdin.write("f");
    await tick();
    expect(ui.lastFrame()).toMatch(/▶ t=180 fault: crash n3/);
    ui.stdin.write("j");
    await tick();
    expect(ui.lastFrame()).toMatch(/n3 down/);

    ui.stdin.write("v");
    await tick();
    expect(ui.lastFrame()).toMatch(/▶ t=25\d/);

    ui.stdin.write("n");
    await tick();
    expect(ui.lastFrame()).toMatch(/filter: node n1 \(\d+ events\)/);
    ui.stdin.write("m");
    await tick();
    expect(ui.lastFrame()).toMatch(/filter: node n1, type gossip/);
    ui.stdin.write("c");
    await tick();
    expect(ui.lastFrame()).toContain("all events");

    ui.stdin.write("q");
    await tick();
    expect(quit).toBe(true);
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
