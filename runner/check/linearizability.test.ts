import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseJepsenCasHistory } from "./jepsenHistory.ts";
import { casRegisterModel, checkLinearizability, kvModel, type CasInput, type CasOutput, type KvInput, type KvOutput, type Operation, type RegisterValue } from "./linearizability.ts";

type RegOp = Operation<CasInput, CasOutput>;
type KvOp = Operation<KvInput, KvOutput>;

// Small builders so each history reads as a timeline: [call, ret].
const read = (client: number, value: RegisterValue, call: number, ret: number): RegOp => ({ client, input: { op: "read" }, output: { value }, call, ret });
const write = (client: number, value: RegisterValue, call: number, ret: number): RegOp => ({ client, input: { op: "write", value }, output: {}, call, ret });
const cas = (client: number, from: RegisterValue, to: RegisterValue, ok: boolean, call: number, ret: number): RegOp => ({ client, input: { op: "cas", from, to }, output: { ok }, call, ret });
/** An operation whose outcome never came back (Jepsen :info, a crashed client). */
const unknown = (op: RegOp): RegOp => ({ ...op, output: undefined, ret: Infinity });

const verdict = (history: RegOp[]) => checkLinearizability(casRegisterModel, history).verdict;

describe("register histories", () => {
  it("an empty history is linearizable", () => {
    expect(checkLinearizability(casRegisterModel, [])).toMatchObject({ verdict: "linearizable", partitions: 0 });
  });

  it("sequential operations that follow the model are linearizable", () => {
    expect(verdict([read(1, null, 0, 1), write(1, 1, 2, 3), read(2, 1, 4, 5), cas(2, 1, 2, true, 6, 7), cas(1, 1, 3, false, 8, 9), read(1, 2, 10, 11)])).toBe("linearizable");
  });

  it("a stale read after a completed write is not linearizable, and the explanation names it", () => {
    const r = checkLinearizability(casRegisterModel, [write(1, 1, 0, 1), read(2, null, 2, 3)]);
    expect(r.verdict).toBe("not-linearizable");
    expect(r.explanation).toContain("read() -> null");
    expect(r.explanation).toContain("places 1 of the 2 completed operations");
  });

  it("a read concurrent with a write may see either value", () => {
    expect(verdict([write(1, 1, 0, 10), read(2, null, 1, 2), read(3, 1, 3, 4)])).toBe("linearizable");
    expect(verdict([write(1, 1, 0, 10), read(2, 1, 1, 2)])).toBe("linearizable");
  });

  it("once a read has seen a concurrent write, a later read cannot go back", () => {
    expect(verdict([write(1, 1, 0, 10), read(2, 1, 1, 2), read(3, null, 3, 4)])).toBe("not-linearizable");
  });

  it("concurrent writes may land in either order, but every reader must agree on it", () => {
    const writes = [write(1, 1, 0, 10), write(2, 2, 0, 10)];
    expect(verdict([...writes, read(3, 1, 11, 12), read(3, 1, 13, 14)])).toBe("linearizable");
    expect(verdict([...writes, read(3, 2, 11, 12)])).toBe("linearizable");
    expect(verdict([...writes, read(3, 1, 11, 12), read(4, 2, 13, 14)])).toBe("not-linearizable");
  });

  it("a read of a value nobody wrote is not linearizable", () => {
    expect(verdict([write(1, 1, 0, 10), read(2, 7, 1, 2)])).toBe("not-linearizable");
  });

  it("a cas succeeds exactly when the register holds `from`", () => {
    expect(verdict([write(1, 1, 0, 1), cas(2, 1, 5, true, 2, 3), read(1, 5, 4, 5)])).toBe("linearizable");
    expect(verdict([write(1, 1, 0, 1), cas(2, 1, 5, false, 2, 3)])).toBe("not-linearizable");
    expect(verdict([write(1, 1, 0, 1), cas(2, 2, 5, true, 2, 3)])).toBe("not-linearizable");
    expect(verdict([write(1, 1, 0, 1), cas(2, 2, 5, false, 2, 3), read(1, 1, 4, 5)])).toBe("linearizable");
  });

  it("an operation with an unknown outcome may take effect at any time after its call", () => {
    const w = unknown(write(1, 1, 0, 0));
    expect(verdict([w, read(2, null, 1, 2), read(2, 1, 3, 4)])).toBe("linearizable");
    expect(verdict([w, read(2, 1, 100, 101)])).toBe("linearizable");
  });

  it("an operation with an unknown outcome may also never take effect", () => {
    expect(verdict([unknown(write(1, 1, 0, 0)), read(2, null, 1, 2), read(2, null, 50, 51)])).toBe("linearizable");
    expect(verdict([unknown(cas(1, null, 3, true, 0, 0)), read(2, null, 1, 2)])).toBe("linearizable");
  });

  it("an operation with an unknown outcome still cannot take effect before it was called", () => {
    expect(verdict([read(2, 1, 0, 1), unknown(write(1, 1, 5, 5))])).toBe("not-linearizable");
  });

  it("an operation with an unknown outcome takes effect at most once", () => {
    expect(verdict([write(1, 1, 0, 1), unknown(write(2, 2, 2, 2)), read(3, 2, 3, 4), write(1, 1, 5, 6), read(3, 2, 7, 8)])).toBe("not-linearizable");
  });

  it("operations that touch in time (one returns when the other is called) count as concurrent", () => {
    expect(verdict([write(1, 1, 0, 5), read(2, null, 5, 6)])).toBe("linearizable");
    expect(verdict([write(1, 1, 0, 5), read(2, null, 6, 7)])).toBe("not-linearizable");
  });

  it("runs out of budget with an honest unknown, and is deterministic", () => {
    // Many concurrent writes and one impossible read: the search must try every order of the writes.
    const writes = Array.from({ length: 12 }, (_, i) => write(i, i, 0, 100));
    const history = [...writes, read(99, 42, 1, 2)];
    const small = checkLinearizability(casRegisterModel, history, { budget: 50 });
    expect(small.verdict).toBe("unknown");
    expect(small.explanation).toContain("budget of 50 steps");
    expect(checkLinearizability(casRegisterModel, history)).toEqual(checkLinearizability(casRegisterModel, history));
    expect(checkLinearizability(casRegisterModel, history).verdict).toBe("not-linearizable");
  });

  it("the state cache keeps a wide, linearizable history cheap", () => {
    // 40 clients write the same value concurrently: without the cache this is 40! orders.
    const history = [...Array.from({ length: 40 }, (_, i) => write(i, 1, 0, 10)), read(99, 1, 11, 12)];
    const r = checkLinearizability(casRegisterModel, history);
    expect(r.verdict).toBe("linearizable");
    expect(r.statesExplored).toBeLessThan(10_000);
  });

  it("refuses an operation that returns before it is called", () => {
    expect(() => checkLinearizability(casRegisterModel, [write(1, 1, 5, 4)])).toThrow(/before it is called/);
  });
});

