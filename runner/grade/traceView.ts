// The trace viewer's model, apart from any screen: a cursor over a replayed
// run's events, filters by node and message type, and what held at the cursor
// — each node's status, fields and pending timers, the messages in flight —
// plus jumps to the violation and to each fault. Pure; runner/tui/trace.tsx
// draws it.
//
// What "state at the cursor" can show: node fields come from the snapshots a
// replay records (runner/sim/snapshots.ts), so only fields on the node object
// itself appear (closure variables do not), and a trace read from an older
// file has none. Status (up/down/paused) and messages in flight are derived
// from the events and are exact within the events the trace holds; a message
// sent before the trace's first event is not known to be in flight.

import type { NodeStateSnapshot, TraceWithStates } from "../sim/snapshots.ts";
import type { TraceEvent } from "../sim/trace.ts";
import { messageType } from "./html.ts";

export interface InFlight {
  id: number;
  from: string;
  to: string;
  type: string;
  sentAt: number;
  /** Copies still on the way (a duplicated message travels twice). */
  copies: number;
  msg: unknown;
}

export interface NodeAtCursor {
  node: string;
  status: "up" | "down" | "paused";
  /** Fields of the node object, when the replay recorded them. */
  state: Record<string, unknown> | null;
  timers: string[] | null;
}

function involves(e: TraceEvent, node: string): boolean {
  if ("node" in e) return e.node === node;
  if ("from" in e) return e.from === node || e.to === node;
  if (e.k === "fault") return JSON.stringify(e.op).includes(`"${node}"`);
  return false;
}

function typeOf(e: TraceEvent): string | null {
  return e.k === "send" || e.k === "deliver" || e.k === "drop" ? messageType(e.msg) : null;
}

export class TraceView {
  readonly events: readonly TraceEvent[];
  readonly nodes: readonly string[];
  readonly types: readonly string[];
  /** Index of the first event this trace holds, in the whole run. */
  readonly first: number;
  private nodeFilter: string | null = null;
  private typeFilter: string | null = null;
  private visible: number[] = [];
  private snapshots: NodeStateSnapshot[];
  /** Position in `events` (always a visible event when any is). */
  cursor = 0;

  constructor(
    readonly trace: TraceWithStates,
    readonly failureMessage: string | null = null,
  ) {
    this.events = trace.events;
    const nodes = [...trace.nodes];
    for (const e of trace.events) for (const n of "node" in e ? [e.node] : "from" in e ? [e.from, e.to] : []) if (n !== "-" && !nodes.includes(n)) nodes.push(n);
    this.nodes = nodes;
    const types: string[] = [];
    for (const e of trace.events) {
      const t = typeOf(e);
      if (t !== null && !types.includes(t)) types.push(t);
    }
    this.types = types;
    this.first = trace.total - trace.events.length;
    this.snapshots = [...(trace.states ?? [])].sort((a, b) => a.at - b.at);
    this.refilter();
    // A failing run opens where it went wrong; a passing one at its end.
    this.cursor = failureMessage !== null || trace.violationAt !== undefined || trace.violationEvent !== undefined ? Math.max(0, this.violationIndex()) : (this.visible.at(-1) ?? 0);
  }

  get hasStates(): boolean {
    return this.snapshots.length > 0;
  }

  get filters(): { node: string | null; type: string | null } {
    return { node: this.nodeFilter, type: this.typeFilter };
  }

  /** Events that pass the filters, as indices into `events`. */
  get visibleIndices(): readonly number[] {
    return this.visible;
  }

  matches(i: number): boolean {
    const e = this.events[i]!;
    if (this.nodeFilter && !involves(e, this.nodeFilter)) return false;
    if (this.typeFilter && typeOf(e) !== this.typeFilter) return false;
    return true;
  }

  private refilter(): void {
    this.visible = [];
    for (let i = 0; i < this.events.length; i++) if (this.matches(i)) this.visible.push(i);
    if (this.visible.length && !this.matches(this.cursor)) this.cursor = this.nearestVisible(this.cursor);
  }

  private nearestVisible(i: number): number {
    let best = this.visible[0]!;
    for (const v of this.visible) if (Math.abs(v - i) < Math.abs(best - i) || (v <= i && Math.abs(v - i) === Math.abs(best - i))) best = v;
    return best;
  }

  /** Cycles the node filter: all → n1 → n2 → … → all. */
  cycleNode(): void {
    const i = this.nodeFilter === null ? 0 : this.nodes.indexOf(this.nodeFilter) + 1;
    this.nodeFilter = i < this.nodes.length ? this.nodes[i]! : null;
    this.refilter();
  }

  cycleType(): void {
    const i = this.typeFilter === null ? 0 : this.types.indexOf(this.typeFilter) + 1;
    this.typeFilter = i < this.types.length ? this.types[i]! : null;
    this.refilter();
  }

  setFilters(f: { node?: string | null; type?: string | null }): void {
    if (f.node !== undefined) this.nodeFilter = f.node;
    if (f.type !== undefined) this.typeFilter = f.type;
    this.refilter();
  }

  /** Moves `delta` visible events (negative: back). */
  step(delta: number): void {
    if (!this.visible.length) return;
    const at = this.visible.indexOf(this.cursor);
    const pos = Math.max(0, Math.min(this.visible.length - 1, (at < 0 ? 0 : at) + delta));
    this.cursor = this.visible[pos]!;
  }

  home(): void {
    if (this.visible.length) this.cursor = this.visible[0]!;
  }

