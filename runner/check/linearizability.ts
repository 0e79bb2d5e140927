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
//   (e.g. one per key). Each part is searched on its own: far smaller searches.
//   The parts take turns (the smallest first, in slices that grow), so one
//   hard part cannot use up the budget before a plainly wrong part is reached,
//   and the first part found not linearizable ends the whole check.
//
// Operations whose outcome is unknown (Jepsen's :info, a client that crashed
// or timed out) have `output: undefined` and `ret: Infinity`: they may take
// effect at any point after their call, or never. The search never has to
// place them; it succeeds once every operation with a known outcome is placed.
//
// Budgets are counted, never timed, so a verdict replays: search steps, and
// the bytes the search keeps (its cache of visited pairs and the states it
// has met). Past either, the answer is "unknown", with the reason.
//
// The models (what a register or a key-value store answers) live in
// models.ts: this core only calls them. Pure: no I/O, no clocks.

import { Stream } from "../sim/random.ts";

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

/** What the cache compares states by: any primitive (strings and numbers are the usual). */
export type StateKey = string | number | boolean | bigint | null | undefined;

/**
 * A sequential object, in the shape of Porcupine's Model (init, step, equal,
 * describeOperation, describeState), typed.
 */
export interface Model<S, I, O> {
  init(): S;
  /**
   * Applies one operation to a state. `ok` says whether `output` is what the
   * sequential object would answer from `state`; with `output` undefined
   * (unknown outcome) any answer is acceptable. Must not mutate `state`.
   */
  step(state: S, input: I, output: O | undefined): { ok: boolean; state: S };
  /**
   * A key for the state cache. Equal states must give equal keys; different
   * states may share a key only when `equal` tells them apart.
   */
  hash(state: S): StateKey;
  /** Whether two states with the same hash are the same state (default: the hash says so). */
  equal?(a: S, b: S): boolean;
  /** Splits a history into parts that can be checked independently (e.g. per key). */
  partition?(ops: Operation<I, O>[]): Operation<I, O>[][];
  /** Names a part, e.g. `key "x"` (default: "part 2 of 5", or "the history" when there is one). */
  describePart?(ops: readonly Operation<I, O>[]): string;
  /** e.g. `get("x") -> "1"`; output undefined when the outcome is unknown. */
  describeOperation?(input: I, output: O | undefined): string;
  /** e.g. `"1"` (default: the hash). */
  describeState?(state: S): string;
}

export type Verdict = "linearizable" | "not-linearizable" | "unknown";

/** How far the search got in one part of the history. */
export interface PartResult<I, O> {
  /** e.g. `key "x"`. */
  label: string;
  /** This part's operations, in the order the history gave them. */
  ops: Operation<I, O>[];
  /** "unchecked": the check ended (another part failed) before this part was settled. */
  verdict: Verdict | "unchecked";
  /** Search steps spent on this part. */
  steps: number;
  /** For "unknown": which budget ran out. */
  stopped: "steps" | "memory" | null;
  /**
   * Indices into `ops`, in the order they take effect: for a linearizable
   * part a whole linearization; otherwise the longest linearizable prefix the
   * search found.
   */
  linearization: number[];
  /**
   * Not linearizable: the operation whose return the longest prefix could not
   * get past (it had returned, yet no order of the pending operations makes
   * its result fit).
   */
  stuck: number | null;
  /**
   * Not linearizable: operations with a known outcome that no linearizable
   * prefix places at all, among those called before `frontier`.
   */
  unplaceable: number[];
  /**
   * Not linearizable: the latest return the search reached but could not get
   * past, over every order it tried. Operations called after it were never
   * reached.
   */
  frontier: number | null;
}

export interface CheckResult<I = unknown, O = unknown> {
  verdict: Verdict;
  /**
   * In words: for not-linearizable, which part (e.g. the key), the longest
   * linearizable prefix found and the operation that could not be placed
   * after it; for unknown, which budget ran out where.
   */
  explanation: string;
  /** How many independent parts the history was checked as. */
  partitions: number;
  /** Search steps taken, over all parts. */
  statesExplored: number;
  /** Every part, in the order the model's partition gave them. */
  parts: PartResult<I, O>[];
  /** The part found not linearizable (the check stops at the first). */
  failed: PartResult<I, O> | null;
}

