// The learner's world: a bundle (bundle.ts) evaluated once in its own SES
// compartment, then instantiated afresh for every node, replica or call
// (membrane.ts decides when). A compartment's globals are all ours:
//
//   - the shared built-ins, frozen by lockdown (lockdown.ts);
//   - stand-ins that refuse, with a teaching error, every source of time,
//     randomness or deferred work: Date.now() and new Date(), Math.random(),
//     performance, setTimeout & co., queueMicrotask, crypto; and a Date
//     that reads and writes local time as UTC (labDate.ts);
//   - a console that counts and drops (console.ts), and structuredClone,
//     atob and btoa (pure: the same input always gives the same output);
//   - the loop-mark function hang verdicts rely on (loopMarks.ts);
//
// and nothing else: no process, require, import(), fetch, Intl, WeakRef or
// FinalizationRegistry, SharedArrayBuffer or Atomics. The global object is
// frozen, so no node can leave anything on it for another. Modules get one
// import, `faultline/sim`, which is `todo` and nothing of the engine.

import { harden, newCompartment } from "./sesGlobals.ts";
import { todo } from "../sim/errors.ts";
import { INSTEAD, probe, ProbeSlot, refuse } from "../sim/guard.ts";
import type { LearnerBundle } from "./bundle.ts";
import { droppingConsole } from "./console.ts";
import { hardenRealm } from "./lockdown.ts";
import { labDate } from "./labDate.ts";
import { LOOP_MARK_GLOBAL } from "./loopMarks.ts";
import { LEARNER_URL, registerBundleMap } from "./stacks.ts";

type ModuleBody = (require: (specifier: string) => unknown) => Record<string, unknown>;

let loaded = 0;

/** Globals every learner compartment gets on top of the shared built-ins. */
function endowments(shared: { Date: DateConstructor; Math: Math }): Record<string, unknown> {
  const mathProps = Object.getOwnPropertyDescriptors(shared.Math) as Record<string, PropertyDescriptor>;
  mathProps["random"] = { value: refuse("Math.random()", INSTEAD.random), writable: false, enumerable: false, configurable: false };
  const LabMath = Object.create(Object.getPrototypeOf(shared.Math) as object, mathProps) as Record<string, unknown>;
  return {
    Date: labDate(shared.Date),
    Math: LabMath,
    performance: { now: refuse("performance.now()", INSTEAD.performance), mark: refuse("performance.mark()", INSTEAD.performance), measure: refuse("performance.measure()", INSTEAD.performance), timeOrigin: 0 },
    setTimeout: refuse("setTimeout()", INSTEAD.timers),
    setInterval: refuse("setInterval()", INSTEAD.timers),
    setImmediate: refuse("setImmediate()", INSTEAD.timers),
    clearTimeout: refuse("clearTimeout()", INSTEAD.timers),
    clearInterval: refuse("clearInterval()", INSTEAD.timers),
    queueMicrotask: refuse("queueMicrotask()", INSTEAD.microtask),
    crypto: { randomUUID: refuse("crypto.randomUUID()", INSTEAD.uuid), getRandomValues: refuse("crypto.getRandomValues()", INSTEAD.randomValues) },
    console: droppingConsole(),
    // Pure and deterministic, and used by learners to copy state: the realm's own.
    structuredClone: (v: unknown, o?: StructuredSerializeOptions) => structuredClone(v, o),
    atob: (s: string) => atob(s),
    btoa: (s: string) => btoa(s),
    [LOOP_MARK_GLOBAL]: (mark: number): void => {
      probe.i32[ProbeSlot.Loop] = mark;
    },
  };
}

/** What a node hears when it reaches for Node.js (or for a source of non-determinism the lab has no stand-in for). */
const NOT_IN_THE_LAB: Record<string, string> = {
  process: "the lab is not Node.js: there is no process, file system, network or exit. A node reaches the world only through ctx (send, setTimer, now, random, disk, output, log); to stop handling work, just return.",
  require: "graded code may import only faultline/sim and files of its own exercise folder (with import, at the top of the file).",
  module: "graded code is an ES module: export what the grader needs (export function …).",
  exports: "graded code is an ES module: export what the grader needs (export function …).",
  global: "there is no Node.js global object in the lab; keep a node's state in its own variables.",
  Buffer: "there is no Buffer in the lab: messages are plain JSON data (strings, numbers, arrays, objects).",
  __dirname: "graded code has no file system.",
  __filename: "graded code has no file system.",
  fetch: "the lab has no network but the simulated one: nodes talk only through ctx.send.",
  WebSocket: "the lab has no network but the simulated one: nodes talk only through ctx.send.",
  XMLHttpRequest: "the lab has no network but the simulated one: nodes talk only through ctx.send.",
  Worker: "a node is one thread of work: there are no other threads in the lab.",
  SharedArrayBuffer: "nodes share nothing but messages.",
  Atomics: "nodes share nothing but messages.",
  WeakRef: "garbage collection happens at different moments in different runs, so a run could not replay from its seed.",
  FinalizationRegistry: "garbage collection happens at different moments in different runs, so a run could not replay from its seed.",
  Intl: "Intl's defaults read the real clock and the machine's locale, so a run could not replay from its seed; format numbers and times yourself.",
  navigator: "graded code runs in the lab, not in a browser.",
};

/** Globals SES gives every compartment that a node has no use for. */
const REMOVED = ["Compartment", "lockdown", "harden", "ModuleSource", "HandledPromise"];

/** The one import learner modules have. */
const SIM_SURFACE = Object.freeze({ todo: Object.freeze(todo) });

function requireSim(specifier: string): unknown {
  if (specifier === "faultline/sim") return SIM_SURFACE;
  throw new Error(`"${specifier}" cannot be imported by graded code: only faultline/sim and files of your exercise folder.`);
}
Object.freeze(requireSim);

/** One learner file, evaluated once in a compartment of its own; `instantiate()` runs its module code afresh. */
export class LearnerModule {
  private readonly body: ModuleBody;
  /** The file, relative to the project (for messages). */
  readonly label: string;

  constructor(bundle: Extract<LearnerBundle, { ok: true }>, label: string) {
    hardenRealm();
    this.label = label;
    const c = newCompartment();
    const g = c.globalThis;
    for (const k of REMOVED) delete g[k];
    for (const [k, v] of Object.entries(endowments({ Date: g["Date"] as DateConstructor, Math: g["Math"] as Math }))) {
      Object.defineProperty(g, k, { value: harden(v), writable: false, enumerable: false, configurable: false });
    }
    // Reaching for any of these names is an error that says why, not a puzzling `undefined`.
    for (const [name, why] of Object.entries(NOT_IN_THE_LAB)) {
      const get = harden(() => {
        throw new ReferenceError(`${name} is not available to graded code: ${why}`);
      });
      Object.defineProperty(g, name, { get, enumerable: false, configurable: false });
    }
    // Frozen: nothing a node leaves on the global object can reach another
    // (and SES then binds every global as a constant: lookups stay fast).
    harden(g);
    const url = `${LEARNER_URL}${label}?${++loaded}`;
    registerBundleMap(url, bundle.mappings, bundle.sources);
    // The wrapper sits on the bundle's first line, so its lines keep their numbers.
    this.body = c.evaluate(`(function (require) {${bundle.code}\n})\n//# sourceURL=${url}\n`) as ModuleBody;
  }

  /** A fresh instance of the module: its top-level code runs now, with state of its own. Returns its exports. */
  instantiate(): Record<string, unknown> {
    return this.body(requireSim);
  }
}
