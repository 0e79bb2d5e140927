// Messages are values. Everything that leaves a node (messages, disk writes,
// outputs, what the harness reads back) is taken here as plain data at that
// moment: a deep, frozen copy made of own enumerable data properties only,
// hashed for the trace and measured for size limits — all in one walk,
// because this is the hot path. Only the copy travels on: the sender keeps
// its object, and nothing it does later (mutate it, a getter, a proxy) can
// change what the network, the trace, the checkers or the receiver see.

import { types } from "node:util";
import { MessageError, type Where } from "./errors.ts";
import type { Hasher } from "./hash.ts";

export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

export interface Checked {
  /** Rough JSON size in bytes (strings counted by length). */
  bytes: number;
}

const HINT_PLAIN = "Send only JSON-compatible plain data: objects, arrays, strings, finite numbers, booleans and null.";
const HINT_GETTER = "A getter could answer differently each time it is read: put the value itself in the object ({ x: compute() }, not { get x() {…} }).";

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
let wBytes = 0;
/** Set to false by the fast copy at its first doubt (then the careful walk runs). */
let wOk = true;

/** Deeper than this is refused outright: a value this deep is a bug, and walking it would overflow the stack. */
export const MAX_DATA_DEPTH = 200;

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

/** The careful copy: names the path of whatever is wrong. Runs only when the fast copy doubted. */
/** Object.prototype.__lookupGetter__: finds an accessor without calling it (and, unlike a descriptor, allocates nothing). */
const { isProxy } = types;
const getterOf = (Object.prototype as unknown as { __lookupGetter__(key: PropertyKey): unknown }).__lookupGetter__ as (this: object, key: PropertyKey) => unknown;

function walk(v: unknown): unknown {
  switch (typeof v) {
    case "string":
      wBytes += v.length + 2;
      hStr(v);
      return v;
    case "number":
      if (!Number.isFinite(v)) reject(`is ${v}`, "JSON has no NaN or Infinity: use null or a sentinel number.");
      wBytes += 8;
      hNum(v);
      return v;
    case "boolean":
      wBytes += 5;
      hInt(v ? 3 : 2);
      return v;
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
    return null;
  }
  const o = v as object;
  if (isProxy(o)) reject("is a Proxy", "Send plain data: an object literal or an array, not a proxy of one.");
  for (let i = 0; i < ancestors.length; i++) if (ancestors[i] === o) reject("refers back to itself (a cycle)", "Messages must be trees: copy the data you need instead of linking to a parent.");
  if (ancestors.length >= MAX_DATA_DEPTH) reject(`is nested more than ${MAX_DATA_DEPTH} levels deep`, "Send flatter data: a list of entries rather than a chain of nested objects.");
  let out: unknown;
  if (Array.isArray(o)) {
    ancestors.push(o);
    const n = o.length;
    hInt(0x5b ^ (n << 8));
    wBytes += 2 + n;
    const copy: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) {
      steps.push(i);
      if (!(i in o)) reject("is a hole in a sparse array", "Fill every index of an array you send.");
      if (getterOf.call(o, i) !== undefined) reject("is a getter", HINT_GETTER);
      copy[i] = walk(o[i]);
      steps.pop();
    }
    ancestors.pop();
    out = copy;
  } else {
    const proto = Object.getPrototypeOf(o);
    if (proto !== Object.prototype && proto !== null) {
      const kind = o instanceof Map ? "a Map" : o instanceof Set ? "a Set" : o instanceof Date ? "a Date" : o instanceof Promise ? "a Promise" : `an instance of ${describeClass(proto)}`;
      const hint = o instanceof Map ? "Send Object.fromEntries(map) or [...map] instead." : o instanceof Set ? "Send [...set] instead." : o instanceof Date ? "Send a number of ms instead." : "Send a plain object literal instead of a class instance.";
      reject(`is ${kind}`, hint);
    }
    ancestors.push(o);
    let n = 0;
    wBytes += 2;
    const copy: Record<string, unknown> = {};
    for (const k of Object.keys(o)) {
      n++;
      wBytes += k.length + 4;
      hStr(k);
      steps.push(k);
      if (getterOf.call(o, k) !== undefined) reject("is a getter", HINT_GETTER);
      setOwn(copy, k, walk((o as Record<string, unknown>)[k]));
      steps.pop();
    }
    hInt(0x7b ^ (n << 8));
    ancestors.pop();
    out = copy;
  }
  if (wBytes > wMax) reject(`is larger than ${wMax} bytes`, "Send less at once: split it, or send a summary.");
  return Object.freeze(out);
}

