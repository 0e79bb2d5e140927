// Node state over time, for the trace viewer: after every event, a JSON
// snapshot of each live node instance's own enumerable fields (the JSON-safe
// part) and the names of its pending timers, kept only when they changed. Opt-in per simulation (the grader turns it
// on for replays only): it listens through sim.afterEvent, so a simulation
// without a recorder pays nothing, and it does not touch the trace or its hash.
//
// Limits, by design: state a node keeps in closure variables (`let term = 0`
// inside the factory) or in #private fields is invisible — only what the
// instance object itself holds shows — unless the suite names a view of its
// own (an `inspect` function, e.g. Raft's inspect(): term, role, log). Functions, and objects that carry
// functions (the ctx, services), are left out; Maps become objects, Sets
// arrays; nesting is cut at depth 6 and a node's snapshot at 8 KB.

import type { Simulation } from "./simulation.ts";
import type { TraceJson } from "./trace.ts";
import type { NodeId } from "./types.ts";

export interface NodeStateSnapshot {
  /** The state after the first `at` events of the run (trace event count). */
  at: number;
  node: NodeId;
  /** null while the node is down. */
  state: Record<string, unknown> | null;
  /** Timers set and not yet fired or cancelled, by name. */
  timers: string[];
}

/**
 * A trace with node snapshots (only replays carry them) and, for a failing
 * run whose checker knew it, where the property broke: the virtual time, and
 * the event itself (its index in the whole run: the first of `events` is
 * number total − events.length).
 */
export type TraceWithStates = TraceJson & { states?: NodeStateSnapshot[]; violationAt?: number; violationEvent?: number };

const MAX_DEPTH = 6;
const MAX_CHARS = 8192;

/**
 * Own enumerable data properties. Accessors are skipped, never called: a
 * getter is learner code, and running it outside a handler could draw from
 * ctx.random() or read the clock and change the run being watched.
 */
function dataEntries(o: object): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [k, d] of Object.entries(Object.getOwnPropertyDescriptors(o))) if (d.enumerable && "value" in d) out.push([k, d.value]);
  return out;
}

function hasFunction(o: object): boolean {
  for (const [, v] of dataEntries(o)) if (typeof v === "function") return true;
  return false;
}

/** The JSON-safe view of a value; undefined for what is left out. */
export function jsonSafe(v: unknown, depth = 0): unknown {
  if (v === null || typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") return Number.isFinite(v) ? (Object.is(v, -0) ? 0 : v) : String(v);
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v !== "object") return undefined;
  if (depth >= MAX_DEPTH) return "…";
  if (Array.isArray(v)) return v.map((x) => jsonSafe(x, depth + 1) ?? null);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), jsonSafe(x, depth + 1) ?? null]));
  if (v instanceof Set) return [...v].map((x) => jsonSafe(x, depth + 1) ?? null);
  if (hasFunction(v)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, x] of dataEntries(v)) {
    const s = jsonSafe(x, depth + 1);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

/** A node instance's own fields, JSON-safe. */
export function snapshotNode(instance: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of dataEntries(instance)) {
    if (typeof v === "function") continue;
    if (v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Map) && !(v instanceof Set) && hasFunction(v)) continue;
    const s = jsonSafe(v, 1);
    if (s !== undefined) out[k] = s;
  }
  return capped(out);
}

function capped(state: Record<string, unknown>): Record<string, unknown> {
  const text = JSON.stringify(state);
  return text.length <= MAX_CHARS ? state : { note: `state is ${text.length} characters; cut`, head: text.slice(0, MAX_CHARS) };
}

/**
 * A suite's own view of a node's state (for nodes that keep it in closures),
 * or undefined for nodes it has no view of. It must only read: it runs after
 * events, in replays only, and must not change the run.
 */
export type NodeInspector = (node: NodeId, instance: unknown) => unknown;

/** What the trace viewer shows for a live node: the suite's view when it has one, else the instance's own fields. */
function stateOf(id: NodeId, inst: object, inspect: NodeInspector | undefined): Record<string, unknown> {
  if (!inspect) return snapshotNode(inst);
  let view: unknown;
  try {
    view = inspect(id, inst);
  } catch (e) {
    return { note: `the suite's view of this node failed: ${(e as Error).message}` };
  }
  if (view === undefined) return snapshotNode(inst);
  const safe = jsonSafe(view, 1);
  return capped(safe !== null && typeof safe === "object" && !Array.isArray(safe) ? (safe as Record<string, unknown>) : { value: safe });
}

export interface StateRecorder {
  /** Snapshots that fall within the events `trace` holds (plus the last one before it). */
  forTrace(trace: TraceJson): NodeStateSnapshot[];
  readonly all: readonly NodeStateSnapshot[];
}

/** Starts recording node states of `sim` from now on (call before running it); `inspect` as NodeInspector says. */
export function recordNodeStates(sim: Simulation, inspect?: NodeInspector): StateRecorder {
  const all: NodeStateSnapshot[] = [];
  const last = new Map<NodeId, string>();
  const ids = [...sim.trace.nodes];
  const take = () => {
    const at = sim.trace.total;
    for (const id of ids) {
      const inst = sim.node(id) as object | undefined;
      const state = inst ? stateOf(id, inst, inspect) : null;
      const timers = sim.timersOf(id);
      const key = JSON.stringify([state, timers]);
      if (last.get(id) === key) continue;
      last.set(id, key);
      all.push({ at, node: id, state, timers });
    }
  };
  take();
  sim.afterEvent(take);
  return {
    all,
    forTrace(trace) {
      const first = trace.total - trace.events.length;
      // Keep, per node, the last snapshot at or before the window's start, and all after.
      const before = new Map<NodeId, NodeStateSnapshot>();
      const inside: NodeStateSnapshot[] = [];
      for (const s of all) {
        if (s.at <= first) before.set(s.node, s);
        else inside.push(s);
      }
      return [...before.values(), ...inside];
    },
  };
}
