// Messages are values. Everything that crosses a node boundary (messages,
// disk writes, outputs) is checked once here: JSON-compatible plain data only,
// deep-frozen so it cannot change after it was sent, hashed for the trace and
// measured for size limits — all in one walk, because this is the hot path.

import { MessageError, type Where } from "./errors.ts";
import type { Hasher } from "./hash.ts";

export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

export interface Checked {
  /** Rough JSON size in bytes (strings counted by length). */
  bytes: number;
}

const HINT_PLAIN = "Send only JSON-compatible plain data: objects, arrays, strings, finite numbers, booleans and null.";

// The walk keeps its state in module variables rather than closures: it runs
// for every message, and per-call closures cost more than the walk itself.
const ancestors: object[] = [];
const steps: (string | number)[] = [];
let wRoot = "msg";
// Content hash: one 32-bit lane, mixed inline (FNV-1a style). It only has to
// tell messages apart in the trace hash; the caller's hasher mixes it well.
let wH = 0;
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

// Pure mixing steps (state in, state out), so the fast walk can keep the
// hash in a local; the careful walk keeps it in wH.
function mixInt(h: number, x: number): number {
  return Math.imul(h ^ x, 0x01000193);
}

function mixStr(h: number, str: string): number {
  h ^= str.length + 0x9e37;
  for (let i = 0; i < str.length; i++) h = Math.imul(h ^ str.charCodeAt(i), 0x01000193);
  return h;
}

function mixNum(h: number, x: number): number {
  if ((x | 0) === x && (x !== 0 || 1 / x > 0)) return mixInt(h, x);
  f64[0] = x;
  return mixInt(mixInt(h, u32[0]! ^ 0x7ff), u32[1]!);
}

function hInt(x: number): void {
  wH = mixInt(wH, x);
}

function hStr(str: string): void {
  wH = mixStr(wH, str);
}

function hNum(x: number): void {
  wH = mixNum(wH, x);
}
let wMax = 0;
let wWhere: Where | (() => Where) = {};
let wFreeze = true;
let wBytes = 0;

