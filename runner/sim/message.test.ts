// Messages are values: taken as JSON-compatible plain data at the moment they
// are sent (a deep, frozen copy, each property read once; getters and proxies
// refused uncalled), rejected with the path of the offending part. The disk stores and hands out copies, never
// shared objects.

import { describe, expect, it } from "vitest";
import { MessageError, Simulation, type Ctx, type Node, type NodeFactory, type NodeId } from "./index.ts";
import { copyData, corrupt, frozenCopy, lastDataBytes, readData, takeData } from "./message.ts";
import { Hasher } from "./hash.ts";

interface Sender extends Node<unknown> {
  send(to: NodeId, msg: unknown): void;
  ctx: Ctx<unknown>;
}
const sender: NodeFactory = (ctx): Sender => ({ ctx, send: (to, msg) => ctx.send(to, msg), onMessage() {} });

function sim(opts: { maxMessageBytes?: number } = {}): Simulation {
  return new Simulation({ seed: 1, nodes: { n1: sender, n2: sender }, ...opts });
}

/** What sending `msg` from n1 in a handler called "reply" throws. */
function sendError(msg: unknown, opts: { maxMessageBytes?: number } = {}): MessageError {
  const s = sim(opts);
  try {
    s.call<Sender, void>("n1", "reply", (n) => n.send("n2", msg));
  } catch (e) {
    expect(e).toBeInstanceOf(MessageError);
    expect(s.error).toBe(e);
    return e as MessageError;
  }
  throw new Error(`sending ${String(msg)} was accepted`);
}

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

describe("a sent message", () => {
  it("is a copy taken when it is sent: what the sender does to its object afterwards changes nothing that was said", () => {
    const got: { entries: { cmd: { k: string } }[] }[] = [];
    const s = new Simulation({ seed: 1, nodes: { n1: sender, n2: () => ({ onMessage: (_f, m) => void got.push(m as never) }) } });
    const msg = { type: "append", entries: [{ term: 1, cmd: { k: "x" } }], meta: { n: 1 } };
    s.call<Sender, void>("n1", "reply", (n) => n.send("n2", msg));
    msg.entries[0]!.cmd.k = "changed later";
    msg.entries.push({ term: 2, cmd: { k: "y" } });
    s.run(50);
    expect(got).toEqual([{ type: "append", entries: [{ term: 1, cmd: { k: "x" } }], meta: { n: 1 } }]);
    expect(Object.isFrozen(msg)).toBe(false);
    const sent = s.trace.all().find((e) => e.k === "send") as { msg: unknown };
    expect(sent.msg).toEqual(got[0]);
  });

  it("arrives frozen all the way down: the receiver cannot change what the trace and the checkers hold", () => {
    const got: { entries: { cmd: { k: string } }[] }[] = [];
    const s = new Simulation({ seed: 1, nodes: { n1: sender, n2: () => ({ onMessage: (_f, m) => void got.push(m as never) }) } });
    s.call<Sender, void>("n1", "reply", (n) => n.send("n2", { entries: [{ cmd: { k: "x" } }] }));
    s.run(50);
    const m = got[0]!;
    expect(Object.isFrozen(m) && Object.isFrozen(m.entries) && Object.isFrozen(m.entries[0]!.cmd)).toBe(true);
    expect(() => {
      m.entries[0]!.cmd.k = "z";
    }).toThrow(TypeError);
  });

  it("refuses a getter, naming its path, without calling it", () => {
    let reads = 0;
    const liar = {
      vote: "yes",
      get granted() {
        return ++reads === 1;
      },
    };
    const e = sendError({ grants: [liar] });
    expect(e.path).toBe("msg.grants[0].granted");
    expect(e.message).toMatch(/is a getter/);
    expect(reads).toBe(0);
  });

  it("refuses a getter on an array element", () => {
    const arr = [1, 2];
    Object.defineProperty(arr, 1, { get: () => 3, enumerable: true });
    expect(sendError({ entries: arr }).path).toBe("msg.entries[1]");
  });

  it("refuses a proxy, naming its path, without running its traps", () => {
    let traps = 0;
    const shifty = new Proxy({ vote: "yes" }, { get: (t, k) => (traps++, Reflect.get(t, k)), ownKeys: (t) => (traps++, Reflect.ownKeys(t)) });
    const e = sendError({ ballot: shifty });
    expect(e.path).toBe("msg.ballot");
    expect(e.message).toMatch(/is a Proxy/);
    expect(traps).toBe(0);
  });

  it("leaves symbol-keyed and non-enumerable properties behind: they are not data", () => {
    const got: unknown[] = [];
    const s = new Simulation({ seed: 1, nodes: { n1: sender, n2: () => ({ onMessage: (_f, m) => void got.push(m) }) } });
    const msg: Record<string | symbol, unknown> = { a: 1, [Symbol("hidden")]: () => 1 };
    Object.defineProperty(msg, "secret", { value: 2, enumerable: false });
    s.call<Sender, void>("n1", "reply", (n) => n.send("n2", msg));
    s.run(50);
    expect(got).toEqual([{ a: 1 }]);
    expect(Object.getOwnPropertySymbols(got[0] as object)).toEqual([]);
  });

  it("is copied however deep it is nested, up to the depth limit", () => {
    const s = sim();
    let deep: unknown = { v: 1 };
    for (let i = 0; i < 150; i++) deep = i % 2 ? [deep] : { next: deep };
    s.call<Sender, void>("n1", "reply", (n) => n.send("n2", deep));
    expect(s.error).toBeNull();
    let tooDeep: unknown = { v: 1 };
    for (let i = 0; i < 300; i++) tooDeep = { next: tooDeep };
    const err = sendError(tooDeep);
    expect(err.message).toMatch(/is nested more than 200 levels deep/);
    expect(err.path.startsWith("msg.next.next")).toBe(true);
  });

  it("arrives as the same value that was sent", () => {
    const got: unknown[] = [];
    const sim2 = new Simulation({ seed: 1, nodes: { n1: sender, n2: () => ({ onMessage: (_f, m) => void got.push(m) }) } });
    const msg = { a: [1, "two", null, true, { b: -0.5 }], "odd key": "ok" };
    sim2.call<Sender, void>("n1", "reply", (n) => n.send("n2", msg));
    sim2.run(20);
    expect(got).toEqual([msg]);
    expect(sim2.error).toBeNull();
  });

  it("accepts every kind of JSON value, including objects without a prototype", () => {
    const bare = Object.assign(Object.create(null) as object, { a: 1 });
    const s = sim();
    for (const ok of [null, true, false, 0, -1.5, "", "text", [], {}, [[[]]], { a: { b: { c: [null] } } }, bare])
      s.call<Sender, void>("n1", "reply", (n) => n.send("n2", ok));
    expect(s.error).toBeNull();
  });
});

