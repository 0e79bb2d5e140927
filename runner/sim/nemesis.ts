// Fault schedules are data: a list of timed operations, validated with zod,
// generated with fast-check (so failing schedules shrink), printed readably and
// applied by the simulator at their times.

import fc from "fast-check";
import { z } from "zod";
import type { NodeId } from "./types.ts";

const nodeId = z.string().min(1);
const at = z.number().finite().nonnegative();
const prob = z.number().min(0).max(1);
const range = z.tuple([z.number().nonnegative(), z.number().nonnegative()]).refine(([a, b]) => a <= b, "the first number must not exceed the second");

export const faultOpSchema = z.discriminatedUnion("op", [
  /** Nodes in different groups cannot talk (both ways). Unlisted nodes are unaffected. */
  z.object({ at, op: z.literal("partition"), groups: z.array(z.array(nodeId)).min(2) }).strict(),
  /** Messages from `from` to `to` are lost; the other direction still works. */
  z.object({ at, op: z.literal("partition-oneway"), from: z.array(nodeId).min(1), to: z.array(nodeId).min(1) }).strict(),
  /** Cut one node off from everyone, both ways. */
  z.object({ at, op: z.literal("isolate"), node: nodeId }).strict(),
  /** Remove every partition. */
  z.object({ at, op: z.literal("heal") }).strict(),
  /** Volatile state and timers gone; messages to it are lost; its disk survives. */
  z.object({ at, op: z.literal("crash"), node: nodeId }).strict(),
  /** A new instance with the same disk. */
  z.object({ at, op: z.literal("restart"), node: nodeId }).strict(),
  /** A GC pause: alive, but handles nothing until resumed; work queues up. */
  z.object({ at, op: z.literal("pause"), node: nodeId }).strict(),
  z.object({ at, op: z.literal("resume"), node: nodeId }).strict(),
  /** Set a node's clock: `skewMs` ahead of true time from now on, drifting `driftPpm` parts per million. */
  z.object({ at, op: z.literal("clock"), node: nodeId, skewMs: z.number().finite(), driftPpm: z.number().finite().optional() }).strict(),
  /** Change network conditions for every link from now on. */
  z
    .object({
      at,
      op: z.literal("network"),
      drop: prob.optional(),
      duplicate: prob.optional(),
      delayMs: range.optional(),
      tail: prob.optional(),
      tailMs: range.optional(),
      corrupt: prob.optional(),
    })
    .strict(),
  /** Opt-in: reads from this node's disk return a damaged value with probability `rate`. */
  z.object({ at, op: z.literal("disk-corruption"), node: nodeId, rate: prob }).strict(),
]);

export type FaultOp = z.infer<typeof faultOpSchema>;
export type Schedule = FaultOp[];
export type FaultKind = FaultOp["op"];

export const scheduleSchema = z.array(faultOpSchema);

/**
 * Parses untrusted schedule data (e.g. a learner's adversary) and explains
 * what is wrong in plain words. Returns the schedule sorted by time.
 */
export function parseSchedule(data: unknown, knownNodes?: readonly NodeId[]): Schedule {
  const r = scheduleSchema.safeParse(data);
  if (!r.success) {
    const first = r.error.issues[0]!;
    // Indices in brackets, fields after dots: schedule[0].groups[1][0].
    const where = "schedule" + first.path.map((k) => (typeof k === "number" ? `[${k}]` : `.${String(k)}`)).join("");
    throw new Error(`${where}: ${first.message}. Each entry looks like {at: 1200, op: "partition", groups: [["n1"], ["n2", "n3"]]}.`);
  }
  if (knownNodes) {
    for (const [i, op] of r.data.entries()) {
      for (const n of nodesOf(op)) {
        if (!knownNodes.includes(n)) throw new Error(`schedule[${i}] names "${n}", which is not in this cluster (${knownNodes.join(", ")}).`);
      }
    }
  }
  return sortSchedule(r.data);
}

export function nodesOf(op: FaultOp): NodeId[] {
  switch (op.op) {
    case "partition":
      return op.groups.flat();
    case "partition-oneway":
      return [...op.from, ...op.to];
    case "heal":
    case "network":
      return [];
    default:
      return [op.node];
  }
}

/** Stable sort by time: operations at the same time keep their order. */
export function sortSchedule(s: readonly FaultOp[]): Schedule {
  return s.map((op, i) => [op, i] as const).sort((a, b) => a[0].at - b[0].at || a[1] - b[1]).map(([op]) => op);
}