export interface CheckOptions {
  /** Maximum search steps, over all parts (default 5,000,000). */
  budget?: number;
  /** Maximum bytes the search keeps at once, over all parts (default 256 MiB). */
  memoryBudget?: number;
}

export const DEFAULT_BUDGET = 5_000_000;
export const DEFAULT_MEMORY_BUDGET = 256 * 1024 * 1024;

/** Steps a part runs in its first turn; each round doubles it, up to SLICE_MAX. */
const SLICE_FIRST = 1024;
const SLICE_MAX = 1 << 17;

/** Ops shown before the one that could not be placed. */
const PREFIX_SHOWN = 8;

export function checkLinearizability<S, I, O>(model: Model<S, I, O>, history: Operation<I, O>[], opts: CheckOptions = {}): CheckResult<I, O> {
  const budget = opts.budget ?? DEFAULT_BUDGET;
  const meter: Meter = { used: 0, limit: opts.memoryBudget ?? DEFAULT_MEMORY_BUDGET };
  for (const op of history) validate(op);
  const split = (model.partition ? model.partition(history) : [history]).filter((p) => p.length > 0);
  const parts: PartResult<I, O>[] = split.map((ops, i) => ({
    label: model.describePart ? model.describePart(ops) : split.length > 1 ? `part ${i + 1} of ${split.length}` : "the history",
    ops,
    verdict: "unchecked",
    steps: 0,
    stopped: null,
    linearization: [],
    stuck: null,
    unplaceable: [],
    frontier: null,
  }));
  // Smallest parts first: they settle fast, and a short wrong one ends the check early.
  let active = parts.map((_, i) => i).sort((a, b) => parts[a]!.ops.length - parts[b]!.ops.length || a - b);
  const searches = new Map<number, PartSearch<S, I, O>>();
  const settle = (i: number, verdict: Verdict, stopped: PartResult<I, O>["stopped"] = null) => {
    const search = searches.get(i);
    Object.assign(parts[i]!, { verdict, stopped }, search?.progress());
    search?.release();
    searches.delete(i);
  };
  let steps = 0;
  let failed: PartResult<I, O> | null = null;
  let slice = SLICE_FIRST;
  while (active.length > 0 && failed === null) {
    const still: number[] = [];
    for (const i of active) {
      const part = parts[i]!;
      if (failed !== null || !searches.has(i) && part.verdict !== "unchecked") continue;
      if (steps >= budget) {
        settle(i, "unknown", "steps");
        continue;
      }
      let search = searches.get(i);
      if (!search) searches.set(i, (search = new PartSearch(model, part.ops, meter)));
      let allowance = Math.min(slice, budget - steps);
      let r = search.run(allowance);
      for (;;) {
        steps += search.lastSteps;
        allowance -= search.lastSteps;
        if (r !== "starved") break;
        // Out of memory: give up on the part that holds the most, which may be another one.
        const [biggest] = [...searches].reduce((a, b) => (b[1].bytes > a[1].bytes ? b : a));
        settle(biggest, "unknown", "memory");
        if (biggest === i) break;
        r = search.run(allowance);
      }
      part.steps = search.steps;
      if (r === "running") still.push(i);
      else if (r === "linearizable") settle(i, "linearizable");
      else if (r === "not-linearizable") {
        settle(i, "not-linearizable");
        failed = part;
      }
    }
    active = still.filter((i) => searches.has(i));
    slice = Math.min(slice * 2, SLICE_MAX);
  }
  for (const s of searches.values()) s.release();
  const verdict: Verdict = failed ? "not-linearizable" : parts.some((p) => p.verdict === "unknown") ? "unknown" : "linearizable";
  const result: CheckResult<I, O> = { verdict, explanation: "", partitions: parts.length, statesExplored: steps, parts, failed };
  result.explanation = explain(model, result, { budget, memoryBudget: meter.limit });
  return result;
}

function validate(op: Operation<unknown, unknown>): void {
  if (!Number.isFinite(op.call)) throw new Error(`operation of client ${op.client} has call time ${op.call}: it must be a finite number`);
  if (!(op.ret >= op.call)) throw new Error(`operation of client ${op.client} returns (${op.ret}) before it is called (${op.call})`);
}