function pathNow(): string {
  let p = wRoot;
  for (const k of steps) p += typeof k === "number" ? `[${k}]` : /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`;
  return p;
}

function reject(problem: string, hint: string): never {
  const path = pathNow();
  ancestors.length = 0;
  steps.length = 0;
  throw new MessageError(path, problem, hint, typeof wWhere === "function" ? wWhere() : wWhere);
}

function walk(v: unknown): void {
  switch (typeof v) {
    case "string":
      wBytes += v.length + 2;
      hStr(v);
      return;
    case "number":
      if (!Number.isFinite(v)) reject(`is ${v}`, "JSON has no NaN or Infinity: use null or a sentinel number.");
      wBytes += 8;
      hNum(v);
      return;
    case "boolean":
      wBytes += 5;
      hInt(v ? 3 : 2);
      return;
    case "undefined":
      return reject("is undefined", "JSON has no undefined: leave the field out or use null.");
    case "function":
      return reject("is a function", HINT_PLAIN);
    case "bigint":
      return reject("is a bigint", "JSON has no bigints: send a number or a string.");
    case "symbol":
      return reject("is a symbol", HINT_PLAIN);
  }
  if (v === null) {
    wBytes += 4;
    hInt(1);
    return;
  }
  const o = v as object;
  for (let i = 0; i < ancestors.length; i++) if (ancestors[i] === o) reject("refers back to itself (a cycle)", "Messages must be trees: copy the data you need instead of linking to a parent.");
  if (Array.isArray(o)) {
    ancestors.push(o);
    hInt(0x5b ^ (o.length << 8));
    wBytes += 2 + o.length;
    for (let i = 0; i < o.length; i++) {
      steps.push(i);
      if (!(i in o)) reject("is a hole in a sparse array", "Fill every index of an array you send.");
      walk(o[i]);
      steps.pop();
    }
    ancestors.pop();
  } else {
    const proto = Object.getPrototypeOf(o);
    if (proto !== Object.prototype && proto !== null) {
      const kind = o instanceof Map ? "a Map" : o instanceof Set ? "a Set" : o instanceof Date ? "a Date" : `an instance of ${proto?.constructor?.name ?? "a class"}`;
      const hint = o instanceof Map ? "Send Object.fromEntries(map) or [...map] instead." : o instanceof Set ? "Send [...set] instead." : o instanceof Date ? "Send a number of ms instead." : "Send a plain object literal instead of a class instance.";
      reject(`is ${kind}`, hint);
    }
    ancestors.push(o);
    const rec = o as Record<string, unknown>;
    let n = 0;
    wBytes += 2;
    for (const k in rec) {
      if (!Object.prototype.hasOwnProperty.call(rec, k)) continue;
      n++;
      wBytes += k.length + 4;
      hStr(k);
      steps.push(k);
      walk(rec[k]);
      steps.pop();
    }
    hInt(0x7b ^ (n << 8));
    ancestors.pop();
  }
  if (wFreeze && !Object.isFrozen(o)) Object.freeze(o);
  if (wBytes > wMax) reject(`is larger than ${wMax} bytes`, "Send less at once: split it, or send a summary.");
}

/**
 * Validates `value` as JSON-compatible plain data, deep-freezes it (unless
 * `freeze` is false) and feeds it to `hasher`. Throws a MessageError naming
 * the offending path, e.g. `msg.entries[3].cmd`. Returns the approximate size
 * in bytes (strings counted by length).
 */
export function checkValue(value: unknown, root: string, hasher: Hasher | null, maxBytes: number, where: Where | (() => Where) = {}, freeze = true): number {
  wMax = maxBytes;
  wFreeze = freeze;
  wBytes = 0;
  // Fast path first: no bookkeeping of paths. Only when it finds something
  // wrong does the careful walk run again, to name the offending path.
  wH = 0x811c9dc5 | 0;
  if (fastWalk(value, 0)) {
    if (hasher) hasher.int(wH);
    return wBytes;
  }
  return carefulCheck(value, root, hasher, where);
}

/** The walk that names the offending path (out of line: only doubtful values get here). */
function carefulCheck(value: unknown, root: string, hasher: Hasher | null, where: Where | (() => Where)): number {
  wRoot = root;
  wWhere = where;
  wH = 0x811c9dc5 | 0;
  wBytes = 0;
  // An earlier walk may have stopped half-way on an error that is not ours
  // (a getter that throws): its leftovers must not prefix this walk's paths.
  ancestors.length = 0;
  steps.length = 0;
  walk(value);
  if (hasher) hasher.int(wH);
  return wBytes;
}

/**
 * The content hash of the value last checked by checkValue (32 bits). The
 * simulator reads it right after checking a message, instead of passing a
 * hasher in: one less object on the hot path.
 */
export function lastContentHash(): number {
  return wH;
}

const MAX_FAST_DEPTH = 64;

/** Returns false at the first doubt (bad value, deep nesting that may be a cycle, oversize). */
function fastWalk(v: unknown, depth: number): boolean {
  switch (typeof v) {
    case "string":
    case "number":
      return member(v, depth);
    case "boolean":
      wBytes += 5;
      wH = mixInt(wH, v ? 3 : 2);
      return true;
    case "object":
      break;
    default:
      return false;
  }
  if (v === null) {
    wBytes += 4;
    wH = mixInt(wH, 1);
    return true;
  }
  if (depth > MAX_FAST_DEPTH) return false;
  if (Array.isArray(v)) {
    wH = mixInt(wH, 0x5b ^ (v.length << 8));
    wBytes += 2 + v.length;
    for (let i = 0; i < v.length; i++) if (!(i in v) || !member(v[i], depth)) return false;
  } else {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return false;
    const rec = v as Record<string, unknown>;
    let n = 0;
    wBytes += 2;
    for (const k in rec) {
      n++;
      wBytes += k.length + 4;
      wH = mixStr(wH, k);
      if (!member(rec[k], depth)) return false;
    }
    wH = mixInt(wH, 0x7b ^ (n << 8));
  }
  if (wBytes > wMax) return false;
  // Freezing an already frozen object is harmless, and cheaper than asking first.
  if (wFreeze) Object.freeze(v);
  return true;
}

/** An element or field: strings and finite numbers (most of them) right here, anything else by a nested walk. */
function member(x: unknown, depth: number): boolean {
  if (typeof x === "string") {
    wBytes += x.length + 2;
    wH = mixStr(wH, x);
    return true;
  }
  if (typeof x === "number") {
    if (x - x !== 0) return false; // NaN or ±Infinity
    wBytes += 8;
    wH = mixNum(wH, x);
    return true;
  }
  return fastWalk(x, depth + 1);
}

/** A deep, unfrozen copy of checked data (used for disk reads, so learners may mutate what they read). */
export function copyData<T>(v: T): T {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = copyData(v[i]);
    return out as T;
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = copyData((v as Record<string, unknown>)[k]);
  return out as T;
}

/** Deep-frozen copy. */
export function frozenCopy<T>(v: T): T {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return Object.freeze(v.map(frozenCopy)) as T;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = frozenCopy((v as Record<string, unknown>)[k]);
  return Object.freeze(out) as T;
}

/**
 * Returns a copy of `v` with one leaf changed: a bit of a number, a character
 * of a string, a boolean flipped. Used for opt-in message and disk corruption.
 * `pick` returns an integer in [0, n).
 */
export function corrupt<T>(v: T, pick: (n: number) => number): T {
  const leaves: string[][] = [];
  const collect = (x: unknown, path: string[]): void => {
    if (x === null) return;
    if (Array.isArray(x)) x.forEach((y, i) => collect(y, [...path, String(i)]));
    else if (typeof x === "object") for (const k of Object.keys(x as object)) collect((x as Record<string, unknown>)[k], [...path, k]);
    else if ((typeof x === "string" && x.length > 0) || typeof x === "number" || typeof x === "boolean") leaves.push(path);
  };
  collect(v, []);
  if (leaves.length === 0) return v;
  const target = leaves[pick(leaves.length)]!;
  const damage = (x: unknown): unknown => {
    if (typeof x === "number") return Number.isInteger(x) ? x ^ (1 << pick(16)) : x * (1 + (pick(7) + 1) / 1000);
    if (typeof x === "boolean") return !x;
    const s = x as string;
    const i = pick(s.length);
    const c = s.charCodeAt(i) ^ (1 << pick(5));
    return s.slice(0, i) + String.fromCharCode(c) + s.slice(i + 1);
  };
  const rebuild = (x: unknown, depth: number): unknown => {
    if (depth === target.length) return damage(x);
    const key = target[depth]!;
    if (Array.isArray(x)) return x.map((y, i) => (String(i) === key ? rebuild(y, depth + 1) : y));
    const o = x as Record<string, unknown>;
    return { ...o, [key]: rebuild(o[key], depth + 1) };
  };
  return frozenCopy(rebuild(v, 0) as T);
}
