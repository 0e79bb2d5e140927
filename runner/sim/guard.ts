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

/** A stand-in for a source of non-determinism: refuses with a teaching error that says where. */
export function refuse(what: string, instead: string): () => never {
  return () => {
    throw new DeterminismError(what, instead, whereNow());
  };
}

/** What the teaching refusals say, for each source of non-determinism (shared with the compartments' endowments). */
export const INSTEAD = {
  now: "Use ctx.now(): it is this node's (possibly skewed) clock in virtual time.",
  newDate: "Use ctx.now() for the time, or new Date(ctx.now()) if you need a Date.",
  random: "Use ctx.random(): it is seeded per node, so failures replay exactly.",
  performance: "Use ctx.now(): time in the lab is virtual.",
  timers: "Use ctx.setTimer(name, ms) and handle it in onTimer(name): timers run on virtual time.",
  microtask: "Handlers must finish their work before they return: no async, no callbacks for later.",
  uuid: "Build ids from ctx.id and a counter, or from ctx.random().",
  randomValues: "Use ctx.random(): it is seeded per node.",
} as const;

/** Where a refusal happens now (node, handler, virtual time). */
export function refusalWhere(): Where {
  return whereNow();
}

// Under SES lockdown (a grading worker: runner/learner/lockdown.ts) the
// shared built-ins are frozen and learner code runs in compartments whose
// every global is ours (runner/learner/compartment.ts): there is nothing
// left to swap, so guarded() only keeps track of where refusals happen.
const realmFrozen = (): boolean => Object.isFrozen(Math);

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
  const nowRefusal = refuse("Date.now()", INSTEAD.now);
  const GuardedDate = new Proxy(OriginalDate, {
    construct(target, args, newTarget) {
      if (args.length === 0) throw new DeterminismError("new Date()", INSTEAD.newDate, whereNow());
      return Reflect.construct(target, args, newTarget);
    },
    apply() {
      throw new DeterminismError("Date()", INSTEAD.now, whereNow());
    },
    get(target, key, receiver) {
      if (key === "now") return nowRefusal;
      return Reflect.get(target, key, receiver);
    },
  });
  const timers = INSTEAD.timers;
  const glob = () => g;
  const crypto = () => g["crypto"] as object | undefined;
  return [
    { target: glob, key: "Date", value: GuardedDate },
    { target: () => Math, key: "random", value: refuse("Math.random()", INSTEAD.random) },
    { target: () => (typeof performance !== "undefined" ? performance : undefined), key: "now", value: refuse("performance.now()", INSTEAD.performance) },
    { target: glob, key: "setTimeout", value: refuse("setTimeout()", timers) },
    { target: glob, key: "setInterval", value: refuse("setInterval()", timers) },
    { target: glob, key: "setImmediate", value: refuse("setImmediate()", timers) },
    { target: glob, key: "queueMicrotask", value: refuse("queueMicrotask()", INSTEAD.microtask) },
    { target: crypto, key: "randomUUID", value: refuse("crypto.randomUUID()", INSTEAD.uuid) },
    { target: crypto, key: "getRandomValues", value: refuse("crypto.getRandomValues()", INSTEAD.randomValues) },
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
  if (depth++ === 0 && !realmFrozen()) install();
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

// ---------------------------------------------------------------------------
// The watchdog probe. A handler that never returns cannot report anything, so
// the simulator publishes where it is (node, handler, virtual time) into a
// small buffer the grader's main thread can read while the worker is stuck: a
// SharedArrayBuffer handed to the worker when it was created. Without one
// (lesson cells, plain vitest) the writes go to a private buffer nobody reads.
// A handful of typed-array stores per handler: no allocation, no syscalls.

/** Int32 slots of the probe. */
export const enum ProbeSlot {
  /** Bumped on every entry into learner code: "still making progress". */
  Seq = 0,
  /**
   * Where learner code runs, in one word so that entering a handler costs as
   * few stores as possible (this is the hot path): bit 0 is 1 while learner
   * code runs, bits 1–3 say which handler (ProbeHandler), the rest are the
   * node's index in the owning simulation's node list. See probeState().
   * Outside learner code it still names the handler that ran last.
   */
  State = 1,
  /**
   * The last loop learner code went round, as the grader's loop marks store
   * it (runner/learner/loopMarks.ts): file number and line. Cleared on entry
   * to learner code, so a hang verdict never names a loop from before.
   */
  Loop = 2,
}

/** The State word for learner code running in `handler` of node number `node`. */
export function probeState(node: number, handler: ProbeHandler): number {
  return 1 | (handler << 1) | (node << 4);
}

/** Handler codes, in bits 1–3 of the State word. */
export const enum ProbeHandler {
  None = 0,
  OnStart = 1,
  OnMessage = 2,
  OnTimer = 3,
  Constructor = 4,
  /** A harness call into a node (its method name is in the Method text slot). */
  Call = 5,
  /** A harness call into learner code outside any simulation (a replica's merge, a pure function): the Method slot names it. */
  Direct = 6,
}

/** Text slots (each holds one short string). */
export const enum ProbeText {
  /** The owning simulation's node ids, comma-separated. */
  Nodes = 0,
  /** The method a harness call is running. */
  Method = 1,
  /** Free for the harness (exercise, file, scenario). */
  Harness0 = 2,
  Harness1 = 3,
  Harness2 = 4,
}

export const PROBE_BYTES = 4096;
const INTS = 16; // bytes 0..63
const TIME_OFFSET = 64; // one float64
const TEXT_OFFSET = 128;
const TEXT_SLOT_BYTES = 512; // a uint16 length + 255 UTF-16 units
const TEXT_SLOTS = 5;

export interface Probe {
  i32: Int32Array;
  f64: Float64Array;
  text: Uint16Array;
  /** The simulation whose node list is in ProbeText.Nodes. */
  owner: unknown;
  shared: boolean;
}

function makeProbe(buffer: ArrayBufferLike, shared: boolean): Probe {
  return {
    i32: new Int32Array(buffer, 0, INTS),
    f64: new Float64Array(buffer, TIME_OFFSET, 1),
    text: new Uint16Array(buffer, TEXT_OFFSET, (TEXT_SLOT_BYTES * TEXT_SLOTS) / 2),
    owner: null,
    shared,
  };
}

/** The probe the simulator writes to (module-wide: one worker runs one simulation at a time). */
export const probe: Probe = makeProbe(new ArrayBuffer(PROBE_BYTES), false);

/** Points the probe at a buffer the grader shares with this thread. */
export function attachProbe(buffer: SharedArrayBuffer): void {
  const p = makeProbe(buffer, true);
  probe.i32 = p.i32;
  probe.f64 = p.f64;
  probe.text = p.text;
  probe.owner = null;
  probe.shared = true;
  methodText = "";
}

let methodText = "";

/** Names the method a harness call is running (written only when it changes: harness calls can be frequent). */
export function probeMethod(name: string): void {
  if (name === methodText) return;
  methodText = name;
  probeWrite(ProbeText.Method, name);
}

/**
 * Marks the start of a call into learner code that no handler frames (the
 * harness calling a module's function, the explorer's nodes): returns the
 * state to hand back to leaveLearner. Nested calls change nothing.
 */
export function enterLearner(method: string): number {
  const pi = probe.i32;
  const prev = pi[ProbeSlot.State]!;
  if ((prev & 1) === 0) {
    probeMethod(method);
    pi[ProbeSlot.State] = probeState(0, ProbeHandler.Direct);
    pi[ProbeSlot.Seq]!++;
    pi[ProbeSlot.Loop] = 0;
  }
  return prev;
}

/** Ends a call begun by enterLearner; at the outermost level, forgets its last loop (see Simulation.handle). */
export function leaveLearner(prev: number): void {
  const pi = probe.i32;
  if ((prev & 1) === 0) {
    pi[ProbeSlot.State] = pi[ProbeSlot.State]! & ~1;
    pi[ProbeSlot.Loop] = 0;
  }
}

/** Writes a short string into a text slot (not on the hot path). */
export function probeWrite(slot: ProbeText, s: string): void {
  const base = (slot * TEXT_SLOT_BYTES) / 2;
  const max = TEXT_SLOT_BYTES / 2 - 1;
  const n = Math.min(s.length, max);
  const t = probe.text;
  for (let i = 0; i < n; i++) t[base + 1 + i] = s.charCodeAt(i);
  t[base] = n;
}

/** Reads what the probe in `buffer` says (for the grader's main thread). */
export function readProbe(buffer: SharedArrayBuffer): { seq: number; inside: boolean; node: string | null; handler: string | null; time: number; loop: number; text: string[] } {
  const p = makeProbe(buffer, true);
  const text: string[] = [];
  for (let s = 0; s < TEXT_SLOTS; s++) {
    const base = (s * TEXT_SLOT_BYTES) / 2;
    const n = p.text[base]!;
    text.push(String.fromCharCode(...p.text.subarray(base + 1, base + 1 + n)));
  }
  const nodes = text[ProbeText.Nodes]!.split(",");
  const state = Atomics.load(p.i32, ProbeSlot.State);
  const code = ((state >>> 1) & 7) as ProbeHandler;
  const handler =
    code === ProbeHandler.OnStart ? "onStart" : code === ProbeHandler.OnMessage ? "onMessage" : code === ProbeHandler.OnTimer ? "onTimer" : code === ProbeHandler.Constructor ? "the constructor" : code === ProbeHandler.Call || code === ProbeHandler.Direct ? text[ProbeText.Method] || "a method" : null;
  return {
    seq: Atomics.load(p.i32, ProbeSlot.Seq),
    inside: (state & 1) === 1,
    node: code === ProbeHandler.None || code === ProbeHandler.Direct ? null : (nodes[state >>> 4] ?? null),
    handler,
    time: p.f64[0]!,
    loop: Atomics.load(p.i32, ProbeSlot.Loop),
    text,
  };
}
