// Generated key-value histories with the size and shape of Porcupine's c50
// test logs (50 clients, about 2,000 operations on 10 keys, mostly gets and
// appends), for tests and benchmarks: recorded histories may not be copied
// into the project, so we make our own. Deterministic for a seed; pure.
//
// Each client runs its operations one after another. Every operation takes
// effect at a random instant inside its call–return window, and its result is
// what a real store answers at that instant: so the history is linearizable by
// construction. `staleRead` then turns one late get into a read that misses
// every write: not linearizable.

import { Stream } from "../sim/random.ts";
import type { Operation } from "./linearizability.ts";
import type { KvInput, KvOutput } from "./models.ts";

export interface KvShape {
  clients: number;
  /** Operations per client. */
  opsPerClient: number;
  keys: number;
  /** Call–return windows, in ticks: most are 1..latency, one in `slowEvery` is up to `slowLatency`. */
  latency: number;
  slowEvery: number;
  slowLatency: number;
  /** An operation takes effect within this many ticks of its call (or before it returns). */
  reach: number;
  /** Longest pause between a client's operations, in ticks. */
  maxThink: number;
  /** What a missing key reads as: "" in Porcupine's store, null in the course's. */
  missing: string | null;
}

/** Porcupine's c50 files: 50 clients, about 2,000 operations, 10 keys. */
export const C50_SHAPE: KvShape = { clients: 50, opsPerClient: 40, keys: 10, latency: 20, slowEvery: 10, slowLatency: 200, reach: 5, maxThink: 1, missing: "" };

type KvOp = Operation<KvInput, KvOutput>;

/** A linearizable history of the given shape. */
export function linearizableKvHistory(seed: number, shape: KvShape = C50_SHAPE): KvOp[] {
  const rnd = new Stream(seed, "synthetic-kv-history");
  const ops: { op: KvOp; at: number }[] = [];
  for (let c = 0; c < shape.clients; c++) {
    let t = rnd.int(0, shape.maxThink);
    for (let i = 0; i < shape.opsPerClient; i++) {
      const key = String(rnd.int(0, shape.keys - 1));
      const r = rnd.next();
      // Porcupine's logs: about half appends, a little under half gets, a few puts.
      const value = `x ${c} ${i} y`;
      const input: KvInput = r < 0.46 ? { op: "get", key } : r < 0.95 ? { op: "append", key, value } : { op: "put", key, value };
      const call = t;
      const ret = call + rnd.int(1, rnd.int(1, shape.slowEvery) === 1 ? shape.slowLatency : shape.latency);
      // As in a replicated store, an operation mostly takes effect soon after it reaches the
      // leader; what makes a window long is mostly the reply. (Effects at half-ticks never
      // tie with a call or a return.)
      ops.push({ op: { client: c, input, output: undefined, call, ret }, at: call + Math.floor(Math.min(ret - call, shape.reach) * rnd.next()) + 0.5 });
      t = ret + rnd.int(1, shape.maxThink);
    }
  }
  const store = new Map<string, string>();
  for (const { op } of [...ops].sort((a, b) => a.at - b.at)) {
    const key = op.input.key;
    const current = store.get(key) ?? shape.missing;
    switch (op.input.op) {
      case "get":
        op.output = { value: current };
        break;
      case "put":
        store.set(key, op.input.value);
        op.output = {};
        break;
      case "append":
        store.set(key, (current ?? "") + op.input.value);
        op.output = {};
        break;
      case "cas":
        throw new Error("the generator makes no cas");
    }
  }
  return ops.map((o) => o.op).sort((a, b) => a.call - b.call);
}

/**
 * The same history with one get (drawn with the seed among those that come
 * after a completed write to their key) answered as if the key had never
 * been written: a stale read. Not linearizable, whatever order the search
 * tries, since every write leaves a value that is never empty.
 */
export function staleRead(history: readonly KvOp[], seed: number, missing: string | null = C50_SHAPE.missing): KvOp[] {
  const late = history.flatMap((get, g) => (get.input.op === "get" && history.some((w) => w.input.key === get.input.key && w.input.op !== "get" && w.ret < get.call) ? [g] : []));
  if (late.length === 0) throw new Error("no get in this history comes after a completed write");
  const g = new Stream(seed, "synthetic-stale-read").pick(late);
  return history.map((op, i) => (i === g ? { ...op, output: { value: missing } } : op));
}

/** The history as one of Porcupine's key-value logs (lines in time order, calls first at a tie). */
export function porcupineKvLog(history: readonly KvOp[]): string {
  const events: { t: number; call: boolean; line: string }[] = [];
  const edn = (v: string | null | undefined) => (v === null || v === undefined ? "nil" : JSON.stringify(v));
  for (const op of history) {
    const i = op.input;
    const f = `:f :${i.op}, :key ${edn(i.key)}`;
    const arg = i.op === "get" || i.op === "cas" ? "nil" : edn(i.value);
    events.push({ t: op.call, call: true, line: `{:process ${op.client}, :type :invoke, ${f}, :value ${arg}}` });
    if (op.ret !== Infinity) events.push({ t: op.ret, call: false, line: `{:process ${op.client}, :type :ok, ${f}, :value ${i.op === "get" ? edn(op.output?.value) : arg}}` });
  }
  return events
    .sort((a, b) => a.t - b.t || (a.call === b.call ? 0 : a.call ? -1 : 1))
    .map((e) => e.line)
    .join("\n");
}