/** One line per operation, e.g. `t=1200 ms  partition n1 n2 | n3 n4 n5`. */
export function formatSchedule(s: readonly FaultOp[]): string {
  if (s.length === 0) return "(no faults)";
  return sortSchedule(s)
    .map((op) => `t=${op.at} ms`.padEnd(13) + describeOp(op))
    .join("\n");
}

export function describeOp(op: FaultOp): string {
  switch (op.op) {
    case "partition":
      return `partition ${op.groups.map((g) => g.join(" ")).join(" | ")}`;
    case "partition-oneway":
      return `partition one way: ${op.from.join(" ")} -/-> ${op.to.join(" ")}`;
    case "isolate":
    case "crash":
    case "restart":
    case "pause":
    case "resume":
      return `${op.op} ${op.node}`;
    case "heal":
      return "heal all partitions";
    case "clock":
      return `clock ${op.node} skew ${op.skewMs} ms${op.driftPpm ? `, drift ${op.driftPpm} ppm` : ""}`;
    case "network": {
      const parts: string[] = [];
      if (op.drop !== undefined) parts.push(`drop ${pct(op.drop)}`);
      if (op.duplicate !== undefined) parts.push(`duplicate ${pct(op.duplicate)}`);
      if (op.delayMs) parts.push(`delay ${op.delayMs[0]}–${op.delayMs[1]} ms`);
      if (op.tail !== undefined) parts.push(`long tail ${pct(op.tail)}${op.tailMs ? ` of ${op.tailMs[0]}–${op.tailMs[1]} ms` : ""}`);
      if (op.corrupt !== undefined) parts.push(`corrupt ${pct(op.corrupt)}`);
      return `network ${parts.join(", ") || "unchanged"}`;
    }
    case "disk-corruption":
      return `disk corruption on ${op.node}: ${pct(op.rate)} of reads`;
  }
}

function pct(p: number): string {
  return `${Math.round(p * 1000) / 10}%`;
}

// ---------------------------------------------------------------------------
// Generating schedules with fast-check. The arbitraries produce plain records
// (never fc.scheduler, which cannot shrink), so a failing schedule shrinks to
// fewer operations, earlier times and smaller groups.

export interface ScheduleOptions {
  nodes: readonly NodeId[];
  /** Operations happen in [0, durationMs). */
  durationMs: number;
  /** Which kinds to generate. Default: crash/restart, partitions, pause/resume and network changes. */
  kinds?: readonly FaultKind[];
  maxOps?: number;
  /** Bounds for generated network conditions. */
  maxDrop?: number;
  maxDuplicate?: number;
  maxDelayMs?: number;
  maxSkewMs?: number;
}

const DEFAULT_KINDS: readonly FaultKind[] = ["crash", "restart", "partition", "heal", "pause", "resume", "network"];

export function scheduleArb(o: ScheduleOptions): fc.Arbitrary<Schedule> {
  const kinds = o.kinds ?? DEFAULT_KINDS;
  const time = fc.integer({ min: 0, max: Math.max(0, o.durationMs - 1) });
  const node = fc.constantFrom(...o.nodes);
  const byKind: Record<FaultKind, fc.Arbitrary<FaultOp>> = {
    partition: fc
      .tuple(time, fc.shuffledSubarray([...o.nodes], { minLength: 1, maxLength: Math.max(1, o.nodes.length - 1) }))
      .map(([t, side]) => ({ at: t, op: "partition" as const, groups: [side, o.nodes.filter((n) => !side.includes(n))] })),
    "partition-oneway": fc
      .tuple(time, fc.shuffledSubarray([...o.nodes], { minLength: 1, maxLength: Math.max(1, o.nodes.length - 1) }))
      .map(([t, side]) => ({ at: t, op: "partition-oneway" as const, from: side, to: o.nodes.filter((n) => !side.includes(n)) })),
    isolate: fc.record({ at: time, op: fc.constant("isolate" as const), node }),
    heal: fc.record({ at: time, op: fc.constant("heal" as const) }),
    crash: fc.record({ at: time, op: fc.constant("crash" as const), node }),
    restart: fc.record({ at: time, op: fc.constant("restart" as const), node }),
    pause: fc.record({ at: time, op: fc.constant("pause" as const), node }),
    resume: fc.record({ at: time, op: fc.constant("resume" as const), node }),
    clock: fc.record({ at: time, op: fc.constant("clock" as const), node, skewMs: fc.integer({ min: -(o.maxSkewMs ?? 500), max: o.maxSkewMs ?? 500 }) }),
    network: fc.record({
      at: time,
      op: fc.constant("network" as const),
      drop: fc.integer({ min: 0, max: Math.round((o.maxDrop ?? 0.3) * 100) }).map((x) => x / 100),
      duplicate: fc.integer({ min: 0, max: Math.round((o.maxDuplicate ?? 0.2) * 100) }).map((x) => x / 100),
      delayMs: fc.integer({ min: 0, max: o.maxDelayMs ?? 100 }).map((hi) => [Math.min(1, hi), hi] as [number, number]),
    }),
    "disk-corruption": fc.record({ at: time, op: fc.constant("disk-corruption" as const), node, rate: fc.integer({ min: 0, max: 20 }).map((x) => x / 100) }),
  };
  const ops = kinds.map((k) => byKind[k]);
  // No operation that would do nothing (resume a node that is not paused…): it would only be noise in the counterexample.
  return fc.array(fc.oneof(...ops), { maxLength: o.maxOps ?? 8 }).map(inDrawnOrder).map((s) => withoutNoOps(s));
}

