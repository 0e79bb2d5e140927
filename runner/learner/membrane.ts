// The membrane between the harness and learner code.
//
// In: every node or replica the harness builds through a learner module's
// exports — a call that is given a ctx, or a class constructed with `new` —
// gets a FRESH instance of the module (compartment.ts). Nodes share nothing
// but messages: two nodes never share module state, and a restarted node (a
// new call to its factory) remembers nothing but its disk. Plain function
// calls (compare two stamps, compute phi) share one instance between them,
// as long as what they return is data; a call that returns an object with
// behaviour hands that object the instance for good, and later plain calls
// get a new one — so no two objects with behaviour ever share module state.
//
// Out: every value learner code hands back to the harness is taken as plain
// data at that moment (runner/sim/message.ts: a frozen copy, each property
// read once, getters and proxies refused), so what the checkers see cannot
// change afterwards. An object
// with methods (a node, a replica) comes back as a facade whose methods do
// the same; the simulator still calls the node's handlers directly
// (runner/sim/boundary.ts), because that is the hot path and it reads
// nothing back.
//
// Values going in (arguments) are handed over as frozen copies, so learner
// code cannot change the harness's data either.

import { harden } from "./sesGlobals.ts";
import { isEngineFacade, registerHandlers } from "../sim/boundary.ts";
import { enterLearner as enter, leaveLearner as leave } from "../sim/guard.ts";
import { DEFAULT_MAX_MESSAGE_BYTES, readData, takeData } from "../sim/message.ts";
import { tameThrown } from "../sim/thrown.ts";
import type { Node } from "../sim/types.ts";
import type { LearnerModule } from "./compartment.ts";

/** How big a value the harness reads back may be (a whole replica's state, a log). */
const MAX_RETURN_BYTES = 64 * DEFAULT_MAX_MESSAGE_BYTES;

const facades = new WeakSet<object>();
const facadeOf = new WeakMap<object, object>();

/** Whether an object holds behaviour (methods, a class instance) rather than data. */
function hasBehaviour(o: object): boolean {
  if (typeof o === "function") return true;
  if (Array.isArray(o)) return false;
  const proto = Object.getPrototypeOf(o);
  if (proto !== Object.prototype && proto !== null) return true;
  for (const k of Object.keys(o)) if (typeof (o as Record<string, unknown>)[k] === "function") return true;
  return false;
}

/** A value coming back out of learner code, as the harness should hold it. */
export function outward(v: unknown, what: string): unknown {
  switch (typeof v) {
    case "undefined":
    case "string":
    case "number":
    case "boolean":
      return v;
    case "symbol":
    case "bigint":
      return takeData(v, what, null, MAX_RETURN_BYTES); // refused, naming what returned it
  }
  if (v === null) return null;
  const o = v as object;
  if (facades.has(o)) return o;
  if (hasBehaviour(o)) return facade(o, what);
  return readData(o, what, MAX_RETURN_BYTES);
}

/** A value going into learner code from the harness. */
export function inward(v: unknown): unknown {
  if (v === null || typeof v !== "object") return typeof v === "function" ? harden(v) : v;
  // A learner object's facade, or a node's ctx: closed already.
  if (facades.has(v) || isEngineFacade(v)) return v;
  if (hasBehaviour(v)) return harden(v);
  // Data: a frozen copy, so learner code cannot change the harness's own.
  return takeData(v, "argument", null, MAX_RETURN_BYTES);
}

/** Marks learner code as running (for the watchdog), unless a handler or harness call already says so. */
export interface MembraneOptions {
  /** Methods (of any object the module hands out) that the exercise promises return a fresh value each time: checked for aliasing. */
  snapshots?: readonly string[];
  /** Methods that report a node's own state for white-box checks: handed over as they are (see viewMethods). */
  views?: readonly string[];
}

/** What each object learner code returned looked like when it was returned (see checkNotChangedSinceReturned). */
const returned = new WeakMap<object, unknown>();

/** Deep equality of plain data. */
function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export class AliasingError extends Error {
  constructor(what: string, before: unknown, now: unknown) {
    super(
      `${what} returned the very object it had returned before, and that object has changed since (it was ${JSON.stringify(before)}, it is now ${JSON.stringify(now)}): whoever kept the first value sees it change under them. Return a copy of your state (for example { ...this.v } or [...this.log]) rather than the object you keep.`,
    );
    this.name = "AliasingError";
  }
}