/** One operation in words: the model's description, who and when. */
export function describeOperation<S, I, O>(model: Model<S, I, O>, op: Operation<I, O>): string {
  return `client ${op.client}: ${operationText(model, op)}  (${op.ret === Infinity ? `called at ${op.call}, outcome unknown` : `called at ${op.call}, returned at ${op.ret}`})`;
}

/** The model's description of an operation (input and output), without who and when. */
export function operationText<S, I, O>(model: Model<S, I, O>, op: Operation<I, O>): string {
  return model.describeOperation ? model.describeOperation(op.input, op.output) : `${JSON.stringify(op.input)} -> ${op.output === undefined ? "?" : JSON.stringify(op.output)}`;
}

export function describeState<S, I, O>(model: Model<S, I, O>, state: S): string {
  return model.describeState ? model.describeState(state) : String(model.hash(state));
}

/** The model states after each operation of a part's linearization (or longest prefix), first the initial state. */
export function statesAlong<S, I, O>(model: Model<S, I, O>, part: PartResult<I, O>): S[] {
  const states = [model.init()];
  for (const i of part.linearization) {
    const op = part.ops[i]!;
    states.push(model.step(states.at(-1)!, op.input, op.output).state);
  }
  return states;
}

function explain<S, I, O>(model: Model<S, I, O>, r: CheckResult<I, O>, limits: { budget: number; memoryBudget: number }): string {
  const where = (p: PartResult<I, O>) => (r.partitions > 1 ? `${p.label}: ` : "");
  if (r.failed) return where(r.failed) + explainFailure(model, r.failed);
  if (r.verdict === "linearizable") return "";
  return r.parts
    .filter((p) => p.verdict === "unknown")
    .map((p) => {
      const placed = `${p.linearization.length} of ${p.ops.length} operations placed at best`;
      return (
        where(p) +
        (p.stopped === "memory"
          ? `memory budget of ${bytesText(limits.memoryBudget)} used up after ${p.steps} search steps, with ${placed} (the search remembers every state it visits; a larger --memory may settle it)`
          : `search budget of ${limits.budget} steps used up with ${placed} (a larger budget may settle it)`)
      );
    })
    .join("\n");
}

function bytesText(n: number): string {
  return n >= 2 ** 20 ? `${Math.round(n / 2 ** 20)} MiB` : `${Math.round(n / 1024)} KiB`;
}

function explainFailure<S, I, O>(model: Model<S, I, O>, p: PartResult<I, O>): string {
  const ops = p.ops;
  const isKnown = (i: number) => ops[i]!.ret !== Infinity;
  const known = ops.filter((op) => op.ret !== Infinity).length;
  const placedKnown = p.linearization.filter(isKnown).length;
  const unknownNote = p.linearization.length > placedKnown ? ` (plus ${p.linearization.length - placedKnown} with unknown outcome)` : "";
  const states = statesAlong(model, p);
  const lines = [
    `no order of these ${ops.length} operations respects both real time and the model.`,
    `The longest linearizable prefix found places ${placedKnown} of the ${known} completed operations${unknownNote}, leaving the state ${describeState(model, states.at(-1)!)}.`,
  ];
  if (p.linearization.length > 0) {
    lines.push(p.linearization.length > PREFIX_SHOWN ? `Its last ${PREFIX_SHOWN} operations:` : `Its operations:`);
    for (const i of p.linearization.slice(-PREFIX_SHOWN)) lines.push(`  ${describeOperation(model, ops[i]!)}`);
  }
  lines.push(`Then the search got stuck at this operation: it had returned, but no order of the operations still pending makes its result fit:`);
  lines.push(`  ${describeOperation(model, ops[p.stuck!]!)}`);
  const never = p.unplaceable.filter((i) => i !== p.stuck);
  if (never.length > 0) {
    lines.push(`No order at all places ${never.length === 1 ? "this operation" : `these ${never.length} operations`} either:`);
    for (const i of never.slice(0, PREFIX_SHOWN)) lines.push(`  ${describeOperation(model, ops[i]!)}`);
    if (never.length > PREFIX_SHOWN) lines.push(`  … and ${never.length - PREFIX_SHOWN} more`);
  }
  return lines.join("\n");
}

// ---------------------------------------------------------------------------
// The search over one part