  end(): void {
    if (this.visible.length) this.cursor = this.visible.at(-1)!;
  }

  /** Moves to event `i` (the nearest visible one). */
  goto(i: number): void {
    if (!this.visible.length) return;
    this.cursor = this.matches(i) ? i : this.nearestVisible(i);
  }

  /**
   * Where the run went wrong: the event the checker named (trace.violationEvent),
   * else the last event at or before the time it named (trace.violationAt),
   * else the first error event, else the first event at or after a time named
   * in the failure message ("at t=1234 ms"), else the run's last event (a
   * property checked at the end of the run, or after every event: the run
   * stops there).
   */
  violationIndex(): number {
    return this.violation().index;
  }

  /** The violation's index, and how it was found ("end": only that the run failed, checked at its end). */
  violation(): { index: number; from: "event" | "time" | "error" | "message" | "end" } {
    const named = this.trace.violationEvent;
    if (named !== undefined && named - this.first >= 0 && named - this.first < this.events.length) return { index: named - this.first, from: "event" };
    const at = this.trace.violationAt;
    if (at !== undefined) {
      // The last event at or before the time the checker named: the state it judged.
      let i = -1;
      this.events.forEach((e, k) => {
        if (e.t <= at) i = k;
      });
      if (i >= 0) return { index: i, from: "time" };
    }
    const err = this.events.findIndex((e) => e.k === "error");
    if (err >= 0) return { index: err, from: "error" };
    const m = this.failureMessage ? /\bt\s*=\s*(\d+(?:\.\d+)?)\s*ms/.exec(this.failureMessage) : null;
    if (m) {
      const t = Number(m[1]);
      const i = this.events.findIndex((e) => e.t >= t);
      if (i >= 0) return { index: i, from: "message" };
    }
    return { index: this.events.length - 1, from: "end" };
  }

  jumpToViolation(): void {
    const i = this.violationIndex();
    if (i >= 0) {
      // Show it even when filtered out.
      if (!this.matches(i)) this.setFilters({ node: null, type: null });
      this.cursor = i;
    }
  }

  /** Indices of fault events (and crashes, restarts, pauses, resumes). */
  faultIndices(): number[] {
    const out: number[] = [];
    this.events.forEach((e, i) => {
      if (e.k === "fault") out.push(i);
    });
    return out;
  }

  /** Next (dir 1) or previous (dir -1) fault from the cursor; false when there is none. */
  jumpToFault(dir: 1 | -1): boolean {
    const faults = this.faultIndices();
    const next = dir > 0 ? faults.find((i) => i > this.cursor) : faults.filter((i) => i < this.cursor).at(-1);
    if (next === undefined) return false;
    if (!this.matches(next)) this.setFilters({ node: null, type: null });
    this.cursor = next;
    return true;
  }

  get event(): TraceEvent | undefined {
    return this.events[this.cursor];
  }

  /** Each node just after the cursor's event. */
  nodesAt(i = this.cursor): NodeAtCursor[] {
    const status = new Map<string, NodeAtCursor["status"]>(this.nodes.map((n) => [n, "up"]));
    for (let k = 0; k <= i && k < this.events.length; k++) {
      const e = this.events[k]!;
      if (e.k === "crash") status.set(e.node, "down");
      else if (e.k === "restart" || e.k === "start") status.set(e.node, "up");
      else if (e.k === "pause") status.set(e.node, "paused");
      else if (e.k === "resume") status.set(e.node, "up");
    }
    const done = this.first + i + 1;
    const latest = new Map<string, NodeStateSnapshot>();
    for (const s of this.snapshots) {
      if (s.at > done) break;
      latest.set(s.node, s);
    }
    return this.nodes.map((node) => {
      const s = latest.get(node);
      return { node, status: status.get(node)!, state: s ? s.state : null, timers: s ? s.timers : null };
    });
  }

  /** Messages sent and not yet delivered or lost, just after the cursor's event. */
  inFlightAt(i = this.cursor): InFlight[] {
    const flying = new Map<number, InFlight>();
    for (let k = 0; k <= i && k < this.events.length; k++) {
      const e = this.events[k]!;
      if (e.k === "send") flying.set(e.id, { id: e.id, from: e.from, to: e.to, type: messageType(e.msg), sentAt: e.t, copies: 1, msg: e.msg });
      else if (e.k === "duplicate") {
        const f = flying.get(e.id);
        if (f) f.copies++;
      } else if (e.k === "deliver" || e.k === "drop") {
        const f = flying.get(e.id);
        if (f && --f.copies <= 0) flying.delete(e.id);
      }
    }
    return [...flying.values()];
  }

  /** Up to `rows` visible events ending at the cursor (the diagram's window). */
  windowAtCursor(rows: number): TraceEvent[] {
    const at = this.visible.indexOf(this.cursor);
    if (at < 0) return [];
    return this.visible.slice(Math.max(0, at - rows + 1), at + 1).map((i) => this.events[i]!);
  }

  /** Whether the run says where it broke (an event or a time), rather than only that it failed. */
  get knowsViolation(): boolean {
    return this.violation().from !== "end";
  }

  /** "event 12 of 254 · t=340 ms", marked when the cursor is on the violation. */
  position(): string {
    const e = this.event;
    if (!e) return "no events";
    const here = this.failureMessage !== null && this.cursor === this.violationIndex() ? (this.knowsViolation ? " · ◆ the violation" : " · the end of the run (the property was checked there)") : "";
    return `event ${this.first + this.cursor + 1} of ${this.trace.total} · t=${e.t} ms${here}`;
  }
}
