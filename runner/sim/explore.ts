// Exhaustive search: breadth-first exploration of every reachable state of a
// small transition system, the way an explicit-state model checker (TLC) does
// it. Random testing samples interleavings; this enumerates them, so the one
// ordering that breaks a protocol cannot hide. Pure and deterministic: no I/O,
// no wall-clock time. Budgets are counted in states and depth, never seconds,
// so the same model and budget always give the same report.
//
// The core works on any model `{init, next, hash}`. `exploreCluster.ts` adapts
// a small cluster of learner nodes to it; `tlaCommit.ts` holds two of Lamport's
// TLA+ specifications as models, whose TLC state counts the unit tests check.

export interface Model<S> {
  /** The initial states. */
  init(): readonly S[];
  /** Every enabled step from `s`: a readable label and the state it leads to. */
  next(s: S): Iterable<readonly [label: string, next: S]>;
  /** A canonical fingerprint: two states with the same hash are the same state. */
  hash(s: S): string;
}

/** What an invariant found wrong: the property that broke (in words), and how. */
export interface Finding {
  property: string;
  details: string;
}

/**
 * A property that must hold in every reachable state. `check` returns true
 * (holds), or what is wrong: a Finding, or just the details (the property is
 * then the invariant's name). An invariant that watches several properties
 * says which one broke with a Finding.
 */
export interface Invariant<S> {
  name: string;
  check(s: S): true | string | Finding;
}

export interface ExploreBudget {
  /** Do not expand states at this depth (TLC depth: the initial states are at depth 1). */
  maxDepth?: number;
  /** Stop once this many distinct states have been found. */
  maxStates?: number;
}

export interface ExploreOptions<S> extends ExploreBudget {
  invariants?: readonly Invariant<S>[];
  /**
   * Asked every 256 generated states; true stops the search ("interrupted").
   * This is where a seconds budget goes, at the edge:
   * `interrupt: () => performance.now() > deadline`. A search stopped this way
   * depends on the machine's speed, so its report is not deterministic; the
   * state and depth budgets are.
   */
  interrupt?: () => boolean;
}

export interface Counterexample<S> {
  invariant: string;
  /** The property that broke: the invariant's name, unless it named one. */
  property: string;
  /** What the invariant said was wrong. */
  details: string;
  /** The labels of the shortest path from an initial state to the violating state. */
  path: string[];
  /** The states along that path, initial state first (path.length + 1 of them). */
  states: S[];
}

export type StopReason = "exhausted" | "violation" | "max-states" | "max-depth" | "interrupted";

export interface ExploreReport<S> {
  /** Distinct states found (TLC's "distinct states found"). */
  distinct: number;
  /** States generated, counting repeats (TLC's "states generated"): initial states plus every step taken. */
  generated: number;
  /**
   * TLC's "depth of the complete state graph search": the number of BFS levels,
   * counting the initial states as level 1. Equivalently 1 + the longest
   * shortest path (in steps) from an initial state to any state found. For
   * TCommit with three RMs the farthest state is "all committed", 6 steps away
   * (3 prepares, 3 commits), hence depth 7; for TwoPhase it is 10 steps away
   * (3 RMPrepare, 3 TMRcvPrepared, TMCommit, 3 RMRcvCommitMsg), hence 11.
   * (The longest path of all is not it: TLC counts levels of the search.)
   */
  depth: number;
  /** True when every reachable state was visited: no budget cut the search short and no violation stopped it. */
  exhausted: boolean;
  stoppedBy: StopReason;
  violation: Counterexample<S> | null;
}

interface Entry<S> {
  state: S;
  parent: Entry<S> | null;
  label: string;
  depth: number;
}

/**
 * Breadth-first search over distinct states. Invariants are checked when a
 * state is first found, so a violation is reported with a shortest path to
 * it (BFS finds every state first along a shortest path).
 */