/**
 * copy[key] = value, as an own data property whatever the key. Assigning to
 * "__proto__" would instead set the copy's prototype (JSON.parse makes an
 * own "__proto__" property, and plain data may carry one): the copy would
 * look empty to the trace and its hash yet answer reads through its new
 * prototype. The fast walks leave that key to the careful one.
 */
function setOwn(copy: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(copy, key, { value, writable: true, enumerable: true, configurable: true });
  else copy[key] = value;
}

/** A class's name for a message, read without running learner code. */
function describeClass(proto: object): string {
  const d = Reflect.getOwnPropertyDescriptor(proto, "constructor");
  const name = d && "value" in d && typeof d.value === "function" ? Reflect.getOwnPropertyDescriptor(d.value, "name") : undefined;
  return name && typeof name.value === "string" && name.value ? name.value : "a class";
}

/**
 * Takes `value` as JSON-compatible plain data: returns a deep, frozen copy —
 * the only thing the network, the trace, checkers and the receiver ever see,
 * so nothing the sender does afterwards (keep mutating it) can change what
 * was said. Each own enumerable property is read exactly once, here
 * (symbol-keyed and non-enumerable properties are not data and are left
 * behind). Feeds the content to `hasher`. Throws a MessageError naming the
 * offending path (`msg.entries[3].cmd`) for anything that is not plain data:
 * a getter or a proxy (refused without being called: either could answer
 * differently each time), a function, a class instance, a Map, a Promise, a
 * cycle, NaN, a value nested too deep or too large. The copy's
 * approximate size in bytes is then lastDataBytes(), its hash lastContentHash().
 */
export function takeData(value: unknown, root: string, hasher: Hasher | null, maxBytes: number, where: Where | (() => Where) = {}): unknown {
  enterCopy(root, where);
  try {
    const copy = takeDataNow(value, root, hasher, maxBytes, where);
    if (reentered) throw reentry(root, where);
    return copy;
  } finally {
    copying = reentered = false;
  }
}

function takeDataNow(value: unknown, root: string, hasher: Hasher | null, maxBytes: number, where: Where | (() => Where)): unknown {
  wMax = maxBytes;
  wBytes = 0;
  wOk = true;
  // Fast path first: no bookkeeping of paths. Only when it doubts something
  // does the careful walk start again, to name the offending path.
  wH = 0x811c9dc5 | 0;
  const copy = fastCopy(value, 0);
  if (wOk) {
    if (hasher) hasher.int(wH);
    return copy;
  }
  return carefulCopy(value, root, hasher, where);
}

/**
 * Whether a copy is under way. The walk keeps its state in module variables
 * (it is the hot path), so code that ran during a copy and called ctx
 * (ctx.send, ctx.output, ctx.disk.set) would restart the count of bytes
 * half-way. No learner code runs during a copy today (getters and proxies are
 * refused without being called); this keeps it so should that ever change.
 */
let copying = false;
/** Set when a copy was refused during another: that other copy is refused too (its getter may have caught the error). */
let reentered = false;

function reentry(root: string, where: Where | (() => Where)): MessageError {
  return new MessageError(root, "was handed to the lab while another value was still being copied", "A getter in a message, output or disk value may not call ctx (send, output, disk) while the lab copies it: messages must be plain data.", typeof where === "function" ? where() : where);
}

function enterCopy(root: string, where: Where | (() => Where)): void {
  if (copying) {
    reentered = true;
    throw reentry(root, where);
  }
  copying = true;
}

