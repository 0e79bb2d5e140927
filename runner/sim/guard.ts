// The determinism guard. While the simulator runs learner code, the sources of
// non-determinism a handler could reach for (wall-clock time, unseeded
// randomness, real timers) are swapped for functions that refuse with a
// teaching error. Installed once per run() call rather than per handler,
// because nothing but simulator code runs while a run is in progress.

import { DeterminismError, type Where } from "./errors.ts";

type Saved = { target: object; key: string; desc: PropertyDescriptor | undefined };

let depth = 0;
let saved: Saved[] = [];
let whereNow: () => Where = () => ({});

function refuse(what: string, instead: string): () => never {
  return () => {
    throw new DeterminismError(what, instead, whereNow());
  };
}

function swap(target: object | undefined, key: string, value: unknown): void {
  if (!target) return;
  const desc = Object.getOwnPropertyDescriptor(target, key);
  if (desc && !desc.configurable) return;
  try {
    Object.defineProperty(target, key, { value, configurable: true, writable: true, enumerable: desc?.enumerable ?? false });
    saved.push({ target, key, desc });
  } catch {
    // A frozen global we cannot replace: nothing to guard there.
  }
}

interface Replacement {
  target: () => object | undefined;
  key: string;
  value: unknown;
}

// Built once: installing the guard on every run() call must be cheap.
let replacements: Replacement[] | null = null;

function buildReplacements(): Replacement[] {
  const g = globalThis as Record<string, unknown>;
  const OriginalDate = Date;
  const nowRefusal = refuse("Date.now()", "Use ctx.now(): it is this node's (possibly skewed) clock in virtual time.");
  const GuardedDate = new Proxy(OriginalDate, {
    construct(target, args, newTarget) {
      if (args.length === 0) throw new DeterminismError("new Date()", "Use ctx.now() for the time, or new Date(ctx.now()) if you need a Date.", whereNow());
      return Reflect.construct(target, args, newTarget);
    },
    apply() {
      throw new DeterminismError("Date()", "Use ctx.now(): it is this node's clock in virtual time.", whereNow());
    },
    get(target, key, receiver) {
      if (key === "now") return nowRefusal;
      return Reflect.get(target, key, receiver);
    },
  });
  const timers = "Use ctx.setTimer(name, ms) and handle it in onTimer(name): timers run on virtual time.";
  const glob = () => g;
  const crypto = () => g["crypto"] as object | undefined;
  return [
    { target: glob, key: "Date", value: GuardedDate },
    { target: () => Math, key: "random", value: refuse("Math.random()", "Use ctx.random(): it is seeded per node, so failures replay exactly.") },
    { target: () => (typeof performance !== "undefined" ? performance : undefined), key: "now", value: refuse("performance.now()", "Use ctx.now(): time in the lab is virtual.") },
    { target: glob, key: "setTimeout", value: refuse("setTimeout()", timers) },
    { target: glob, key: "setInterval", value: refuse("setInterval()", timers) },
    { target: glob, key: "setImmediate", value: refuse("setImmediate()", timers) },
    { target: glob, key: "queueMicrotask", value: refuse("queueMicrotask()", "Handlers must finish their work before they return: no async, no callbacks for later.") },
    { target: crypto, key: "randomUUID", value: refuse("crypto.randomUUID()", "Build ids from ctx.id and a counter, or from ctx.random().") },
    { target: crypto, key: "getRandomValues", value: refuse("crypto.getRandomValues()", "Use ctx.random(): it is seeded per node.") },
  ];
}

function install(): void {
  replacements ??= buildReplacements();
  for (const r of replacements) swap(r.target(), r.key, r.value);
}

function uninstall(): void {
  for (let i = saved.length - 1; i >= 0; i--) {
    const s = saved[i]!;
    if (s.desc) Object.defineProperty(s.target, s.key, s.desc);
    else delete (s.target as Record<string, unknown>)[s.key];
  }
  saved = [];
}

/**
 * Runs `fn` with the guard installed. `where` tells a refusal where it
 * happened (node, handler, virtual time). Nested calls share one installation.
 */
export function guarded<T>(where: () => Where, fn: () => T): T {
  const outerWhere = whereNow;
  whereNow = where;
  if (depth++ === 0) install();
  try {
    return fn();
  } finally {
    if (--depth === 0) uninstall();
    whereNow = outerWhere;
  }
}

/** True while simulator code is running (for tests of the guard itself). */
export function guardActive(): boolean {
  return depth > 0;
}
