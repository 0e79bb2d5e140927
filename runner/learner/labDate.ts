// The Date a compartment gets. A node may build a Date from a time it already
// has (`new Date(ctx.now())`), but it may not read the wall clock
// (`Date.now()`, `new Date()`), and nothing it does with a Date may depend on
// the machine it runs on: every local-time reading and writing (getHours,
// toString, new Date(2024, 0, 1), a date string without a zone…) is done in
// UTC, so the same seed gives the same run on a laptop in Tokyo and on CI.

import { INSTEAD, refuse } from "../sim/guard.ts";

/** Local-time methods and the UTC methods that stand in for them. */
const AS_UTC: Record<string, string> = {
  getFullYear: "getUTCFullYear",
  getMonth: "getUTCMonth",
  getDate: "getUTCDate",
  getDay: "getUTCDay",
  getHours: "getUTCHours",
  getMinutes: "getUTCMinutes",
  getSeconds: "getUTCSeconds",
  getMilliseconds: "getUTCMilliseconds",
  setFullYear: "setUTCFullYear",
  setMonth: "setUTCMonth",
  setDate: "setUTCDate",
  setHours: "setUTCHours",
  setMinutes: "setUTCMinutes",
  setSeconds: "setUTCSeconds",
  setMilliseconds: "setUTCMilliseconds",
  toString: "toISOString",
  toDateString: "toISOString",
  toTimeString: "toISOString",
  toLocaleString: "toISOString",
  toLocaleDateString: "toISOString",
  toLocaleTimeString: "toISOString",
};

/** A date string with no zone of its own (which JavaScript reads as local time). */
const NO_ZONE = /^\s*\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*$/;

function parseAsUtc(Shared: DateConstructor, s: string): number {
  return NO_ZONE.test(s) ? Shared.parse(`${s.trim().replace(" ", "T")}Z`) : Shared.parse(s);
}

/** The Date constructor for compartments, built on the shared (tamed) one. */
export function labDate(Shared: DateConstructor): DateConstructor {
  const LabDate = function (this: unknown, ...args: unknown[]): Date | never {
    if (!new.target) return refuse("Date()", INSTEAD.now)();
    if (args.length === 0) return refuse("new Date()", INSTEAD.newDate)();
    let time: unknown = args[0];
    if (args.length > 1) time = Shared.UTC(...(args as [number, number]));
    else if (typeof time === "string") time = parseAsUtc(Shared, time);
    return Reflect.construct(Shared, [time], new.target) as Date;
  } as unknown as DateConstructor;
  // Defined, not assigned: the shared prototype's methods are frozen, so assigning would throw.
  const own: PropertyDescriptorMap = {};
  for (const [local, utc] of Object.entries(AS_UTC)) {
    const method = (Shared.prototype as unknown as Record<string, (...a: unknown[]) => unknown>)[utc]!;
    // Methods, so they have no .prototype of their own.
    const fn = { [local](this: Date, ...a: unknown[]) {
      return method.apply(this, a);
    } }[local];
    own[local] = { value: fn, writable: false, enumerable: false, configurable: false };
  }
  own["getTimezoneOffset"] = { value: { getTimezoneOffset: () => 0 }.getTimezoneOffset };
  own["constructor" as string] = { value: LabDate } as PropertyDescriptor;
  const proto = Object.create(Shared.prototype, own) as object;
  Object.defineProperties(LabDate, {
    prototype: { value: proto },
    now: { value: refuse("Date.now()", INSTEAD.now) },
    parse: { value: (s: string) => parseAsUtc(Shared, String(s)) },
    UTC: { value: Shared.UTC },
  });
  return LabDate;
}