/** The walk that names the offending path (out of line: only doubtful values get here). */
function carefulCopy(value: unknown, root: string, hasher: Hasher | null, where: Where | (() => Where)): unknown {
  wRoot = root;
  wWhere = where;
  wH = 0x811c9dc5 | 0;
  wBytes = 0;
  // An earlier walk may have stopped half-way on an error that is not ours
  // (a proxy trap that throws): its leftovers must not prefix this walk's paths.
  ancestors.length = 0;
  steps.length = 0;
  const copy = walk(value);
  if (hasher) hasher.int(wH);
  return copy;
}

/** The approximate size in bytes of the value last taken by takeData (strings counted by length). */
export function lastDataBytes(): number {
  return wBytes;
}

/**
 * The content hash of the value last taken by takeData (32 bits). The
 * simulator reads it right after taking a message, instead of passing a
 * hasher in: one less object on the hot path.
 */
export function lastContentHash(): number {
  return wH;
}

const MAX_FAST_DEPTH = 64;

/**
 * The copy for the common case. At the first doubt (a value that is not plain
 * data, deep nesting that may be a cycle, oversize) it sets wOk to false and
 * gives up; the careful walk then says what is wrong. (Telling accessors
 * apart through property descriptors would cost close to half the
 * simulator's throughput; reading each property once makes them harmless.)
 */
function fastCopy(v: unknown, depth: number): unknown {
  switch (typeof v) {
    case "string":
      wBytes += v.length + 2;
      wH = mixStr(wH, v);
      return v;
    case "number":
      if (v - v !== 0) return doubt(); // NaN or ±Infinity
      wBytes += 8;
      wH = mixNum(wH, v);
      return v;
    case "boolean":
      wBytes += 5;
      wH = mixInt(wH, v ? 3 : 2);
      return v;
    case "object":
      break;
    default:
      return doubt();
  }
  if (v === null) {
    wBytes += 4;
    wH = mixInt(wH, 1);
    return null;
  }
  if (depth > MAX_FAST_DEPTH || isProxy(v)) return doubt();
  let out: object;
  if (Array.isArray(v)) {
    const n = v.length;
    wH = mixInt(wH, 0x5b ^ (n << 8));
    wBytes += 2 + n;
    const copy: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) {
      if (!(i in v) || getterOf.call(v, i) !== undefined) return doubt();
      copy[i] = member(v[i], depth);
      if (!wOk) return undefined;
    }
    out = copy;
  } else {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return doubt();
    const copy: Record<string, unknown> = {};
    let n = 0;
    wBytes += 2;
    for (const k in v) {
      n++;
      wBytes += k.length + 4;
      wH = mixStr(wH, k);
      if (getterOf.call(v, k) !== undefined || k === "__proto__") return doubt();
      copy[k] = member((v as Record<string, unknown>)[k], depth);
      if (!wOk) return undefined;
    }
    wH = mixInt(wH, 0x7b ^ (n << 8));
    out = copy;
  }
  if (wBytes > wMax) return doubt();
  return Object.freeze(out);
}

function doubt(): undefined {
  wOk = false;
  return undefined;
}

/** An element or field: strings and finite numbers (most of them) right here, anything else by a nested copy. */
function member(x: unknown, depth: number): unknown {
  if (typeof x === "string") {
    wBytes += x.length + 2;
    wH = mixStr(wH, x);
    return x;
  }
  if (typeof x === "number") {
    if (x - x !== 0) return doubt(); // NaN or ±Infinity
    wBytes += 8;
    wH = mixNum(wH, x);
    return x;
  }
  return fastCopy(x, depth + 1);
}

/**
 * takeData for values the harness reads back from learner code (what a
 * node's methods return): the same rules and the same errors, but not
 * hashed, and cheap to repeat — a checker reads a whole Raft log after every
 * event. Each object's copy is kept (frozen, so no reader can change it) and
 * handed out again while the learner's object still holds the same data,
 * which is checked without allocating.
 */