describe("key-value histories", () => {
  const get = (client: number, key: string, value: string | null, call: number, ret: number): KvOp => ({ client, input: { op: "get", key }, output: { value }, call, ret });
  const put = (client: number, key: string, value: string, call: number, ret: number): KvOp => ({ client, input: { op: "put", key, value }, output: {}, call, ret });
  const append = (client: number, key: string, value: string, call: number, ret: number): KvOp => ({ client, input: { op: "append", key, value }, output: {}, call, ret });
  const kcas = (client: number, key: string, from: string | null, to: string, ok: boolean, call: number, ret: number): KvOp => ({ client, input: { op: "cas", key, from, to }, output: { ok }, call, ret });

  it("checks each key on its own", () => {
    const history = [put(1, "x", "a", 0, 1), put(2, "y", "b", 0, 1), get(3, "x", "a", 2, 3), get(3, "y", "b", 4, 5), get(4, "z", null, 0, 9)];
    expect(checkLinearizability(kvModel, history)).toMatchObject({ verdict: "linearizable", partitions: 3 });
  });

  it("names the key whose history is not linearizable", () => {
    const history = [put(1, "x", "a", 0, 1), get(2, "x", "a", 2, 3), put(1, "y", "b", 0, 1), get(2, "y", null, 2, 3)];
    const r = checkLinearizability(kvModel, history);
    expect(r.verdict).toBe("not-linearizable");
    expect(r.partitions).toBe(2);
    expect(r.explanation).toMatch(/^key "y": /);
    expect(r.explanation).toContain('get("y") -> null');
  });

  it("append concatenates, and a lost or doubled append shows", () => {
    expect(checkLinearizability(kvModel, [append(1, "k", "a", 0, 1), append(2, "k", "b", 2, 3), get(1, "k", "ab", 4, 5)]).verdict).toBe("linearizable");
    expect(checkLinearizability(kvModel, [append(1, "k", "a", 0, 1), append(2, "k", "b", 2, 3), get(1, "k", "b", 4, 5)]).verdict).toBe("not-linearizable");
    expect(checkLinearizability(kvModel, [append(1, "k", "a", 0, 1), get(1, "k", "aa", 4, 5)]).verdict).toBe("not-linearizable");
    // A retried append whose first attempt's fate is unknown may have applied once, not twice.
    const retried: KvOp = { ...append(1, "k", "x", 0, 0), output: undefined, ret: Infinity };
    expect(checkLinearizability(kvModel, [retried, get(2, "k", "x", 10, 11)]).verdict).toBe("linearizable");
    expect(checkLinearizability(kvModel, [retried, get(2, "k", "xx", 10, 11)]).verdict).toBe("not-linearizable");
  });

  it("cas on a key compares with its current value (null when missing)", () => {
    expect(checkLinearizability(kvModel, [kcas(1, "k", null, "a", true, 0, 1), get(2, "k", "a", 2, 3)]).verdict).toBe("linearizable");
    expect(checkLinearizability(kvModel, [put(1, "k", "a", 0, 1), kcas(1, "k", null, "b", true, 2, 3)]).verdict).toBe("not-linearizable");
  });

  it("a get whose reply was lost constrains nothing", () => {
    const lost: KvOp = { ...get(1, "k", null, 0, 0), output: undefined, ret: Infinity };
    expect(checkLinearizability(kvModel, [put(2, "k", "a", 0, 1), lost, get(3, "k", "a", 2, 3)]).verdict).toBe("linearizable");
  });
});

