import { describe, expect, it } from "vitest";
import { gossipTrace } from "./fixtures/gossipTrace.ts";
import { TraceView } from "./traceView.ts";

describe("trace viewer model", () => {
  const trace = gossipTrace({ states: true });

  it("starts at the end and steps back and forth over the events", () => {
    const v = new TraceView(trace);
    expect(v.cursor).toBe(trace.events.length - 1);
    v.step(-3);
    expect(v.cursor).toBe(trace.events.length - 4);
    v.home();
    expect(v.cursor).toBe(0);
    v.step(-1);
    expect(v.cursor).toBe(0);
    v.step(5);
    expect(v.position()).toMatch(/^event 6 of \d+ · t=/);
  });

  it("filters by node and by message type; steps move among matching events only", () => {
    const v = new TraceView(trace);
    v.setFilters({ node: "n3" });
    for (const i of v.visibleIndices) {
      const e = trace.events[i]!;
      expect(JSON.stringify(e)).toContain('"n3"');
    }
    v.setFilters({ node: null, type: "ack" });
    expect(v.visibleIndices.length).toBeGreaterThan(0);
    v.home();
    v.step(1);
    expect((trace.events[v.cursor] as { msg?: { type: string } }).msg?.type).toBe("ack");
    v.cycleType(); // ack → (none after it) → all
    expect(v.filters.type).toBeNull();
    v.cycleNode();
    expect(v.filters.node).toBe("n1");
  });

  it("jumps to each fault and to the violation", () => {
    const v = new TraceView(trace, "every node sees the highest count\n  at t=250 ms n3 was behind");
    v.home();
    const seen: string[] = [];
    while (v.jumpToFault(1)) seen.push((v.event as { op: { op: string } }).op.op);
    expect(seen).toEqual(["partition", "crash", "heal", "restart", "pause", "resume"]);
    expect(v.jumpToFault(-1)).toBe(true);
    expect((v.event as { op: { op: string } }).op.op).toBe("pause");
    v.jumpToViolation();
    expect(v.event!.t).toBeGreaterThanOrEqual(250);
    expect(trace.events[v.cursor - 1]!.t).toBeLessThan(250);
  });

  it("jumps to the time the checker named, when the trace carries it", () => {
    const v = new TraceView({ ...trace, violationAt: 222 });
    v.home();
    v.jumpToViolation();
    expect(v.event!.t).toBeLessThanOrEqual(222);
    expect(trace.events[v.cursor + 1]!.t).toBeGreaterThan(222);
  });

  it("a failing run opens on the event the checker named, and v comes back to it; the position line says so", () => {
    const output = trace.events.findIndex((e, i) => e.k === "deliver" && i < trace.events.length - 20);
    const named = trace.total - trace.events.length + output;
    const v = new TraceView({ ...trace, violationEvent: named, violationAt: trace.events[output]!.t }, "a property broke");
    expect(v.cursor).toBe(output);
    expect(v.position()).toMatch(/◆ the violation/);
    v.end();
    expect(v.position()).not.toMatch(/violation/);
    v.jumpToViolation();
    expect(v.cursor).toBe(output);
    // A passing run opens at its end.
    expect(new TraceView(trace).cursor).toBe(trace.events.length - 1);
  });

  it("a failure checked at the end of the run, with no event named, opens at the end and says why", () => {
    const v = new TraceView(trace, "once the network heals, every replica holds the same value");
    expect(v.cursor).toBe(trace.events.length - 1);
    expect(v.position()).toMatch(/the end of the run \(the property was checked there\)/);
  });

  it("knows each node's status, fields and timers at the cursor", () => {
    const v = new TraceView(trace);
    const crashAt = trace.events.findIndex((e) => e.k === "crash");
    v.goto(crashAt);
    const n3 = v.nodesAt().find((n) => n.node === "n3")!;
    expect(n3.status).toBe("down");
    expect(n3.state).toBeNull();
    const n1 = v.nodesAt().find((n) => n.node === "n1")!;
    expect(n1.status).toBe("up");
    expect(typeof n1.state?.["highest"]).toBe("number");
    expect(n1.timers).toEqual(["tick"]);
    const pauseAt = trace.events.findIndex((e) => e.k === "pause");
    expect(v.nodesAt(pauseAt).find((n) => n.node === "n2")!.status).toBe("paused");
    // State only changes where an event changed it: the value grows over the run.
    const early = v.nodesAt(10).find((n) => n.node === "n1")!.state?.["highest"] as number;
    const late = v.nodesAt(trace.events.length - 1).find((n) => n.node === "n1")!.state?.["highest"] as number;
    expect(late).toBeGreaterThan(early);
  });

  it("tracks messages in flight: sent, not yet delivered or lost, duplicates counted", () => {
    const v = new TraceView(trace);
    const firstSend = trace.events.findIndex((e) => e.k === "send");
    const sent = trace.events[firstSend] as { id: number };
    expect(v.inFlightAt(firstSend).map((m) => m.id)).toContain(sent.id);
    const arrival = trace.events.findIndex((e) => (e.k === "deliver" || e.k === "drop") && e.id === sent.id);
    const copies = trace.events.filter((e) => (e.k === "deliver" || e.k === "drop") && e.id === sent.id).length;
    if (copies === 1) expect(v.inFlightAt(arrival).map((m) => m.id)).not.toContain(sent.id);
    // At the end: exactly the messages with fewer arrivals than copies sent.
    const expected = trace.events
      .filter((e) => e.k === "send")
      .map((e) => (e as { id: number }).id)
      .filter((id) => {
        const copies = 1 + trace.events.filter((e) => e.k === "duplicate" && e.id === id).length;
        const arrived = trace.events.filter((e) => (e.k === "deliver" || e.k === "drop") && e.id === id).length;
        return arrived < copies;
      });
    expect(v.inFlightAt(trace.events.length - 1).map((m) => m.id).sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
  });

  it("recording node states does not change the run", () => {
    const plain = gossipTrace();
    expect(trace.hash).toBe(plain.hash);
    expect(trace.events).toEqual(plain.events);
  });

  it("works on a trace without snapshots", () => {
    const v = new TraceView(gossipTrace());
    expect(v.hasStates).toBe(false);
    expect(v.nodesAt()[0]!.state).toBeNull();
  });
});