/**
 * The harness gets copies, so it must check aliasing itself where an
 * exercise promises snapshots (the suite names those methods: see
 * `snapshots` below): an object learner code hands back a second time must
 * still hold what it held the first time (a clock that returns its own
 * vector, then keeps counting in it, is wrong for every caller that kept a
 * stamp). Elsewhere a method may return its own object (a CRDT's state(),
 * which the lab copies into messages).
 */
function checkNotChangedSinceReturned(r: object, what: string): void {
  const before = returned.get(r);
  if (before !== undefined && !sameData(before, r)) throw new AliasingError(what, before, takeData(r, what, null, MAX_RETURN_BYTES));
}

/** Methods whose results must be snapshots, by name (set by membraneExports for the module being loaded). */
let snapshotMethods: ReadonlySet<string> = new Set();
/**
 * Methods that are a node's report of its own state for white-box checks
 * (Raft's inspect()), read after every event: their results are handed to
 * the harness as they are, not copied. A node's code could make such a report
 * say anything it likes, so a copy would protect no verdict; what the
 * network, the outputs and the disk carry is always copied (takeData).
 * Harness code reads these views at once and keeps only numbers and strings
 * from them; the trace viewer's recorder copies what it keeps.
 */
let viewMethods: ReadonlySet<string> = new Set();

/** Calls learner code with the watchdog told, arguments handed in, the result taken out. */
function call(fn: (...a: unknown[]) => unknown, self: unknown, args: readonly unknown[], what: string, construct: boolean, method = ""): unknown {
  const prev = enter(what);
  try {
    const inArgs = args.map(inward);
    let r: unknown;
    try {
      r = construct ? Reflect.construct(fn, inArgs) : Reflect.apply(fn, self, inArgs);
    } catch (thrown) {
      // What learner code threw reaches the harness only as something it can read safely.
      throw tameThrown(thrown);
    }
    if (viewMethods.has(method) && r !== null && typeof r === "object" && !hasBehaviour(r)) return r;
    if (!snapshotMethods.has(method) || r === null || typeof r !== "object" || facades.has(r) || hasBehaviour(r)) return outward(r, `${what} → result`);
    checkNotChangedSinceReturned(r, what);
    const copy = outward(r, `${what} → result`);
    returned.set(r, copy);
    return copy;
  } finally {
    leave(prev);
  }
}

/** `o[key]` of a learner object, read as learner code runs (told to the watchdog; what it throws held safely). */
function learnerRead(o: object, key: string, what: string): unknown {
  const prev = enter(what);
  try {
    return (o as Record<string, unknown>)[key];
  } catch (thrown) {
    throw tameThrown(thrown);
  } finally {
    leave(prev);
  }
}

/** The harness's view of a learner object: methods that take data out, fields read as data, nothing writable. */
function facade(target: object, what: string): object {
  const known = facadeOf.get(target);
  if (known) return known;
  const wrappers = new Map<string, { fn: unknown; wrapper: unknown }>();
  const view: object = new Proxy(
    typeof target === "function" ? function () {} : {},
    {
      get(_t, key) {
        if (typeof key === "symbol") return undefined;
        // Reading a property may run learner code (a getter): the watchdog must know it runs, and whose it is.
        const v = learnerRead(target, key, `${what}.${key}`);
        if (typeof v !== "function") return outward(v, `${what}.${key}`);
        const cached = wrappers.get(key);
        if (cached && cached.fn === v) return cached.wrapper;
        const wrapper = (...args: unknown[]) => call(v as (...a: unknown[]) => unknown, target, args, `${key}()`, false, key);
        wrappers.set(key, { fn: v, wrapper });
        return wrapper;
      },
      apply(_t, _self, args) {
        return call(target as (...a: unknown[]) => unknown, undefined, args, what, false);
      },
      construct(_t, args) {
        return call(target as (...a: unknown[]) => unknown, undefined, args, what, true) as object;
      },
      has(_t, key) {
        return key in target;
      },
      ownKeys(t) {
        // A function facade must also list its own target's fixed keys (a Proxy invariant).
        const fixed = Reflect.ownKeys(t).filter((k) => !Reflect.getOwnPropertyDescriptor(t, k)?.configurable);
        return [...new Set([...fixed, ...Reflect.ownKeys(target).filter((k) => typeof k === "string")])];
      },
      getOwnPropertyDescriptor(t, key): PropertyDescriptor | undefined {
        const fixed = Reflect.getOwnPropertyDescriptor(t, key);
        if (fixed && !fixed.configurable) return fixed;
        if (typeof key === "symbol" || !Object.prototype.hasOwnProperty.call(target, key)) return undefined;
        return { value: (view as Record<string, unknown>)[key], writable: false, enumerable: true, configurable: true };
      },
      set() {
        return false;
      },
      defineProperty() {
        return false;
      },
      deleteProperty() {
        return false;
      },
      setPrototypeOf() {
        return false;
      },
    },
  );
  facades.add(view);
  facadeOf.set(target, view);
  // The simulator calls a node's handlers directly (see runner/sim/boundary.ts).
  if (typeof (target as { onMessage?: unknown }).onMessage === "function") registerHandlers(view, target as Node<unknown>);
  return view;
}