// Cross-checks against brute force on small random histories: every order of
// every subset of unknown-outcome ops is tried directly.
describe("agrees with brute force", () => {
  type Spec = { kind: 0 | 1 | 2; a: number; b: number; ok: boolean; call: number; len: number; lost: boolean };
  const spec = fc.record({
    kind: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
    a: fc.integer({ min: 0, max: 2 }),
    b: fc.integer({ min: 0, max: 2 }),
    ok: fc.boolean(),
    call: fc.integer({ min: 0, max: 20 }),
    len: fc.integer({ min: 0, max: 8 }),
    lost: fc.boolean(),
  });
  const toOp = (s: Spec, client: number): RegOp => {
    const v = (x: number): RegisterValue => (x === 0 ? null : x);
    const op = s.kind === 0 ? read(client, v(s.a), s.call, s.call + s.len) : s.kind === 1 ? write(client, v(s.a), s.call, s.call + s.len) : cas(client, v(s.a), v(s.b), s.ok, s.call, s.call + s.len);
    return s.lost && s.kind !== 0 ? unknown(op) : op;
  };

  function bruteForce(history: RegOp[]): boolean {
    const n = history.length;
    const used = new Array<boolean>(n).fill(false);
    const go = (state: RegisterValue): boolean => {
      // Done when every op with a known outcome is placed.
      if (history.every((op, i) => used[i] || op.ret === Infinity)) return true;
      for (let i = 0; i < n; i++) {
        if (used[i]) continue;
        const op = history[i]!;
        // Real time: no unplaced known op may have returned before op was called.
        if (history.some((o, j) => !used[j] && j !== i && o.ret < op.call)) continue;
        const r = casRegisterModel.step(state, op.input, op.output);
        if (!r.ok) continue;
        used[i] = true;
        const found = go(r.state);
        used[i] = false;
        if (found) return true;
      }
      return false;
    };
    return go(null);
  }

  it("on random small register histories", () => {
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 6 }), (specs) => {
        const history = specs.map(toOp);
        const expected = bruteForce(history) ? "linearizable" : "not-linearizable";
        expect(checkLinearizability(casRegisterModel, history).verdict).toBe(expected);
      }),
      { seed: 7, numRuns: 1500 },
    );
  });

  it("on histories made by really running a register (always linearizable)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(spec, fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 })), { minLength: 1, maxLength: 30 }), (rows) => {
        // Apply the ops at distinct instants 10, 20, …, and stretch each one's interval around its instant.
        let state: RegisterValue = null;
        const history = rows.map(([s, before, after], i): RegOp => {
          const at = (i + 1) * 10;
          const base = toOp({ ...s, call: at - before, len: before + after, lost: false }, i);
          const r = casRegisterModel.step(state, base.input, undefined);
          const output: CasOutput = base.input.op === "read" ? { value: state } : base.input.op === "cas" ? { ok: state === base.input.from } : {};
          state = r.state;
          return s.lost && base.input.op !== "read" ? { ...base, output: undefined, ret: Infinity } : { ...base, output };
        });
        expect(checkLinearizability(casRegisterModel, history).verdict).toBe("linearizable");
      }),
      { seed: 11, numRuns: 300 },
    );
  });
});

