// Sequential objects for the linearizability checker (linearizability.ts):
// what a register or a key-value store answers, operation by operation.
// Models with keys split a history per key (a history is linearizable exactly
// when each key's part is, Herlihy & Wing 1990), and then model one key's
// value: a string, a number or null, which is also its own cache key, so the
// checker compares states without serialising them.

import type { Model, Operation } from "./linearizability.ts";

export type RegisterValue = string | number | null;

/** A single register, as in Jepsen's etcd test: read, write, compare-and-set. */
export type CasInput = { op: "read" } | { op: "write"; value: RegisterValue } | { op: "cas"; from: RegisterValue; to: RegisterValue };
/** read → {value}; write → {}; cas → {ok}. */
export type CasOutput = { value?: RegisterValue; ok?: boolean };

const show = (v: unknown) => JSON.stringify(v ?? null);
const outcome = (out: { ok?: boolean } | undefined) => (out === undefined ? "?" : out.ok ? "ok" : "fail");

export const casRegisterModel: Model<RegisterValue, CasInput, CasOutput> = {
  init: () => null,
  step(state, input, output) {
    switch (input.op) {
      case "read":
        return { ok: output === undefined || (output.value ?? null) === state, state };
      case "write":
        return { ok: true, state: input.value };
      case "cas": {
        const matches = state === input.from;
        return { ok: output === undefined || output.ok === matches, state: matches ? input.to : state };
      }
    }
  },
  hash: (state) => state,
  describeOperation(input, out) {
    switch (input.op) {
      case "read":
        return `read() -> ${out === undefined ? "?" : show(out.value)}`;
      case "write":
        return `write(${show(input.value)})${out === undefined ? " -> ?" : ""}`;
      case "cas":
        return `cas(${show(input.from)}, ${show(input.to)}) -> ${outcome(out)}`;
    }
  },
  describeState: show,
};

export type Key = string | number;

/** One history per key, in the order keys first appear. */
export function partitionByKey<I extends { key: Key }, O>(ops: Operation<I, O>[]): Operation<I, O>[][] {
  const byKey = new Map<Key, Operation<I, O>[]>();
  for (const op of ops) {
    let part = byKey.get(op.input.key);
    if (!part) byKey.set(op.input.key, (part = []));
    part.push(op);
  }
  return [...byKey.values()];
}

const keyOfPart = (ops: readonly Operation<{ key: Key }, unknown>[]) => `key ${show(ops[0]?.input.key)}`;

/** Many independent registers, one per key (Jepsen's independent-key tests). */
export type KeyedCasInput = CasInput & { key: Key };

export const registersModel: Model<RegisterValue, KeyedCasInput, CasOutput> = {
  init: casRegisterModel.init,
  step: casRegisterModel.step,
  hash: casRegisterModel.hash,
  describeState: casRegisterModel.describeState,
  partition: partitionByKey,
  describePart: keyOfPart,
  describeOperation: (input, out) => casRegisterModel.describeOperation!(input, out).replace("(", `(${show(input.key)}${input.op === "read" ? "" : ", "}`),
};

/** A key-value store: the Raft KV exercise's operations. */
export type KvInput =
  | { op: "get"; key: string }
  | { op: "put"; key: string; value: string }
  | { op: "append"; key: string; value: string }
  | { op: "cas"; key: string; from: string | null; to: string };
/** get → {value}; cas → {ok}; put and append → {}. */
export type KvOutput = { value?: string | null; ok?: boolean };

/**
 * A key-value store, split per key; the state is one key's value. `missing`
 * is what a key holds before anything is written to it: null in the course's
 * store, "" in Porcupine's test store.
 */
export function keyValueModel(missing: string | null): Model<string | null, KvInput, KvOutput> {
  return {
    init: () => missing,
    step(state, input, output) {
      switch (input.op) {
        case "get":
          return { ok: output === undefined || (output.value ?? missing) === state, state };
        case "put":
          return { ok: true, state: input.value };
        case "append":
          return { ok: true, state: (state ?? "") + input.value };
        case "cas": {
          const matches = state === input.from;
          return { ok: output === undefined || output.ok === matches, state: matches ? input.to : state };
        }
      }
    },
    hash: (state) => state,
    partition: partitionByKey,
    describePart: keyOfPart,
    describeOperation(i, out) {
      const k = show(i.key);
      switch (i.op) {
        case "get":
          return `get(${k}) -> ${out === undefined ? "?" : show(out.value ?? missing)}`;
        case "put":
          return `put(${k}, ${show(i.value)})${out === undefined ? " -> ?" : ""}`;
        case "append":
          return `append(${k}, ${show(i.value)})${out === undefined ? " -> ?" : ""}`;
        case "cas":
          return `cas(${k}, ${show(i.from)}, ${show(i.to)}) -> ${outcome(out)}`;
      }
    },
    describeState: show,
  };
}

/** The course's key-value store: a missing key reads as null. */
export const kvModel = keyValueModel(null);
