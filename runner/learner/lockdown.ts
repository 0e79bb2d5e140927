// Hardening the realm that grades: SES's lockdown() freezes every shared
// built-in (Object.prototype, Array.prototype, Math, JSON…), so code in a
// compartment can change nothing the grader, the simulator, fast-check or
// vitest rely on, and can reach no start-compartment global through a
// function's constructor. Done once per worker, before any learner module is
// evaluated (runner/learner/compartment.ts), after vitest and the suite have
// loaded; see docs/security.md for why this arrangement and these options.

// First: SES captures Object.freeze when it loads (see freeze.ts).
import { lockingDownWith } from "./freeze.ts";
import "ses";
import { lockdown } from "./sesGlobals.ts";
import { DeterminismError, HandlerError, MessageError, RunError, SimError, TodoError } from "../sim/errors.ts";
import { ThrownValue } from "../sim/thrown.ts";
import { OutputFloodError } from "./console.ts";
import { installStacks } from "./stacks.ts";

let done = false;

/** Locks this realm down (idempotent) and installs the learner-aware stack writer. */
export function hardenRealm(): void {
  if (done) return;
  done = true;
  // Another module may have locked down already (a second suite in one worker).
  if (!Object.isFrozen(Array.prototype)) {
    lockingDownWith(() =>
      lockdown({
      // The grader reads error stacks to name the learner's line; SES's
      // "safe" taming would hide them from the grader too. Learner code sees
      // only its own frames (stacks.ts).
      errorTaming: "unsafe",
      // Libraries in this realm assign methods over frozen built-ins
      // (e.g. `obj.toString = …`); freeze.ts makes Object.prototype's methods
      // override-enabling accessors, so "min" is enough (and keeps objects fast).
      overrideTaming: "min",
      // vitest owns this worker's console.
      consoleTaming: "unsafe",
      stackFiltering: "verbose",
      domainTaming: "unsafe",
      }),
    );
  }
  installStacks();
  // Errors the engine throws reach learner code (ctx.send of a bad value
  // throws a MessageError it may catch): their classes, prototypes and
  // constructors are the grader's, so they are frozen like the built-ins.
  // (Frozen one by one, not harden()ed: that would walk on into the realm's
  // Error, whose stackTraceLimit the grader's start compartment still sets.)
  for (const c of [SimError, MessageError, DeterminismError, HandlerError, RunError, TodoError, ThrownValue, OutputFloodError]) {
    Object.freeze(c.prototype);
    Object.freeze(c);
  }
}

/** Whether this realm's shared built-ins are frozen (so the determinism guard has nothing to swap). */
export function realmHardened(): boolean {
  return Object.isFrozen(Math);
}