describe("Jepsen CAS log parser", () => {
  const log = [
    "INFO  jepsen.util - 0\t:invoke\t:read\tnil",
    "INFO  jepsen.util - 1\t:invoke\t:write\t3",
    "INFO  jepsen.util - 0\t:ok\t:read\tnil",
    "INFO  jepsen.util - 1\t:ok\t:write\t3",
    "INFO  jepsen.util - 2   :invoke :cas    [3 4]", // spaces, as some logs have
    "INFO  jepsen.util - 2   :fail   :cas    [3 4]",
    "INFO  jepsen.util - 3\t:invoke\t:read\tnil",
    "INFO  jepsen.util - 3\t:fail\t:read\t:timed-out",
    "some other log line",
    "INFO  jepsen.util - 4\t:invoke\t:write\t1",
    "INFO  jepsen.util - 4\t:info\t:write\t:timed-out",
    "INFO  jepsen.util - 5\t:invoke\t:cas\t[1 2]",
  ].join("\n");

  it("reads invocations, completions, failures and unknown outcomes", () => {
    const ops = parseJepsenCasHistory(log);
    expect(ops).toEqual([
      { client: 0, input: { op: "read" }, output: { value: null }, call: 1, ret: 3 },
      { client: 1, input: { op: "write", value: 3 }, output: {}, call: 2, ret: 4 },
      { client: 2, input: { op: "cas", from: 3, to: 4 }, output: { ok: false }, call: 5, ret: 6 },
      // The failed read (line 7) had no effect and is left out.
      { client: 4, input: { op: "write", value: 1 }, output: undefined, call: 10, ret: Infinity },
      { client: 5, input: { op: "cas", from: 1, to: 2 }, output: undefined, call: 12, ret: Infinity },
    ]);
    // The cas failed although 3 was written before it: not linearizable.
    expect(checkLinearizability(casRegisterModel, ops).verdict).toBe("not-linearizable");
  });

  it("says which line is wrong", () => {
    expect(() => parseJepsenCasHistory("INFO  jepsen.util - 1\t:ok\t:read\t3")).toThrow(/line 1: process 1 completes an operation/);
    expect(() => parseJepsenCasHistory("INFO  jepsen.util - 1\t:invoke\t:cas\t3")).toThrow(/line 1: a cas needs \[from to\]/);
    expect(() => parseJepsenCasHistory("x\nINFO  jepsen.util - 1\t:invoke\t:inc\t3")).toThrow(/line 2: unknown operation :inc/);
    expect(() => parseJepsenCasHistory('{ "not": "a jepsen log" }')).toThrow(/no Jepsen operations found/);
    expect(parseJepsenCasHistory("")).toEqual([]);
  });
});