type Status = "up" | "down" | "paused";

/** Whether `op` changes a node in `status` (crash, restart, pause and resume do only in some states). */
function changes(op: FaultOp, status: Status): boolean {
  switch (op.op) {
    case "crash":
      return status !== "down";
    case "restart":
      return status === "down";
    case "pause":
      return status === "up";
    case "resume":
      return status === "paused";
    default:
      return true;
  }
}

function apply(op: FaultOp, statuses: Map<NodeId, Status>): void {
  if (op.op === "crash") statuses.set(op.node, "down");
  else if (op.op === "restart" || op.op === "resume") statuses.set(op.node, "up");
  else if (op.op === "pause") statuses.set(op.node, "paused");
}

/**
 * The schedule without operations that would change nothing when applied in
 * order to nodes that start up: crashing a node that is down, restarting
 * one that is not, pausing one that is not up, resuming one that is not paused.
 */
export function withoutNoOps(s: readonly FaultOp[]): Schedule {
  const statuses = new Map<NodeId, Status>();
  const out: Schedule = [];
  for (const op of sortSchedule(s)) {
    if (!("node" in op) || changes(op, statuses.get(op.node) ?? "up")) {
      out.push(op);
      if ("node" in op) apply(op, statuses);
    }
  }
  return out;
}

/** Each node's status once `s` has run (nodes it does not name are up). */
function statusesAfter(s: readonly FaultOp[]): Map<NodeId, Status> {
  const statuses = new Map<NodeId, Status>();
  for (const op of sortSchedule(s)) if ("node" in op && changes(op, statuses.get(op.node) ?? "up")) apply(op, statuses);
  return statuses;
}

/**
 * Keeps the operations in the order they were drawn and gives them the drawn
 * times sorted, so list order is time order. Sorting the operations by time
 * instead would let ties be applied in an order the shrinker cannot change: a
 * restart drawn before its crash could then never reach the crash's time, and
 * "crash n1 at 0, restart n1 at 1" would be reported where "both at 0" fails too.
 */
function inDrawnOrder(s: readonly FaultOp[]): Schedule {
  const times = s.map((op) => op.at).sort((a, b) => a - b);
  return s.map((op, i) => ({ ...op, at: times[i]! }));
}

/**
 * Operations that end every fault in a schedule, so liveness can be checked
 * afterwards: heal partitions, calm the network, resume and restart nodes.
 * Given `after`, the schedule that ran before (and the only thing that
 * crashed or paused nodes), only the nodes it left paused are resumed and
 * only those it left down restarted: no "resume n1 (not paused)" noise.
 */
export function quiesce(at: number, nodes: readonly NodeId[], calm: Partial<Extract<FaultOp, { op: "network" }>> = {}, after?: readonly FaultOp[]): Schedule {
  const left = after ? statusesAfter(after) : null;
  const needs = (n: NodeId, status: Status) => !left || left.get(n) === status;
  return [
    { at, op: "heal" },
    { at, op: "network", drop: 0, duplicate: 0, delayMs: [1, 10], tail: 0, ...calm },
    ...nodes.flatMap((n): FaultOp[] => [...(needs(n, "paused") ? [{ at, op: "resume" as const, node: n }] : []), ...(needs(n, "down") ? [{ at, op: "restart" as const, node: n }] : [])]),
  ];
}
