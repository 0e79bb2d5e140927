// Linearizability checking (Herlihy & Wing 1990): is there a single order of
// the operations that (a) respects real time — an operation that returned
// before another was called comes first — and (b) makes every result the one a
// sequential object (the model) would give?
//
// The search is the Wing–Gong algorithm (1993) with Lowe's improvements
// ("Testing for linearizability", 2017), the approach Porcupine takes:
//
// - Events (calls and returns) sit in one doubly-linked list in time order.
//   The search walks it from the front, trying to linearize each call it meets
//   (apply it to the model and "lift" it out of the list). Meeting a return
//   means that operation should already have been placed: backtrack.
// - State caching: the pair (set of operations linearized, model state) is
//   remembered; reaching the same pair twice by a different order cannot
//   succeed where the first visit failed, so it is pruned.
// - P-compositionality: a model may split a history into independent parts
//   (e.g. one per key). Each part is checked on its own: far smaller searches.
//
// Operations whose outcome is unknown (Jepsen's :info, a client that crashed
// or timed out) have `output: undefined` and `ret: Infinity`: they may take
// effect at any point after their call, or never. The search never has to
// place them; it succeeds once every operation with a known outcome is placed.
//
// The search is bounded by a step count (not wall-clock time, so the verdict
// is deterministic): past the budget the answer is "unknown".
//
// Pure: no I/O, no clocks.

export interface Operation<I, O> {
  client: string | number;
  input: I;
  /** undefined = the outcome is unknown (Jepsen :info, or it never returned). */
  output: O | undefined;
  /** When the operation was invoked. */
  call: number;
  /** When it returned; Infinity when its outcome is unknown. */
  ret: number;
}

export interface Model<S, I, O> {
  init(): S;
  /**
   * Applies one operation to a state. `ok` says whether `output` is what the
   * sequential object would answer from `state`; with `output` undefined
   * (unknown outcome) any answer is acceptable. Must not mutate `state`.
   */
  step(state: S, input: I, output: O | undefined): { ok: boolean; state: S };
  /** Equal states must hash equal (this is what the cache compares). */
  hash(state: S): string;
  /** Splits a history into parts that can be checked independently (e.g. per key). */
  partition?(ops: Operation<I, O>[]): Operation<I, O>[][];
  describe?(op: Operation<I, O>): string;
}

export type Verdict = "linearizable" | "not-linearizable" | "unknown";

export interface CheckResult {
  verdict: Verdict;
  /**
   * For not-linearizable: which part of the history (e.g. the key), the
   * longest linearizable prefix the search found, and the operation that
   * could not be placed after it. For unknown: where the budget ran out.
   */
  explanation: string;
  /** How many independent parts the history was checked as. */
  partitions: number;
  /** Search steps taken, over all parts. */
  statesExplored: number;
}

export interface CheckOptions {
  /** Maximum search steps per partition (default 5,000,000). */
  budget?: number;
}

export const DEFAULT_BUDGET = 5_000_000;

/** Ops shown before the one that could not be placed. */
const PREFIX_SHOWN = 8;

export function checkLinearizability<S, I, O>(model: Model<S, I, O>, history: Operation<I, O>[], opts: CheckOptions = {}): CheckResult {
  const budget = opts.budget ?? DEFAULT_BUDGET;
  for (const op of history) validate(op);
  const parts = (model.partition ? model.partition(history) : [history]).filter((p) => p.length > 0);
  let steps = 0;
  const unknownParts: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const r = searchPartition(model, part, budget);
    steps += r.steps;
    const where = parts.length > 1 ? `${partitionLabel(part, i, parts.length)}: ` : "";
    if (r.kind === "fail") {
      return { verdict: "not-linearizable", explanation: where + r.explanation, partitions: parts.length, statesExplored: steps };
    }
    if (r.kind === "budget") unknownParts.push(where + r.explanation);
  }
  if (unknownParts.length > 0) {
    return { verdict: "unknown", explanation: unknownParts.join("\n"), partitions: parts.length, statesExplored: steps };
  }
  return { verdict: "linearizable", explanation: "", partitions: parts.length, statesExplored: steps };
}

function validate(op: Operation<unknown, unknown>): void {
  if (!Number.isFinite(op.call)) throw new Error(`operation of client ${op.client} has call time ${op.call}: it must be a finite number`);
  if (!(op.ret >= op.call)) throw new Error(`operation of client ${op.client} returns (${op.ret}) before it is called (${op.call})`);
}

function partitionLabel(part: Operation<unknown, unknown>[], index: number, count: number): string {
  const key = (part[0]!.input as { key?: unknown } | null)?.key;
  const sameKey = key !== undefined && part.every((op) => (op.input as { key?: unknown } | null)?.key === key);
  return sameKey ? `key ${JSON.stringify(key)}` : `part ${index + 1} of ${count}`;
}

export function describeOperation<I, O>(model: Model<unknown, I, O>, op: Operation<I, O>): string {
  const what = model.describe ? model.describe(op) : `${JSON.stringify(op.input)} -> ${op.output === undefined ? "?" : JSON.stringify(op.output)}`;
  const when = op.ret === Infinity ? `called at ${op.call}, outcome unknown` : `called at ${op.call}, returned at ${op.ret}`;
  return `client ${op.client}: ${what}  (${when})`;
}

