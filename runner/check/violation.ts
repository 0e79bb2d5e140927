// A violated property, stated in plain words. Checkers and suites throw these;
// the grader shows the words to the learner, so write them as the property
// that should have held ("every request gets exactly one matching reply"),
// followed by what actually happened.
//
// A violation also says where it happened, as precisely as the checker knows:
// the event that broke the property (an output, a delivery…), or only its
// virtual time. The diagram is centred there, and the trace viewer and the
// HTML page open on that event — so a property checked at the end of a run
// still points at the moment it broke, not at the end.

import type { HistoryPicture } from "./historyPicture.ts";

/** Kinds of trace event a violation can point at (runner/sim/trace.ts). */
export type EventKind = "start" | "send" | "deliver" | "drop" | "duplicate" | "timer" | "crash" | "restart" | "pause" | "resume" | "output" | "log" | "fault" | "error";

/**
 * The event that broke a property, as a checker knows it: its time, and as
 * much as it knows of the rest (what kind, at which node, which message).
 * The grader finds it in the run's trace (matchesEvent).
 */
export interface EventRef {
  t: number;
  k?: EventKind;
  /** The node it happened at (for a message: the receiver of a delivery, the sender of a send). */
  node?: string;
  /** A message's id (sends, deliveries, drops). */
  id?: number;
  /** An output's value, when the node made several outputs at the same moment. */
  value?: unknown;
}

/**
 * How a counterexample was found, when not by running the simulator on random
 * fault schedules: an exhaustive search of every interleaving up to a bound,
 * or a law checked directly on the learner's data type (merge is commutative…).
 * Such a counterexample is short and complete, so the grader shows it first.
 */
export type Evidence = "exhaustive" | "law";

export class Violation extends Error {
  /** Virtual time of the offending event, when known: the diagram is centred there. */
  readonly at?: number;
  /** The offending event itself, when the checker knows it. */
  readonly event?: EventRef;
  /** Set by foundBy(): how the counterexample was found. */
  foundBy?: Evidence;

  constructor(
    /** The property that should have held. */
    readonly property: string,
    /** What happened instead, concretely (ids, values, times). */
    readonly details = "",
    /** When it broke: a virtual time (ms), or the event that broke it. */
    where?: number | EventRef,
    /** Pictures of the clients' history that show it (linearizability), for the replay's screens and page. */
    readonly histories?: readonly HistoryPicture[],
  ) {
    super(details ? `${property}: ${details}` : property);
    this.name = "Violation";
    if (typeof where === "number") this.at = where;
    else if (where) {
      this.at = where.t;
      this.event = where;
    }
  }
}

/**
 * Throws a Violation of `property` unless `cond` holds. `details` is only
 * built on failure; `where` (virtual ms, or the event) says where it broke.
 */
export function expectThat(cond: boolean, property: string, details?: () => string, where?: number | EventRef): asserts cond {
  if (!cond) throw new Violation(property, details ? details() : "", where);
}

/** Runs `body`; a Violation it throws is marked as found by `how` (an exhaustive search, a law). */
export function foundBy<T>(how: Evidence, body: () => T): T {
  try {
    return body();
  } catch (e) {
    if (e instanceof Violation) e.foundBy ??= how;
    throw e;
  }
}

/** An output a node made, as a simulation records it. */
export interface OutputAt {
  t: number;
  node: string;
  value: unknown;
}

/** The event of an output record: for a violation that an output caused. */
export function outputEvent(o: OutputAt): EventRef {
  return { t: o.t, k: "output", node: o.node, value: o.value };
}

/**
 * For a property over a whole history of outputs (checked at the end of a
 * run): what `check` says of the whole history, and the output that broke
 * it — the first, in time order, after which `check` says the same (`same`;
 * by default any failure counts). `check` gets every node's outputs so far,
 * in order. Null when the whole history passes.
 */
export function firstBreakingOutput<R>(outputs: readonly OutputAt[], check: (byNode: Readonly<Record<string, readonly unknown[]>>) => R | null, same: (atEnd: R, sofar: R) => boolean = () => true): { output: OutputAt; result: R } | null {
  const result = check(byNode(outputs));
  if (result === null) return null;
  const sorted = outputs.map((o, i) => [o, i] as const).sort((a, b) => a[0].t - b[0].t || a[1] - b[1]).map(([o]) => o);
  for (let n = 1; n <= sorted.length; n++) {
    const sofar = check(byNode(sorted.slice(0, n)));
    if (sofar !== null && same(result, sofar)) return { output: sorted[n - 1]!, result };
  }
  return { output: sorted.at(-1)!, result };
}

function byNode(outputs: readonly OutputAt[]): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const o of outputs) (out[o.node] ??= []).push(o.value);
  return out;
}

/** Whether a trace event is the one `ref` names (events are plain trace records: runner/sim/trace.ts). */
export function matchesEvent(e: { t: number; k: string } & Record<string, unknown>, ref: EventRef): boolean {
  if (e.t !== ref.t) return false;
  if (ref.k !== undefined && e.k !== ref.k) return false;
  if (ref.node !== undefined) {
    const node = "node" in e ? e["node"] : e.k === "send" ? e["from"] : "to" in e ? e["to"] : undefined;
    if (node !== ref.node) return false;
  }
  if (ref.id !== undefined && e["id"] !== ref.id) return false;
  if (ref.value !== undefined && JSON.stringify(e["value"]) !== JSON.stringify(ref.value)) return false;
  return true;
}