describe("a message that is not plain data", () => {
  const cases: [string, unknown, string, RegExp][] = [
    ["a function", { entries: [{ cmd: 1 }, { cmd: 2 }, { cmd: 3 }, { cmd: () => 1 }] }, "msg.entries[3].cmd", /is a function/],
    ["a Map", { index: new Map([["a", 1]]) }, "msg.index", /is a Map.*Object\.fromEntries/],
    ["a Set", { seen: new Set([1]) }, "msg.seen", /is a Set.*\[\.\.\.set\]/],
    ["a Date", { at: new Date(0) }, "msg.at", /is a Date.*number of ms/],
    ["a class instance", { where: new Point(1, 2) }, "msg.where", /is an instance of Point.*plain object/],
    ["NaN", { votes: [1, NaN] }, "msg.votes[1]", /is NaN/],
    ["Infinity", { timeout: Infinity }, "msg.timeout", /is Infinity/],
    ["-Infinity", [-Infinity], "msg[0]", /is -Infinity/],
    ["undefined in an array", { log: [1, undefined, 3] }, "msg.log[1]", /is undefined.*null/],
    ["an undefined property", { term: 3, leader: undefined }, "msg.leader", /is undefined.*leave the field out/],
    ["a hole in a sparse array", { log: [1, , 3] }, "msg.log[1]", /is a hole in a sparse array/],
    ["a bigint", { big: 10n }, "msg.big", /is a bigint/],
    ["a Promise", { later: Promise.resolve(1) }, "msg.later", /is a Promise/],
    ["a symbol", { s: Symbol("x") }, "msg.s", /is a symbol/],
    ["a typed array", { bytes: new Uint8Array(2) }, "msg.bytes", /is an instance of Uint8Array/],
    ["a key that is not an identifier", { "peer-id": () => 0 }, 'msg["peer-id"]', /is a function/],
    ["undefined itself", undefined, "msg", /is undefined/],
  ];
  for (const [what, msg, path, problem] of cases) {
    it(`is rejected naming the path: ${what}`, () => {
      const err = sendError(msg);
      expect(err.path).toBe(path);
      expect(err.message.startsWith(`${path} `)).toBe(true);
      expect(err.message).toMatch(problem);
      // …and where it happened.
      expect(err.message).toContain("(in reply on n1 at t=0 ms)");
      expect(err.where).toEqual({ node: "n1", handler: "reply", time: 0 });
    });
  }

  it("is rejected when it contains a cycle", () => {
    const parent: Record<string, unknown> = { name: "root", children: [] };
    (parent["children"] as unknown[]).push({ name: "kid", parent });
    const err = sendError(parent);
    expect(err.path).toBe("msg.children[0].parent");
    expect(err.message).toMatch(/refers back to itself \(a cycle\)/);
  });

  it("may share a sub-object that is not a cycle", () => {
    const shared = { k: 1 };
    const s = sim();
    s.call<Sender, void>("n1", "reply", (n) => n.send("n2", { a: shared, b: shared, c: [shared, shared] }));
    expect(s.error).toBeNull();
  });

  it("is rejected when larger than maxMessageBytes, and accepted when under", () => {
    const err = sendError({ blob: "x".repeat(200) }, { maxMessageBytes: 100 });
    expect(err.path).toBe("msg");
    expect(err.message).toMatch(/is larger than 100 bytes/);
    expect(err.message).toMatch(/split it/);
    const s = sim({ maxMessageBytes: 100 });
    s.call<Sender, void>("n1", "reply", (n) => n.send("n2", { blob: "x".repeat(50) }));
    expect(s.error).toBeNull();
    // Many small parts add up too.
    expect(sendError(Array.from({ length: 30 }, () => 12345), { maxMessageBytes: 100 }).message).toMatch(/larger than 100 bytes/);
  });

  it("is rejected in a handler during a run, with the run stopped", () => {
    const s = new Simulation({
      seed: 1,
      nodes: { n1: (ctx) => ({ onStart: () => ctx.setTimer("t", 30), onTimer: () => ctx.send("n2", { when: new Date(5) }), onMessage() {} }), n2: sender },
    });
    expect(() => s.run(100)).toThrow(MessageError);
    expect(s.error!.message).toContain("msg.when is a Date (in onTimer on n1 at t=30 ms)");
  });

  it("applies to outputs too", () => {
    const s = new Simulation({ seed: 1, nodes: { n1: (ctx) => ({ onStart: () => ctx.output({ decided: new Set([1]) }), onMessage() {} }) } });
    expect(() => s.run(1)).toThrow(MessageError);
    expect((s.error as MessageError).path).toBe("output.decided");
  });
});

