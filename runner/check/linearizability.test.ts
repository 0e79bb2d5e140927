import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkLinearizability, type Operation } from "./linearizability.ts";
import { casRegisterModel, kvModel, type CasInput, type CasOutput, type KvInput, type KvOutput, type RegisterValue } from "./models.ts";

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

describe("parts and budgets", () => {
  const put = (client: number, key: string, value: string, call: number, ret: number): KvOp => ({ client, input: { op: "put", key, value }, output: {}, call, ret });
  const append = (client: number, key: string, value: string, call: number, ret: number): KvOp => ({ client, input: { op: "append", key, value }, output: {}, call, ret });
  const get = (client: number, key: string, value: string | null, call: number, ret: number): KvOp => ({ client, input: { op: "get", key }, output: { value }, call, ret });
  /** A key that is slow to settle: n concurrent appends, and a read that wants the one order the search tries last. */
  const hardKey = (key: string, n = 11): KvOp[] => {
    const letters = "abcdefghijk".slice(0, n).split("");
    return [...letters.map((v, i) => append(i, key, v, 0, 100)), get(99, key, [...letters].reverse().join(""), 101, 102)];
  };
  /** A longer key with one stale read at the end. */
  const wrongKey = (key: string): KvOp[] => [...Array.from({ length: 20 }, (_, i) => put(50, key, `v${i}`, 10 * i, 10 * i + 5)), get(51, key, "v3", 300, 301)];

  it("a key that is plainly wrong ends the check, however hard another key is (the keys take turns)", () => {
    // The hard key comes first in the history and is smaller, so it is searched first.
    const r = checkLinearizability(kvModel, [...hardKey("hard"), ...wrongKey("wrong")], { budget: 200_000 });
    expect(r.verdict).toBe("not-linearizable");
    expect(r.failed!.label).toBe('key "wrong"');
    expect(r.statesExplored).toBeLessThan(5_000);
    expect(r.parts.map((p) => p.verdict)).toEqual(["unchecked", "not-linearizable"]);
  });

  it("a history whose only wrong key is hard gets unknown, naming the budget and the key", () => {
    const r = checkLinearizability(kvModel, [...hardKey("hard"), put(1, "easy", "x", 0, 1), get(2, "easy", "x", 2, 3)], { budget: 50_000 });
    expect(r.verdict).toBe("unknown");
    expect(r.explanation).toMatch(/^key "hard": search budget of 50000 steps used up/);
    expect(r.parts.map((p) => [p.label, p.verdict, p.stopped])).toEqual([
      ['key "hard"', "unknown", "steps"],
      ['key "easy"', "linearizable", null],
    ]);
  });

  it("the memory budget bounds what the search keeps, and running out of it answers unknown", () => {
    const history = hardKey("hard", 8);
    const r = checkLinearizability(kvModel, history, { memoryBudget: 2 * 2 ** 20 });
    expect(r.verdict).toBe("unknown");
    expect(r.parts[0]!.stopped).toBe("memory");
    expect(r.explanation).toContain("memory budget of 2 MiB used up");
    // The same search with room enough settles it.
    expect(checkLinearizability(kvModel, history).verdict).toBe("linearizable");
  });

  it("a part that runs out of memory leaves room for the others, which can still fail the history", () => {
    // Small enough that the hard key runs out in its first turn.
    const r = checkLinearizability(kvModel, [...hardKey("hard"), ...wrongKey("wrong")], { memoryBudget: 64 * 1024 });
    expect(r.verdict).toBe("not-linearizable");
    expect(r.parts.map((p) => [p.verdict, p.stopped])).toEqual([
      ["unknown", "memory"],
      ["not-linearizable", null],
    ]);
  });

  it("budgets count steps and bytes, not time: the same history gets the same answer every time", () => {
    const history = [...hardKey("a"), ...hardKey("b")];
    const once = checkLinearizability(kvModel, history, { budget: 30_000 });
    expect(checkLinearizability(kvModel, history, { budget: 30_000 })).toEqual(once);
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

  /**
   * Every linearizable prefix, tried directly: whether one places every op
   * with a known outcome, which ops some prefix places, the longest prefix,
   * and the latest return some prefix is blocked at (the checker's frontier).
   */
  function bruteForce(history: RegOp[]): { linearizable: boolean; placed: Set<number>; longest: number; frontier: number } {
    const n = history.length;
    const used = new Array<boolean>(n).fill(false);
    const placed = new Set<number>();
    let longest = 0;
    let frontier = -Infinity;
    let linearizable = false;
    const go = (state: RegisterValue, depth: number): void => {
      longest = Math.max(longest, depth);
      // Done when every op with a known outcome is placed.
      if (history.every((op, i) => used[i] || op.ret === Infinity)) {
        linearizable = true;
        return;
      }
      frontier = Math.max(frontier, Math.min(...history.filter((_, j) => !used[j]).map((o) => o.ret)));
      for (let i = 0; i < n; i++) {
        if (used[i]) continue;
        const op = history[i]!;
        // Real time: no unplaced known op may have returned before op was called.
        if (history.some((o, j) => !used[j] && j !== i && o.ret < op.call)) continue;
        const r = casRegisterModel.step(state, op.input, op.output);
        if (!r.ok) continue;
        used[i] = true;
        placed.add(i);
        go(r.state, depth + 1);
        used[i] = false;
      }
    };
    go(null, 0);
    return { linearizable, placed, longest, frontier };
  }

  it("on random small register histories", () => {
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 6 }), (specs) => {
        const history = specs.map(toOp);
        const expected = bruteForce(history).linearizable ? "linearizable" : "not-linearizable";
        expect(checkLinearizability(casRegisterModel, history).verdict).toBe(expected);
      }),
      { seed: 7, numRuns: 1500 },
    );
  });

  it("on what a failure shows: the longest prefix, the point no order gets past, the operations no order places", () => {
    let failures = 0;
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 6 }), (specs) => {
        const history = specs.map(toOp);
        const r = checkLinearizability(casRegisterModel, history);
        if (r.verdict !== "not-linearizable") return;
        failures++;
        const b = bruteForce(history);
        const p = r.failed!;
        expect(p.linearization).toHaveLength(b.longest);
        expect(p.frontier).toBe(b.frontier);
        const never = history.map((_, i) => i).filter((i) => !b.placed.has(i) && history[i]!.ret !== Infinity && history[i]!.call <= b.frontier);
        expect(p.unplaceable).toEqual(never);
        // The prefix itself is one: each op fits the model where it stands.
        let state: RegisterValue = null;
        for (const i of p.linearization) {
          const s = casRegisterModel.step(state, history[i]!.input, history[i]!.output);
          expect(s.ok).toBe(true);
          state = s.state;
        }
      }),
      { seed: 8, numRuns: 800 },
    );
    expect(failures).toBeGreaterThan(100);
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
        const r = checkLinearizability(casRegisterModel, history);
        expect(r.verdict).toBe("linearizable");
        // The linearization it returns is one: real time kept, every known result explained.
        const order = r.parts[0]!.linearization;
        expect(new Set(order.filter((i) => history[i]!.ret !== Infinity)).size).toBe(history.filter((o) => o.ret !== Infinity).length);
        let at: RegisterValue = null;
        order.forEach((i, k) => {
          const s = casRegisterModel.step(at, history[i]!.input, history[i]!.output);
          expect(s.ok).toBe(true);
          at = s.state;
          for (const later of order.slice(k + 1)) expect(history[later]!.ret < history[i]!.call).toBe(false);
        });
      }),
      { seed: 11, numRuns: 300 },
    );
  });
});