export function explore<S>(model: Model<S>, opts: ExploreOptions<S> = {}): ExploreReport<S> {
  const invariants = opts.invariants ?? [];
  const maxStates = opts.maxStates ?? Infinity;
  const maxDepth = opts.maxDepth ?? Infinity;
  const seen = new Set<string>();
  let frontier: Entry<S>[] = [];
  let generated = 0;
  let depth = 0;
  let cut: StopReason | null = null;

  const found = (e: Entry<S>): ExploreReport<S> | null => {
    for (const inv of invariants) {
      const r = inv.check(e.state);
      if (r !== true) {
        const violation = counterexample(e, inv.name, typeof r === "string" ? { property: inv.name, details: r } : r);
        return { distinct: seen.size, generated, depth: Math.max(depth, e.depth), exhausted: false, stoppedBy: "violation", violation };
      }
    }
    return null;
  };

  for (const s of model.init()) {
    generated++;
    const h = model.hash(s);
    if (seen.has(h)) continue;
    seen.add(h);
    const e: Entry<S> = { state: s, parent: null, label: "init", depth: 1 };
    depth = 1;
    const bad = found(e);
    if (bad) return bad;
    frontier.push(e);
  }

  while (frontier.length > 0) {
    const level = frontier[0]!.depth;
    if (level >= maxDepth) {
      cut = "max-depth";
      break;
    }
    const nextLevel: Entry<S>[] = [];
    for (const e of frontier) {
      for (const [label, s] of model.next(e.state)) {
        generated++;
        if ((generated & 255) === 0 && opts.interrupt?.()) {
          cut = "interrupted";
          break;
        }
        const h = model.hash(s);
        if (seen.has(h)) continue;
        if (seen.size >= maxStates) {
          cut = "max-states";
          break;
        }
        seen.add(h);
        const child: Entry<S> = { state: s, parent: e, label, depth: level + 1 };
        depth = Math.max(depth, child.depth);
        const bad = found(child);
        if (bad) return bad;
        nextLevel.push(child);
      }
      if (cut) break;
    }
    if (cut) break;
    frontier = nextLevel;
  }
  return { distinct: seen.size, generated, depth, exhausted: cut === null, stoppedBy: cut ?? "exhausted", violation: null };
}

function counterexample<S>(e: Entry<S>, invariant: string, { property, details }: Finding): Counterexample<S> {
  const path: string[] = [];
  const states: S[] = [];
  for (let x: Entry<S> | null = e; x; x = x.parent) {
    states.push(x.state);
    if (x.parent) path.push(x.label);
  }
  return { invariant, property, details, path: path.reverse(), states: states.reverse() };
}

/** One line for a report, e.g. "288 distinct states, depth 11, space exhausted". */
export function describeExploration(r: ExploreReport<unknown>): string {
  const how =
    r.stoppedBy === "exhausted"
      ? "space exhausted"
      : r.stoppedBy === "violation"
        ? `stopped at a violation of "${r.violation!.invariant}"`
        : r.stoppedBy === "max-states"
          ? "NOT exhausted: stopped by the state budget"
          : r.stoppedBy === "max-depth"
            ? "NOT exhausted: stopped by the depth budget"
            : "NOT exhausted: interrupted (time budget)";
  return `${r.distinct} distinct states (${r.generated} generated), depth ${r.depth}, ${how}`;
}

/**
 * A stable JSON text for plain data: object keys sorted, so that two equal
 * values always give the same text (the basis of canonical state hashes).
 * Nothing is cached: the explorer replays every path in a fresh world, so
 * each object is seen once, and a cache would only cost (a WeakMap entry for
 * every message, output and disk value of every replay).
 */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== "object") return v === undefined ? "null" : JSON.stringify(v);
  if (Array.isArray(v)) {
    let out = "[";
    for (let i = 0; i < v.length; i++) out += (i ? "," : "") + canonicalJson(v[i]);
    return out + "]";
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  let sorted = true;
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) sorted = false;
  if (!sorted) keys.sort();
  let out = "{";
  let first = true;
  for (const k of keys) {
    const x = o[k];
    if (x === undefined) continue;
    out += (first ? "" : ",") + JSON.stringify(k) + ":" + canonicalJson(x);
    first = false;
  }
  return out + "}";
}