describe("takeData", () => {
  it("is not confused by an earlier check that stopped half-way (a getter refused deep inside)", () => {
    const s = sim();
    // Deep (but legal) nesting first, so a checker with a shortcut for simple
    // messages takes its careful path before it reaches the getter.
    let deep: unknown = [];
    for (let i = 0; i < 100; i++) deep = [deep];
    const booby = {
      deep,
      entries: [
        {
          get cmd(): number {
            throw new Error("getter failed");
          },
        },
      ],
    };
    // The getter is refused, never called.
    expect(() => s.call<Sender, void>("n1", "reply", (n) => n.send("n2", booby))).toThrow(/msg\.entries\[0\]\.cmd is a getter/);
    // A later, unrelated message is judged on its own: right path, no phantom cycle.
    expect(sendError({ bad: () => 1 }).path).toBe("msg.bad");
    const s2 = sim();
    s2.call<Sender, void>("n1", "reply", (n) => n.send("n2", { entries: [{ cmd: 1 }] }));
    expect(s2.error).toBeNull();
    takeData({ a: [1, "x"] }, "v", null, 1e9, {});
    expect(lastDataBytes()).toBeGreaterThan(0);
  });

  it("hashes equal values equally and different values differently", () => {
    const h = (v: unknown) => {
      const x = new Hasher();
      takeData(v, "msg", x, 1e9, {});
      return x.hex();
    };
    expect(h({ a: [1, 2], b: "x" })).toBe(h({ a: [1, 2], b: "x" }));
    const variants = [{ a: [1, 2], b: "x" }, { a: [2, 1], b: "x" }, { a: [1, 2], b: "y" }, { a: [1, 2, 3], b: "x" }, { a: [1, 2], c: "x" }, { a: ["1", 2], b: "x" }, { a: [1, 2], b: "x", c: null }, [1, 2], [[1], 2], [1, [2]], 0.1, 0.2, true, false, null];
    expect(new Set(variants.map(h)).size).toBe(variants.length);
  });

  it("copies a key named __proto__ as a key like any other: the copy keeps a plain prototype, and its hash sees the key", () => {
    const sneaky = JSON.parse('{"__proto__": {"type": "suspect", "node": "n2"}}') as Record<string, unknown>;
    const hashOf = (v: unknown) => {
      const x = new Hasher();
      takeData(v, "output", x, 1e9, {});
      return x.hex();
    };
    for (const take of [(v: unknown) => takeData(v, "output", null, 1e9, {}), (v: unknown) => readData(v, "result", 1e9, {}), copyData, frozenCopy]) {
      const c = take(sneaky) as Record<string, unknown>;
      expect(Object.getPrototypeOf(c)).toBe(Object.prototype);
      expect(Object.keys(c)).toEqual(["__proto__"]);
      expect(c["type"]).toBeUndefined();
      expect(JSON.stringify(c)).toBe('{"__proto__":{"type":"suspect","node":"n2"}}');
    }
    expect(hashOf(sneaky)).not.toBe(hashOf({}));
  });

  it("returns a frozen copy and leaves the value it was given alone", () => {
    const v = { a: [1] };
    const c = takeData(v, "x", null, 1e9, {}) as typeof v;
    expect(c).toEqual(v);
    expect(c).not.toBe(v);
    expect(Object.isFrozen(v)).toBe(false);
    expect(Object.isFrozen(c) && Object.isFrozen(c.a)).toBe(true);
  });
});