/** Bytes the searches keep, against the memory budget (counted, not measured: verdicts replay). */
interface Meter {
  used: number;
  limit: number;
}

/** Rough bytes a distinct state costs the search besides its cache entries: a Map slot, the value (V8 keeps Latin-1 strings at a byte a character). */
function stateBytes(key: StateKey): number {
  if (typeof key !== "string") return 72;
  return 64 + (/[^\u0000-\u00ff]/.test(key) ? 2 : 1) * key.length;
}

/** The same random bits on every run: only the cache's speed depends on them, never its answers. */
const ZOBRIST = new Stream(20, "linearizability");

/**
 * One part's search as a resumable loop: `run(n)` takes up to n steps and
 * says whether it finished. Entries are numbered 1..2n in time order, with 0
 * and 2n+1 as head and tail sentinels, so the list needs no null checks.
 */
class PartSearch<S, I, O> {
  steps = 0;
  /** Steps taken by the last run(). */
  lastSteps = 0;
  private readonly n: number;
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private readonly opOf: Int32Array;
  private readonly isCall: Uint8Array;
  private readonly matchOf: Int32Array;
  /** The operations linearized so far: a bitset, and the XOR of their random words (Zobrist hashing). */
  private readonly bits: Int32Array;
  private setHash = 0;
  private readonly zobrist: Int32Array;
  private readonly visited: VisitedSet;
  /** Distinct states met, by id; the stack and the cache hold ids. */
  private readonly states: S[] = [];
  private readonly stateIds = new Map<StateKey, number | number[]>();
  private stateBytes = 0;
  private readonly stackEntry: Int32Array;
  private readonly stackState: Int32Array;
  private depth = 0;
  private state = 0;
  private entry: number;
  private remainingKnown: number;
  /** Ever placed by some linearizable prefix. */
  private readonly placed: Uint8Array;
  private best: number[] = [];
  private stuck = -1;
  private frontier = -Infinity;
  private outcome: "linearizable" | "not-linearizable" | null = null;
  private released = false;

  constructor(
    private readonly model: Model<S, I, O>,
    private readonly ops: readonly Operation<I, O>[],
    private readonly meter: Meter,
  ) {
    const n = (this.n = ops.length);
    // Calls sort before returns at equal times: operations that touch in time
    // count as concurrent, the permissive reading of an ambiguous timestamp.
    const events: { time: number; op: number; isCall: boolean }[] = [];
    for (let i = 0; i < n; i++) {
      events.push({ time: ops[i]!.call, op: i, isCall: true });
      events.push({ time: ops[i]!.ret, op: i, isCall: false });
    }
    events.sort((a, b) => a.time - b.time || (a.isCall === b.isCall ? a.op - b.op : a.isCall ? -1 : 1) || 0);
    this.next = new Int32Array(2 * n + 2);
    this.prev = new Int32Array(2 * n + 2);
    this.opOf = new Int32Array(2 * n + 2);
    this.isCall = new Uint8Array(2 * n + 2);
    this.matchOf = new Int32Array(2 * n + 2);
    const callEntry = new Int32Array(n);
    for (let e = 1; e <= 2 * n; e++) {
      const ev = events[e - 1]!;
      this.opOf[e] = ev.op;
      this.isCall[e] = ev.isCall ? 1 : 0;
      if (ev.isCall) callEntry[ev.op] = e;
      else this.matchOf[callEntry[ev.op]!] = e;
    }
    for (let e = 0; e <= 2 * n; e++) {
      this.next[e] = e + 1;
      this.prev[e + 1] = e;
    }
    const words = Math.max(1, Math.ceil(n / 32));
    this.bits = new Int32Array(words);
    this.zobrist = new Int32Array(n);
    for (let i = 0; i < n; i++) this.zobrist[i] = (ZOBRIST.next() * 4294967296) | 0;
    this.visited = new VisitedSet(words, meter);
    this.stackEntry = new Int32Array(n);
    this.stackState = new Int32Array(n);
    this.placed = new Uint8Array(n);
    this.meter.used += this.fixedBytes;
    this.state = this.intern(model.init())!;
    this.entry = this.next[0]!;
    this.remainingKnown = ops.filter((op) => op.ret !== Infinity).length;
    if (this.remainingKnown === 0) this.outcome = "linearizable";
  }