type PartResult = { kind: "ok"; steps: number } | { kind: "fail" | "budget"; steps: number; explanation: string };

/**
 * The search over one partition. Entries are numbered 1..2n in time order,
 * with 0 and 2n+1 as head and tail sentinels, so the list needs no null checks.
 */
function searchPartition<S, I, O>(model: Model<S, I, O>, ops: Operation<I, O>[], budget: number): PartResult {
  const n = ops.length;
  // Calls sort before returns at equal times: operations that touch in time
  // count as concurrent, the permissive reading of an ambiguous timestamp.
  const events: { time: number; op: number; isCall: boolean }[] = [];
  for (let i = 0; i < n; i++) {
    events.push({ time: ops[i]!.call, op: i, isCall: true });
    events.push({ time: ops[i]!.ret, op: i, isCall: false });
  }
  events.sort((a, b) => a.time - b.time || (a.isCall === b.isCall ? a.op - b.op : a.isCall ? -1 : 1) || 0);

  const HEAD = 0;
  const TAIL = 2 * n + 1;
  const next = new Int32Array(2 * n + 2);
  const prev = new Int32Array(2 * n + 2);
  const opOf = new Int32Array(2 * n + 2);
  const isCall = new Uint8Array(2 * n + 2);
  const matchOf = new Int32Array(2 * n + 2); // call entry -> its return entry
  const callEntry = new Int32Array(n);
  for (let e = 1; e <= 2 * n; e++) {
    const ev = events[e - 1]!;
    opOf[e] = ev.op;
    isCall[e] = ev.isCall ? 1 : 0;
    if (ev.isCall) callEntry[ev.op] = e;
    else matchOf[callEntry[ev.op]!] = e;
  }
  for (let e = 0; e <= 2 * n; e++) {
    next[e] = e + 1;
    prev[e + 1] = e;
  }
  const lift = (e: number) => {
    next[prev[e]!] = next[e]!;
    prev[next[e]!] = prev[e]!;
    const m = matchOf[e]!;
    next[prev[m]!] = next[m]!;
    prev[next[m]!] = prev[m]!;
  };
  const unlift = (e: number) => {
    const m = matchOf[e]!;
    prev[next[m]!] = m;
    next[prev[m]!] = m;
    prev[next[e]!] = e;
    next[prev[e]!] = e;
  };

  // The set of linearized operations as 16-bit words, turned into a short
  // string for the cache key.
  const words = new Uint16Array(Math.max(1, Math.ceil(n / 16)));
  const flip = (op: number) => {
    words[op >> 4]! ^= 1 << (op & 15);
  };
  const setKey = (): string => {
    let s = "";
    for (let i = 0; i < words.length; i += 4096) s += String.fromCharCode.apply(null, words.subarray(i, i + 4096) as unknown as number[]);
    return s;
  };

  const cache = new Set<string>();
  const stack: { entry: number; state: S }[] = [];
  let state = model.init();
  let remainingKnown = ops.filter((op) => op.ret !== Infinity).length;
  let steps = 0;
  // The deepest point the search reached, for the explanation.
  let best: { placed: number[]; blocked: number; state: S } | null = null;

  let entry = next[HEAD]!;
  while (remainingKnown > 0) {
    if (++steps > budget) {
      return { kind: "budget", steps, explanation: `search budget of ${budget} steps used up with ${Math.max(best?.placed.length ?? 0, stack.length)} of ${n} operations placed at best (a larger budget may settle it)` };
    }
    // A completed operation's return is still listed, and the walk stops at the first return: the tail is out of reach.
    if (entry === TAIL) throw new Error("linearizability search walked past every return: this is a bug in the checker");
    if (isCall[entry]) {
      const op = ops[opOf[entry]!]!;
      const r = model.step(state, op.input, op.output);
      if (r.ok) {
        flip(opOf[entry]!);
        const key = setKey() + "\u0000" + model.hash(r.state);
        if (!cache.has(key)) {
          cache.add(key);
          stack.push({ entry, state });
          state = r.state;
          lift(entry);
          if (op.ret !== Infinity) remainingKnown--;
          entry = next[HEAD]!;
          continue;
        }
        flip(opOf[entry]!);
      }
      entry = next[entry]!;
    } else {
      // This operation returned, yet no order placed it before now.
      if (best === null || stack.length > best.placed.length) best = { placed: stack.map((s) => opOf[s.entry]!), blocked: opOf[entry]!, state };
      const top = stack.pop();
      if (top === undefined) return { kind: "fail", steps, explanation: explainFailure(model, ops, best) };
      state = top.state;
      flip(opOf[top.entry]!);
      unlift(top.entry);
      if (ops[opOf[top.entry]!]!.ret !== Infinity) remainingKnown++;
      entry = next[top.entry]!;
    }
  }
  return { kind: "ok", steps };
}