describe("copies", () => {
  it("copyData makes a deep, unfrozen copy; frozenCopy a deep, frozen one", () => {
    const v = { a: [1, { b: "c" }] };
    const c = copyData(frozenCopy(v));
    expect(c).toEqual(v);
    expect(Object.isFrozen(c) || Object.isFrozen(c.a) || Object.isFrozen(c.a[1])).toBe(false);
    const f = frozenCopy(v);
    expect(f).toEqual(v);
    expect(f).not.toBe(v);
    expect(Object.isFrozen(f) && Object.isFrozen(f.a) && Object.isFrozen(f.a[1])).toBe(true);
    expect(Object.isFrozen(v)).toBe(false);
  });

  it("corrupt changes exactly one leaf and leaves the input alone", () => {
    const v = frozenCopy({ s: "abc", n: 7, f: 1.5, b: true, xs: [1, 2] });
    let k = 0;
    const picks = (n: number) => k++ % n;
    for (let i = 0; i < 20; i++) {
      const c = corrupt(v, picks);
      expect(c).not.toEqual(v);
      const diff = (Object.keys(v) as (keyof typeof v)[]).filter((key) => JSON.stringify(c[key]) !== JSON.stringify(v[key]));
      expect(diff).toHaveLength(1);
    }
    expect(v).toEqual({ s: "abc", n: 7, f: 1.5, b: true, xs: [1, 2] });
    expect(corrupt({ empty: [] }, picks)).toEqual({ empty: [] });
  });
});

describe("the disk", () => {
  interface DiskNode extends Node<unknown> {
    ctx: Ctx<unknown>;
  }
  const diskNode: NodeFactory = (ctx): DiskNode => ({ ctx, onMessage() {} });

  it("set stores a copy: changing the object afterwards does not change the disk, and the object stays the node's (unfrozen)", () => {
    const s = new Simulation({ seed: 1, nodes: { n1: diskNode } });
    const state = { term: 1, log: [{ cmd: "a" }] };
    s.call<DiskNode, void>("n1", "save", (n) => n.ctx.disk.set("state", state));
    expect(Object.isFrozen(state)).toBe(false);
    state.term = 2;
    state.log.push({ cmd: "b" });
    expect(s.disk("n1").get("state")).toEqual({ term: 1, log: [{ cmd: "a" }] });
  });

  it("get returns a fresh copy: changing what you read does not change the disk", () => {
    const s = new Simulation({ seed: 1, nodes: { n1: diskNode } });
    s.call<DiskNode, void>("n1", "save", (n) => n.ctx.disk.set("state", { term: 1, log: [{ cmd: "a" }] }));
    const read = s.call<DiskNode, { term: number; log: { cmd: string }[] }>("n1", "load", (n) => n.ctx.disk.get("state")!);
    read.term = 99;
    read.log[0]!.cmd = "changed";
    read.log.push({ cmd: "more" });
    const again = s.call<DiskNode, unknown>("n1", "load", (n) => n.ctx.disk.get("state"));
    expect(again).toEqual({ term: 1, log: [{ cmd: "a" }] });
    expect(again).not.toBe(read);
  });

  it("stores primitives and reports missing keys as undefined", () => {
    const s = new Simulation({ seed: 1, nodes: { n1: diskNode } });
    const d = s.disk("n1");
    d.set("n", 3);
    d.set("s", "x");
    d.set("z", null);
    expect([d.get("n"), d.get("s"), d.get("z"), d.get("missing")]).toEqual([3, "x", null, undefined]);
    expect(d.keys()).toEqual(["n", "s", "z"]);
  });

  it("rejects values that are not plain data, naming the key and the path", () => {
    const s = new Simulation({ seed: 1, nodes: { n1: diskNode } });
    let err: unknown;
    try {
      s.call<DiskNode, void>("n1", "persist", (n) => n.ctx.disk.set("log", { entries: [{ at: new Date(0) }] }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MessageError);
    expect((err as MessageError).path).toBe(`disk.set("log", value): value.entries[0].at`);
    expect((err as MessageError).message).toContain("in persist on n1");
  });
});

