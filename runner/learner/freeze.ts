// How lockdown freezes the built-ins, so that the simulator stays fast.
//
// V8's Object.freeze on an object that is some other object's prototype
// (Object.prototype, Array.prototype, %TypedArray%.prototype…) gives it
// "frozen elements", which turns off fast paths realm-wide: after SES's
// lockdown every typed-array store (the trace's ring buffer, the watchdog
// probe) and many array operations took several times longer. Freezing such
// an object property by property — each property non-writable and
// non-configurable, then no extensions — is just as final (Object.isFrozen
// says so) but leaves V8 in dictionary mode for it, which turns off method
// inlining; making it a prototype once more afterwards brings its fast
// properties back. Objects that are nobody's prototype (Math, JSON, the
// constructors) keep V8's own freeze, which costs them nothing.
//
// SES captures Object.freeze when it loads, so this module must be
// evaluated before "ses" (lockdown.ts imports it first). While lockdown runs,
// freeze() chooses as above; at any other time it is V8's own. The figures
// are in docs/security.md.

const v8Freeze = Object.freeze;
let lockingDown = false;
let prototypes = new WeakSet<object>();
const frozenByProperties: object[] = [];

function freezeByProperties(obj: object): void {
  for (const key of Reflect.ownKeys(obj)) {
    const d = Reflect.getOwnPropertyDescriptor(obj, key);
    if (!d) continue;
    if ("value" in d) {
      if (d.writable || d.configurable) Reflect.defineProperty(obj, key, { writable: false, configurable: false });
    } else if (d.configurable) Reflect.defineProperty(obj, key, { configurable: false });
  }
  Reflect.preventExtensions(obj);
}

/**
 * Lets ordinary objects have their own property of any name again. Frozen,
 * Object.prototype's methods would make `obj.valueOf = …` or
 * `counts["constructor"] = 1` throw (JavaScript's "override mistake"): a
 * learner's store keyed by "valueOf", or a message field named
 * "constructor", would fail in the grader and nowhere else. As SES does for a
 * few of them, each becomes a getter for the original and a setter that
 * gives the object its own property. (SES's "severe" taming would do this
 * too, but also for Array.prototype's iterator, which makes every spread and
 * for-of over an array several times slower.)
 */
function enableOverrides(proto: object): void {
  for (const key of Reflect.ownKeys(proto)) {
    const d = Reflect.getOwnPropertyDescriptor(proto, key);
    if (!d || !("value" in d) || !d.configurable || key === "__proto__") continue;
    const value: unknown = d.value;
    const getter = {
      get(): unknown {
        return value;
      },
    }.get;
    Object.defineProperty(getter, "originalValue", { value, writable: false, enumerable: false, configurable: false });
    const setter = {
      set(this: object, v: unknown): void {
        if (this === proto) throw new TypeError(`Cannot assign to read only property '${String(key)}' of the frozen Object.prototype`);
        if (Object.prototype.hasOwnProperty.call(this, key)) (this as Record<PropertyKey, unknown>)[key] = v;
        else Object.defineProperty(this, key, { value: v, writable: true, enumerable: true, configurable: true });
      },
    }.set;
    Object.defineProperty(proto, key, { get: getter, set: setter, enumerable: d.enumerable ?? false, configurable: true });
  }
}

const patched = {
  // A method, so it has no .prototype for SES to find unpermitted.
  freeze<T>(o: T): Readonly<T> {
    if (lockingDown && (o as unknown) === Object.prototype) enableOverrides(Object.prototype);
    if (lockingDown && o !== null && typeof o === "object" && prototypes.has(o)) {
      freezeByProperties(o);
      // Whatever could not be frozen that way (an exotic object) is frozen the ordinary way.
      if (Object.isFrozen(o)) {
        frozenByProperties.push(o);
        return o;
      }
    }
    return v8Freeze(o);
  },
}.freeze;

Object.defineProperty(Object, "freeze", { value: patched, writable: true, enumerable: false, configurable: true });

/** The built-ins lockdown freezes, by their global names (the rest of the global object is the host's, not SES's). */
const BUILT_INS = [
  "Object", "Function", "Array", "Number", "String", "Boolean", "Symbol", "BigInt", "Math", "JSON", "Reflect", "Proxy", "Promise", "Date", "RegExp",
  "Error", "EvalError", "RangeError", "ReferenceError", "SyntaxError", "TypeError", "URIError", "AggregateError",
  "Map", "Set", "WeakMap", "WeakSet", "WeakRef", "FinalizationRegistry", "ArrayBuffer", "SharedArrayBuffer", "DataView", "Atomics",
  "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array",
  "Iterator", "TextEncoder", "TextDecoder", "Intl",
];

/** Every object that serves as a prototype among the built-ins (and the hidden iterator prototypes). */
function findPrototypes(): WeakSet<object> {
  const found = new WeakSet<object>();
  const seen = new Set<unknown>();
  const g = globalThis as Record<string, unknown>;
  const queue: unknown[] = BUILT_INS.map((name) => g[name]).filter((x) => x !== undefined);
  const hidden = [[][Symbol.iterator](), new Map()[Symbol.iterator](), new Set()[Symbol.iterator](), ""[Symbol.iterator](), /x/[Symbol.matchAll]("x"), (function* () {})(), (async function* () {})()];
  for (const h of hidden) queue.push(h);
  while (queue.length) {
    const x = queue.pop();
    if (x === null || (typeof x !== "object" && typeof x !== "function") || seen.has(x)) continue;
    seen.add(x);
    const proto = Object.getPrototypeOf(x);
    if (proto !== null) {
      found.add(proto);
      queue.push(proto);
    }
    for (const key of Reflect.ownKeys(x)) {
      let d: PropertyDescriptor | undefined;
      try {
        d = Reflect.getOwnPropertyDescriptor(x, key);
      } catch {
        continue;
      }
      if (!d) continue;
      if ("value" in d) {
        queue.push(d.value);
        // What a constructor's instances will inherit from.
        if (key === "prototype" && typeof x === "function" && d.value !== null && typeof d.value === "object") found.add(d.value as object);
      } else queue.push(d.get, d.set);
    }
  }
  return found;
}

/** Gives a dictionary-mode prototype its fast properties back (V8 does this for an object as it becomes a prototype). */
function backToFastProperties(o: object): void {
  function Probe(): void {}
  Probe.prototype = o;
  void new (Probe as unknown as new () => object)();
}

/** Runs `lockdown` with the built-ins frozen as described above. */
export function lockingDownWith(lockdown: () => void): void {
  prototypes = findPrototypes();
  lockingDown = true;
  try {
    lockdown();
  } finally {
    lockingDown = false;
    prototypes = new WeakSet();
  }
  for (const o of frozenByProperties.splice(0)) backToFastProperties(o);
}
