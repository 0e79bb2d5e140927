// The three globals SES installs — lockdown, harden, Compartment — typed
// here, so that no file depends on the "ses" package's global declarations
// (which only a program that type-checks lockdown.ts's `import "ses"` sees).
// They exist once lockdown.ts has loaded "ses" (after freeze.ts: see there);
// harden and Compartment work once lockdown() has run.

/** A SES compartment: a global object of its own over the realm's frozen built-ins. */
export interface SesCompartment {
  readonly globalThis: Record<string, unknown>;
  evaluate(code: string): unknown;
}

interface Ses {
  lockdown(options: Record<string, string>): void;
  harden<T>(value: T): T;
  Compartment: new (options: { __options__: true }) => SesCompartment;
}

const ses = globalThis as unknown as Ses;

export function lockdown(options: Record<string, string>): void {
  ses.lockdown(options);
}

/** Freezes `value` and everything reachable from it (SES's harden). */
export function harden<T>(value: T): T {
  return ses.harden(value);
}

/** A new compartment with an empty global of its own (endowments are added to its globalThis). */
export function newCompartment(): SesCompartment {
  return new ses.Compartment({ __options__: true });
}