export function readData(value: unknown, root: string, maxBytes: number, where: Where | (() => Where) = {}): unknown {
  enterCopy(root, where);
  try {
    wMax = maxBytes;
    wBytes = 0;
    wOk = true;
    let copy = quietCopy(value, 0);
    if (!wOk) copy = carefulCopy(value, root, null, where);
    if (reentered) throw reentry(root, where);
    return copy;
  } finally {
    copying = reentered = false;
  }
}

/** The last copy readData made of each learner object. */
const readCopies = new WeakMap<object, unknown>();

/**
 * Whether `raw` (learner data) still holds exactly what `copy` (made from it)
 * holds. Reads, never allocates. A frozen object is taken to hold what it held
 * when it was copied (a message a node keeps in its log, say): a getter on a
 * frozen object could still answer differently, but only in what a node's own
 * report of its state says, which its code could make up anyway; what the
 * network and the outputs carry is taken by takeData, once.
 */
function stillHolds(raw: unknown, copy: unknown, depth: number): boolean {
  if (raw === copy) return true;
  if (typeof raw !== "object" || raw === null || typeof copy !== "object" || copy === null || depth > MAX_FAST_DEPTH) return false;
  if (Object.isFrozen(raw) && readCopies.get(raw) === copy) return true;
  if (Array.isArray(raw)) {
    const c = copy as unknown[];
    if (!Array.isArray(c) || raw.length !== c.length) return false;
    for (let i = 0; i < raw.length; i++) if (!stillHolds(raw[i], c[i], depth + 1)) return false;
    return true;
  }
  if (Array.isArray(copy) || Object.getPrototypeOf(raw) !== Object.prototype) return false;
  let n = 0;
  for (const k in raw) {
    n++;
    if (!stillHolds((raw as Record<string, unknown>)[k], (copy as Record<string, unknown>)[k], depth + 1)) return false;
  }
  for (const _ in copy) n--;
  return n === 0;
}

/** fastCopy without the hash (see readData). */
function quietCopy(v: unknown, depth: number): unknown {
  switch (typeof v) {
    case "string":
      wBytes += v.length + 2;
      return v;
    case "number":
      if (v - v !== 0) return doubt();
      wBytes += 8;
      return v;
    case "boolean":
      wBytes += 5;
      return v;
    case "object":
      break;
    default:
      return doubt();
  }
  if (v === null) {
    wBytes += 4;
    return null;
  }
  if (depth > MAX_FAST_DEPTH || isProxy(v)) return doubt();
  const kept = readCopies.get(v);
  if (kept !== undefined && (Object.isFrozen(v) || stillHolds(v, kept, depth))) {
    wBytes += 16; // a rough size: the copy was measured when it was made
    return kept;
  }
  let out: object;
  if (Array.isArray(v)) {
    const n = v.length;
    wBytes += 2 + n;
    const copy: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) {
      if (!(i in v) || getterOf.call(v, i) !== undefined) return doubt();
      const x = v[i];
      copy[i] = typeof x === "string" ? ((wBytes += x.length + 2), x) : quietCopy(x, depth + 1);
      if (!wOk) return undefined;
    }
    out = copy;
  } else {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return doubt();
    const copy: Record<string, unknown> = {};
    wBytes += 2;
    for (const k in v) {
      wBytes += k.length + 4;
      if (getterOf.call(v, k) !== undefined || k === "__proto__") return doubt();
      const x = (v as Record<string, unknown>)[k];
      copy[k] = typeof x === "string" ? ((wBytes += x.length + 2), x) : quietCopy(x, depth + 1);
      if (!wOk) return undefined;
    }
    out = copy;
  }
  if (wBytes > wMax) return doubt();
  Object.freeze(out);
  readCopies.set(v, out);
  return out;
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
  for (const k of Object.keys(v)) setOwn(out, k, copyData((v as Record<string, unknown>)[k]));
  return out as T;
}

/** Deep-frozen copy. */
export function frozenCopy<T>(v: T): T {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return Object.freeze(v.map(frozenCopy)) as T;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) setOwn(out, k, frozenCopy((v as Record<string, unknown>)[k]));
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
