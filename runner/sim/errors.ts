// Errors the lab raises. Each says what happened, where, and what to do next,
// because learners meet them first.

import { tameThrown } from "./thrown.ts";
import type { NodeId } from "./types.ts";

/** Where in a run something happened. */
export interface Where {
  node?: NodeId;
  handler?: string;
  time?: number;
}

function describeWhere(w: Where): string {
  const parts: string[] = [];
  if (w.handler && w.node) parts.push(`in ${w.handler} on ${w.node}`);
  else if (w.node) parts.push(`on ${w.node}`);
  if (w.time !== undefined) parts.push(`at t=${formatTime(w.time)}`);
  return parts.join(" ");
}

export function formatTime(ms: number): string {
  return Number.isInteger(ms) ? `${ms} ms` : `${ms.toFixed(3)} ms`;
}

/** Base class: anything the simulator rejects while running learner code. */
export class SimError extends Error {
  readonly where: Where;
  constructor(message: string, where: Where = {}) {
    super(message);
    this.name = "SimError";
    this.where = where;
  }
}

/** A message (or disk value, or output) that is not JSON-compatible plain data. */
export class MessageError extends SimError {
  readonly path: string;
  constructor(path: string, problem: string, hint: string, where: Where = {}) {
    const at = describeWhere(where);
    super(`${path} ${problem}${at ? ` (${at})` : ""}. ${hint}`, where);
    this.name = "MessageError";
    this.path = path;
  }
}

/** Wall-clock time, unseeded randomness, real timers or async in a handler. */
export class DeterminismError extends SimError {
  constructor(what: string, instead: string, where: Where = {}) {
    const at = describeWhere(where);
    super(`${what} is not allowed ${at || "inside the simulator"}: runs must replay exactly from a seed. ${instead}`, where);
    this.name = "DeterminismError";
  }
}

/** Thrown by `todo()` in stubs: the part of the worksheet still to write. */
export class TodoError extends Error {
  constructor(what: string) {
    super(`Not written yet: ${what}`);
    this.name = "TodoError";
  }
}

/**
 * A handler threw. Wraps the learner's error with where it happened; the
 * original is kept as `cause` so its stack (with file:line) is not lost.
 */
export class HandlerError extends SimError {
  readonly isTodo: boolean;
  constructor(thrown: unknown, where: Where) {
    // What learner code threw, readable without running its code (thrown.ts).
    const cause = tameThrown(thrown);
    const inner = cause instanceof Error ? `${cause.name}: ${cause.message}` : `a non-Error value: ${String(cause)}`;
    const loc = cause instanceof Error ? sourceLocation(cause) : undefined;
    super(`${where.handler ?? "a handler"} on ${where.node ?? "?"} threw at t=${formatTime(where.time ?? 0)}${loc ? ` (${loc})` : ""}: ${inner}`, where);
    this.name = "HandlerError";
    this.cause = cause;
    this.isTodo = cause instanceof TodoError;
  }
}

/** A run went wrong in a way that is not one handler's fault (runaway timers, budgets). */
export class RunError extends SimError {
  constructor(message: string, where: Where = {}) {
    super(message, where);
    this.name = "RunError";
  }
}

/**
 * The first stack frame that points into learner-editable code (exercises/,
 * solutions/ or any target directory), as `file:line`. Frames in the lab's own
 * code and node_modules are skipped.
 */
export function sourceLocation(err: Error): string | undefined {
  const stack = err.stack ?? "";
  for (const line of stack.split("\n").slice(1)) {
    const m = /\(?((?:file:\/\/)?[^()\s]+):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!m) continue;
    const file = m[1]!.replace(/^file:\/\//, "");
    if (file.includes("node_modules") || file.startsWith("node:")) continue;
    // The lab's own frames are noise; its test fixtures stand in for learner code, so they count.
    if (/\/runner\/(sim|check|suites|grade|course|notebook|tui)\//.test(file) && !file.includes("/fixtures/")) continue;
    return `${shortPath(file)}:${m[2]}`;
  }
  return undefined;
}

function shortPath(file: string): string {
  const i = file.search(/\/(exercises|solutions)\//);
  if (i >= 0) return file.slice(i + 1);
  const cwd = typeof process !== "undefined" ? process.cwd() + "/" : "";
  return cwd && file.startsWith(cwd) ? file.slice(cwd.length) : file;
}

/** A stub's placeholder. The grader reports an exercise whose every scenario stops here as "not started". */
export function todo(what: string): never {
  throw new TodoError(what);
}
