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

/**
 * Validates `value` as JSON-compatible plain data, deep-freezes it and feeds
 * it to `hasher`. Throws a MessageError naming the offending path, e.g.
 * `msg.entries[3].cmd`. Returns the approximate size in bytes.
 */
export function checkValue(value: unknown, root: string, hasher: Hasher | null, maxBytes: number, where: Where = {}, freeze = true): number {
  const ancestors: object[] = [];
  // The path is built only when something is wrong: this walk is the hot path.
  const steps: (string | number)[] = [];
  const at = (): string => root + steps.map((k) => (typeof k === "number" ? `[${k}]` : /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`)).join("");
  let bytes = 0;

  const walk = (v: unknown): void => {
    switch (typeof v) {
      case "string":
        bytes += v.length + 2;
        hasher?.str(v);
        return;
      case "number":
        if (!Number.isFinite(v)) throw new MessageError(at(), `is ${v}`, "JSON has no NaN or Infinity: use null or a sentinel number.", where);
        bytes += 8;
        hasher?.num(v);
        return;
      case "boolean":
        bytes += 5;
        hasher?.int(v ? 3 : 2);
        return;
      case "undefined":
        throw new MessageError(at(), "is undefined", "JSON has no undefined: leave the field out or use null.", where);
      case "function":
        throw new MessageError(at(), "is a function", HINT_PLAIN, where);
      case "bigint":
        throw new MessageError(at(), "is a bigint", "JSON has no bigints: send a number or a string.", where);
      case "symbol":
        throw new MessageError(at(), "is a symbol", HINT_PLAIN, where);
    }
    if (v === null) {
      bytes += 4;
      hasher?.int(1);
      return;
    }
    const o = v as object;
    if (ancestors.includes(o)) throw new MessageError(at(), "refers back to itself (a cycle)", "Messages must be trees: copy the data you need instead of linking to a parent.", where);
    if (Array.isArray(o)) {
      ancestors.push(o);
      hasher?.int(0x5b ^ (o.length << 8));
      bytes += 2 + o.length;
      for (let i = 0; i < o.length; i++) {
        steps.push(i);
        if (!(i in o)) throw new MessageError(at(), "is a hole in a sparse array", "Fill every index of an array you send.", where);
        walk(o[i]);
        steps.pop();
      }
      ancestors.pop();
      if (freeze && !Object.isFrozen(o)) Object.freeze(o);
    } else {
      const proto = Object.getPrototypeOf(o);
      if (proto !== Object.prototype && proto !== null) {
        const kind = o instanceof Map ? "a Map" : o instanceof Set ? "a Set" : o instanceof Date ? "a Date" : `an instance of ${proto?.constructor?.name ?? "a class"}`;
        const hint = o instanceof Map ? "Send Object.fromEntries(map) or [...map] instead." : o instanceof Set ? "Send [...set] instead." : o instanceof Date ? "Send a number of ms instead." : "Send a plain object literal instead of a class instance.";
        throw new MessageError(at(), `is ${kind}`, hint, where);
      }
      ancestors.push(o);
      const keys = Object.keys(o);
      hasher?.int(0x7b ^ (keys.length << 8));
      bytes += 2;
      for (const k of keys) {
        bytes += k.length + 4;
        hasher?.str(k);
        steps.push(k);
        walk((o as Record<string, unknown>)[k]);
        steps.pop();
      }
      ancestors.pop();
      if (freeze && !Object.isFrozen(o)) Object.freeze(o);
    }
    if (bytes > maxBytes) throw new MessageError(root, `is larger than ${maxBytes} bytes`, "Send less at once: split it, or send a summary.", where);
  };

  walk(value);
  if (bytes > maxBytes) throw new MessageError(root, `is larger than ${maxBytes} bytes (about ${bytes})`, "Send less at once: split it, or send a summary.", where);
  return bytes;
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
