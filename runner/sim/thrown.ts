// A value learner code threw, made safe for the grader to hold.
//
// Learner code can throw anything: a proxy, an object whose `message` is a
// getter, an object that fast-check would read as "skip this run". Whoever
// catches it must not run learner code to find out what it is (`instanceof`
// walks a proxy's traps, `String(x)` calls its toString, `e.message` its
// getter), or that code would run in the grader's hands, outside any
// handler, and what it throws would escape raw. `tameThrown` looks only at
// own data properties and plain prototype links, never calling a thing:
// a genuine Error whose name, message and stack are data comes back as it
// is; anything else comes back as a ThrownValue, an Error that describes it.

import { types } from "node:util";

/** An Error standing for a thrown value that was not a plain Error. */
export class ThrownValue extends Error {
  constructor(description: string) {
    super(`it threw ${description}, not an Error: throw new Error("...") says what went wrong and where`);
    this.name = "ThrownValue";
    // Made by the grader: its frames would name the grader, not the learner's line.
    this.stack = `${this.name}: ${this.message}`;
  }
}

const MAX_CHAIN = 64;

/** The prototype chain of `o` (itself first), or null when a proxy is on it (asking a proxy runs its traps). */
function chainOf(o: object): object[] | null {
  const chain: object[] = [];
  for (let p: object | null = o; p !== null; p = Object.getPrototypeOf(p) as object | null) {
    if (types.isProxy(p) || chain.length >= MAX_CHAIN) return null;
    chain.push(p);
  }
  return chain;
}

/** Keys whose presence means reading the value as text would call learner code. */
const CONVERSIONS: readonly PropertyKey[] = ["toString", "valueOf", "toJSON", Symbol.toPrimitive];

/**
 * Whether every link of the chain below Error.prototype (the instance, then
 * its classes' prototypes) holds only data, and nothing that turns it into
 * text: then reading name, message, stack or cause, or printing it, runs no
 * learner code.
 */
function plainBelow(chain: readonly object[], top: object): boolean {
  const below = chain.slice(0, chain.indexOf(top));
  // `stack` last: asking for its descriptor formats the stack, which prints the
  // error's name and message (getters, if the checks below did not stop first).
  for (const p of below)
    for (const k of Reflect.ownKeys(p)) {
      if (k === "stack") continue;
      const d = Object.getOwnPropertyDescriptor(p, k)!;
      if (!("value" in d) || CONVERSIONS.includes(k)) return false;
    }
  for (const p of below) {
    const d = Object.getOwnPropertyDescriptor(p, "stack");
    if (d && !("value" in d)) return false;
  }
  return true;
}

/** A few words about a value, computed without running any of its code. */
export function describeValue(v: unknown): string {
  switch (typeof v) {
    case "string":
      return JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);
    case "number":
    case "boolean":
    case "bigint":
    case "undefined":
      return `the ${typeof v} ${String(v)}`;
    case "symbol":
      return "a symbol";
    case "function":
      return "a function";
  }
  if (v === null) return "null";
  if (types.isProxy(v)) return "a Proxy";
  const chain = chainOf(v as object);
  if (chain === null) return "an object whose prototype is a Proxy";
  const keys = Reflect.ownKeys(v as object).filter((k): k is string => typeof k === "string").slice(0, 4);
  const fields = keys.map((k) => {
    const d = Object.getOwnPropertyDescriptor(v, k)!;
    const x = "value" in d ? d.value : undefined;
    return `${k}: ${"value" in d ? (typeof x === "string" ? JSON.stringify(x.slice(0, 40)) : typeof x === "object" && x !== null ? "…" : typeof x === "symbol" ? "a symbol" : String(x)) : "(a getter)"}`;
  });
  return `an object {${fields.join(", ")}${Reflect.ownKeys(v as object).length > keys.length ? ", …" : ""}}`;
}

/**
 * `e` when it is a genuine Error that can be read and printed without
 * running learner code (see plainBelow), else a ThrownValue describing it.
 */
export function tameThrown(e: unknown): unknown {
  if (typeof e !== "object" || e === null || types.isProxy(e)) return new ThrownValue(describeValue(e));
  const chain = chainOf(e);
  if (chain === null || !chain.includes(Error.prototype)) return new ThrownValue(describeValue(e));
  return plainBelow(chain, Error.prototype) ? e : new ThrownValue("an Error with getters or its own conversion to text");
}