  /** The id of a state, or null when remembering a new one would break the memory budget. */
  private intern(s: S): number | null {
    const key = this.model.hash(s);
    const found = this.stateIds.get(key);
    const equal = this.model.equal;
    if (found !== undefined) {
      if (!equal) return found as number;
      for (const id of found as number[]) if (equal(this.states[id]!, s)) return id;
    }
    const cost = stateBytes(key);
    if (this.meter.used + cost > this.meter.limit) return null;
    this.meter.used += cost;
    this.stateBytes += cost;
    const id = this.states.length;
    this.states.push(s);
    if (!equal) this.stateIds.set(key, id);
    else if (found === undefined) this.stateIds.set(key, [id]);
    else (found as number[]).push(id);
    return id;
  }

  /**
   * Takes up to maxSteps steps. "starved": the next step needs memory the
   * budget has not got; once some is freed, run() takes that step again.
   */
  run(maxSteps: number): "linearizable" | "not-linearizable" | "starved" | "running" {
    const { next, prev, opOf, isCall, matchOf, bits, zobrist, ops, model, stackEntry, stackState, placed } = this;
    const start = this.steps;
    let entry = this.entry;
    const limit = start + maxSteps;
    let steps = start;
    let starved = false;
    while (this.outcome === null) {
      if (steps >= limit) break;
      steps++;
      // A completed operation's return is still listed, and the walk stops at the first return: the tail is out of reach.
      if (entry === 2 * this.n + 1) throw new Error("linearizability search walked past every return: this is a bug in the checker");
      if (isCall[entry]) {
        const i = opOf[entry]!;
        const op = ops[i]!;
        const r = model.step(this.states[this.state]!, op.input, op.output);
        if (r.ok) {
          const id = this.intern(r.state);
          if (id === null) {
            starved = true;
            steps--;
            break;
          }
          bits[i >> 5]! ^= 1 << (i & 31);
          const h = this.setHash ^ zobrist[i]!;
          const added = this.visited.add(h, id, bits);
          if (added === 1) {
            stackEntry[this.depth] = entry;
            stackState[this.depth] = this.state;
            this.depth++;
            this.state = id;
            this.setHash = h;
            placed[i] = 1;
            // Lift the call and its return out of the list.
            const m = matchOf[entry]!;
            next[prev[entry]!] = next[entry]!;
            prev[next[entry]!] = prev[entry]!;
            next[prev[m]!] = next[m]!;
            prev[next[m]!] = prev[m]!;
            if (op.ret !== Infinity && --this.remainingKnown === 0) this.outcome = "linearizable";
            entry = next[0]!;
            continue;
          }
          bits[i >> 5]! ^= 1 << (i & 31);
          if (added === -1) {
            starved = true;
            steps--;
            break;
          }
        }
        entry = next[entry]!;
      } else {
        // This operation returned, yet no order placed it before now: backtrack.
        const blocked = opOf[entry]!;
        if (ops[blocked]!.ret > this.frontier) this.frontier = ops[blocked]!.ret;
        if (this.depth > this.best.length || this.stuck < 0) {
          this.best = Array.from(stackEntry.subarray(0, this.depth), (e) => opOf[e]!);
          this.stuck = blocked;
        }
        if (this.depth === 0) {
          this.outcome = "not-linearizable";
          break;
        }
        this.depth--;
        const top = stackEntry[this.depth]!;
        const i = opOf[top]!;
        this.state = stackState[this.depth]!;
        bits[i >> 5]! ^= 1 << (i & 31);
        this.setHash ^= zobrist[i]!;
        // Put the call and its return back.
        const m = matchOf[top]!;
        prev[next[m]!] = m;
        next[prev[m]!] = m;
        prev[next[top]!] = top;
        next[prev[top]!] = top;
        if (ops[i]!.ret !== Infinity) this.remainingKnown++;
        entry = next[top]!;
      }
    }
    this.entry = entry;
    this.lastSteps = steps - start;
    this.steps = steps;
    return this.outcome ?? (starved ? "starved" : "running");
  }