function explainFailure<S, I, O>(model: Model<S, I, O>, ops: Operation<I, O>[], best: { placed: number[]; blocked: number; state: S }): string {
  const m = model as unknown as Model<unknown, I, O>;
  const isKnown = (op: Operation<I, O>) => op.ret !== Infinity;
  const known = ops.filter(isKnown).length;
  const placedKnown = best.placed.filter((i) => isKnown(ops[i]!)).length;
  const unknownNote = best.placed.length > placedKnown ? ` (plus ${best.placed.length - placedKnown} with unknown outcome)` : "";
  const lines = [
    `no order of these ${ops.length} operations respects both real time and the model.`,
    `The longest linearizable prefix found places ${placedKnown} of the ${known} completed operations${unknownNote}, leaving the state ${model.hash(best.state)}.`,
  ];
  if (best.placed.length > 0) {
    lines.push(best.placed.length > PREFIX_SHOWN ? `Its last ${PREFIX_SHOWN} operations:` : `Its operations:`);
    for (const i of best.placed.slice(-PREFIX_SHOWN)) lines.push(`  ${describeOperation(m, ops[i]!)}`);
  }
  lines.push(`Then the search got stuck at this operation: it had returned, but no order of the operations still pending makes its result fit:`);
  lines.push(`  ${describeOperation(m, ops[best.blocked]!)}`);
  return lines.join("\n");
}

// ---------------------------------------------------------------------------
// Models

export type RegisterValue = string | number | null;

/** A single register, as in Jepsen's etcd test: read, write, compare-and-set. */
export type CasInput = { op: "read" } | { op: "write"; value: RegisterValue } | { op: "cas"; from: RegisterValue; to: RegisterValue };
/** read → {value}; write → {}; cas → {ok}. */
export type CasOutput = { value?: RegisterValue; ok?: boolean };

export const casRegisterModel: Model<RegisterValue, CasInput, CasOutput> = {
  init: () => null,
  step(state, input, output) {
    switch (input.op) {
      case "read":
        return { ok: output === undefined || output.value === state, state };
      case "write":
        return { ok: true, state: input.value };
      case "cas": {
        const matches = state === input.from;
        return { ok: output === undefined || output.ok === matches, state: matches ? input.to : state };
      }
    }
  },
  hash: (state) => JSON.stringify(state),
  describe(op) {
    const out = op.output;
    switch (op.input.op) {
      case "read":
        return `read() -> ${out === undefined ? "?" : JSON.stringify(out.value ?? null)}`;
      case "write":
        return `write(${JSON.stringify(op.input.value)})${out === undefined ? " -> ?" : ""}`;
      case "cas":
        return `cas(${JSON.stringify(op.input.from)}, ${JSON.stringify(op.input.to)}) -> ${out === undefined ? "?" : out.ok ? "ok" : "fail"}`;
    }
  },
};

/** A key-value store: the Raft KV exercise's operations. A missing key reads as null. */
export type KvInput =
  | { op: "get"; key: string }
  | { op: "put"; key: string; value: string }
  | { op: "append"; key: string; value: string }
  | { op: "cas"; key: string; from: string | null; to: string };
/** get → {value}; cas → {ok}; put and append → {}. */
export type KvOutput = { value?: string | null; ok?: boolean };
/** Values by key (after partitioning, each part holds one key). */
export type KvState = Readonly<Record<string, string>>;

export const kvModel: Model<KvState, KvInput, KvOutput> = {
  init: () => ({}),
  step(state, input, output) {
    const current = Object.prototype.hasOwnProperty.call(state, input.key) ? state[input.key]! : null;
    switch (input.op) {
      case "get":
        return { ok: output === undefined || (output.value ?? null) === current, state };
      case "put":
        return { ok: true, state: { ...state, [input.key]: input.value } };
      case "append":
        return { ok: true, state: { ...state, [input.key]: (current ?? "") + input.value } };
      case "cas": {
        const matches = current === input.from;
        return { ok: output === undefined || output.ok === matches, state: matches ? { ...state, [input.key]: input.to } : state };
      }
    }
  },
  hash: (state) => JSON.stringify(Object.keys(state).sort().map((k) => [k, state[k]])),
  partition(ops) {
    const byKey = new Map<string, Operation<KvInput, KvOutput>[]>();
    for (const op of ops) {
      let part = byKey.get(op.input.key);
      if (!part) byKey.set(op.input.key, (part = []));
      part.push(op);
    }
    return [...byKey.values()];
  },
  describe(op) {
    const i = op.input;
    const out = op.output;
    const k = JSON.stringify(i.key);
    switch (i.op) {
      case "get":
        return `get(${k}) -> ${out === undefined ? "?" : JSON.stringify(out.value ?? null)}`;
      case "put":
        return `put(${k}, ${JSON.stringify(i.value)})${out === undefined ? " -> ?" : ""}`;
      case "append":
        return `append(${k}, ${JSON.stringify(i.value)})${out === undefined ? " -> ?" : ""}`;
      case "cas":
        return `cas(${k}, ${JSON.stringify(i.from)}, ${JSON.stringify(i.to)}) -> ${out === undefined ? "?" : out.ok ? "ok" : "fail"}`;
    }
  },
};