/**
 * The module's exports as the harness uses them: function and class exports
 * run in the instance the rules at the top of this file give; each other
 * export is read (as data) from the instance made at load. `loaded`: that
 * first instance, made when the file was loaded so that an error at the top
 * level shows up then. See MembraneOptions for `snapshots` and `views`.
 */
export function membraneExports(mod: LearnerModule, loaded: Record<string, unknown>, opts: MembraneOptions = {}): Record<string, unknown> {
  // One exercise is graded per worker at a time: its options hold for the run.
  snapshotMethods = new Set([...snapshotMethods, ...(opts.snapshots ?? [])]);
  viewMethods = new Set([...viewMethods, ...(opts.views ?? [])]);
  const out: Record<string, unknown> = {};
  // The instance plain calls share (see the top of this file); replaced once an object with behaviour takes it.
  let shared: Record<string, unknown> | null = null;
  const forCall = (args: readonly unknown[], construct: boolean): { ns: Record<string, unknown>; pristine: boolean } => {
    // A module's top-level code is learner code too: the watchdog must know it runs.
    const instantiate = () => {
      const prev = enter("loading the module");
      try {
        return mod.instantiate();
      } finally {
        leave(prev);
      }
    };
    if (construct || args.some(isEngineFacade)) return { ns: instantiate(), pristine: true };
    shared ??= instantiate();
    return { ns: shared, pristine: false };
  };
  const settle = (ns: Record<string, unknown>, pristine: boolean, result: unknown): void => {
    if (!pristine && ns === shared && result !== null && (typeof result === "object" || typeof result === "function") && facades.has(result as object)) shared = null;
  };
  for (const name of Object.keys(loaded)) {
    // A `then` export would make the exports a thenable that any `await` of them waits on forever.
    if (name === "then") continue;
    const first = loaded[name];
    if (typeof first !== "function" && !(first !== null && typeof first === "object" && hasBehaviour(first))) {
      out[name] = outward(first, name);
      continue;
    }
    if (typeof first === "function") {
      out[name] = function (this: unknown, ...args: unknown[]) {
        const construct = new.target !== undefined;
        const { ns, pristine } = forCall(args, construct);
        const r = call(ns[name] as (...a: unknown[]) => unknown, undefined, args, `${name}()`, construct, name);
        settle(ns, pristine, r);
        return r;
      };
    } else {
      // An object of functions (export const detector = { create(ctx) {…} }): each method call chooses its instance the same way.
      out[name] = new Proxy(
        {},
        {
          get(_t, key) {
            if (typeof key === "symbol") return undefined;
            const v = learnerRead(first, key, `${name}.${key}`);
            if (typeof v !== "function") return outward(v, `${name}.${key}`);
            return (...args: unknown[]) => {
              const { ns, pristine } = forCall(args, false);
              const obj = ns[name] as Record<string, unknown>;
              const r = call(obj[key] as (...a: unknown[]) => unknown, obj, args, `${name}.${key}()`, false, key);
              settle(ns, pristine, r);
              return r;
            };
          },
        },
      );
    }
  }
  return Object.freeze(out);
}