  /** What the part's result records about the search so far. */
  progress(): Pick<PartResult<I, O>, "linearization" | "stuck" | "unplaceable" | "frontier"> {
    if (this.outcome === "linearizable") return { linearization: Array.from(this.stackEntry.subarray(0, this.depth), (e) => this.opOf[e]!), stuck: null, unplaceable: [], frontier: null };
    const deepest = this.depth > this.best.length ? Array.from(this.stackEntry.subarray(0, this.depth), (e) => this.opOf[e]!) : this.best;
    if (this.outcome !== "not-linearizable") return { linearization: deepest, stuck: null, unplaceable: [], frontier: null };
    const unplaceable: number[] = [];
    this.ops.forEach((op, i) => {
      if (!this.placed[i] && op.ret !== Infinity && op.call <= this.frontier) unplaceable.push(i);
    });
    return { linearization: deepest, stuck: this.stuck, unplaceable, frontier: this.frontier };
  }

  /** Bytes this search keeps. */
  get bytes(): number {
    return this.released ? 0 : this.visited.bytes + this.stateBytes + this.fixedBytes;
  }

  /** The event list, the stack and the marks: about 50 bytes an operation. */
  private get fixedBytes(): number {
    return 50 * this.n;
  }

  /** Gives the memory back to the budget (the part is settled or abandoned). */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.meter.used -= this.visited.release() + this.stateBytes + this.fixedBytes;
    this.states.length = 0;
    this.stateIds.clear();
  }
}

/**
 * The cache of visited (set of linearized operations, state) pairs: a hash
 * table with chaining over flat typed arrays, so each entry costs its bitset
 * and three words, and the bytes kept are known exactly.
 */
class VisitedSet {
  private heads = new Int32Array(1024).fill(-1);
  private chain = new Int32Array(1024);
  private hashes = new Int32Array(1024);
  private stateOf = new Int32Array(1024);
  private arena: Int32Array;
  private size = 0;
  bytes: number;

  constructor(
    private readonly words: number,
    private readonly meter: Meter,
  ) {
    this.arena = new Int32Array(1024 * words);
    this.bytes = 4 * (1024 * 4 + 1024 * words);
    meter.used += this.bytes;
  }

  /** 1: added; 0: already there; -1: no room within the memory budget. */
  add(setHash: number, state: number, bits: Int32Array): 1 | 0 | -1 {
    let h = setHash ^ Math.imul(state + 0x632be5ab, 0x9e3779b1);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h ^= h >>> 13;
    const words = this.words;
    for (let e = this.heads[h & (this.heads.length - 1)]!; e >= 0; e = this.chain[e]!) {
      if (this.hashes[e] !== h || this.stateOf[e] !== state) continue;
      let same = true;
      for (let w = 0, at = e * words; w < words; w++, at++) {
        if (this.arena[at] !== bits[w]) {
          same = false;
          break;
        }
      }
      if (same) return 0;
    }
    if (this.size === this.chain.length && !this.grow()) return -1;
    const e = this.size++;
    const b = h & (this.heads.length - 1);
    this.hashes[e] = h;
    this.stateOf[e] = state;
    this.arena.set(bits, e * words);
    this.chain[e] = this.heads[b]!;
    this.heads[b] = e;
    return 1;
  }

  /** Doubles every array (and rehashes); false when that would break the memory budget. */
  private grow(): boolean {
    const cap = this.chain.length * 2;
    const bytes = 4 * (cap * 4 + cap * this.words);
    // While copying, the old arrays and the new ones are alive together.
    if (this.meter.used + bytes > this.meter.limit) return false;
    const widen = (a: Int32Array, n: number) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.chain = widen(this.chain, cap);
    this.hashes = widen(this.hashes, cap);
    this.stateOf = widen(this.stateOf, cap);
    this.arena = widen(this.arena, cap * this.words);
    this.heads = new Int32Array(cap).fill(-1);
    for (let e = 0; e < this.size; e++) {
      const b = this.hashes[e]! & (cap - 1);
      this.chain[e] = this.heads[b]!;
      this.heads[b] = e;
    }
    this.meter.used += bytes - this.bytes;
    this.bytes = bytes;
    return true;
  }

  /** Drops everything; returns the bytes given back. */
  release(): number {
    const b = this.bytes;
    this.bytes = 0;
    this.heads = this.chain = this.hashes = this.stateOf = this.arena = new Int32Array(0);
    this.size = 0;
    return b;
  }
}
