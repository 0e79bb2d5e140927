// What learner code throws reaches the grader only as something it can read
// without running learner code (thrown.ts).

import { describe, expect, it } from "vitest";
import { tameThrown, ThrownValue } from "./thrown.ts";

describe("tameThrown", () => {
  it("hands back a plain Error as it is", () => {
    const e = new TypeError("x is undefined");
    expect(tameThrown(e)).toBe(e);
  });

  it("replaces a proxy with a description, without calling any of its traps", () => {
    let trapped = 0;
    const p = new Proxy(new Error("boo"), { get: () => void trapped++, getPrototypeOf: () => (trapped++, Error.prototype) });
    const t = tameThrown(p);
    expect(t).toBeInstanceOf(ThrownValue);
    expect((t as Error).message).toMatch(/it threw a Proxy, not an Error/);
    expect(trapped).toBe(0);
  });

  it("replaces an Error whose message is a getter, without calling it", () => {
    let called = 0;
    const e = new Error("x");
    Object.defineProperty(e, "message", { get: () => (called++, "y") });
    expect((tameThrown(e) as Error).message).toMatch(/getters or its own conversion to text/);
    expect(called).toBe(0);
  });

  it("replaces an Error with its own toString (printing it would run learner code)", () => {
    const e = Object.assign(new Error("x"), { toString: () => "boom" });
    expect(tameThrown(e)).toBeInstanceOf(ThrownValue);
  });

  it("describes a thrown plain object by its data, naming getters without calling them", () => {
    const o = { footprint: Symbol.for("fast-check/PreconditionFailure"), get why() { throw new Error("never called"); } };
    const t = tameThrown(o) as Error;
    expect(t).toBeInstanceOf(ThrownValue);
    expect(t.message).toMatch(/an object \{footprint: a symbol, why: \(a getter\)\}/);
  });

  it("describes thrown primitives", () => {
    expect((tameThrown("no") as Error).message).toMatch(/it threw "no"/);
    expect((tameThrown(42) as Error).message).toMatch(/it threw the number 42/);
  });
});
