// Exhaustive search of a small cluster of real nodes (the same factories the
// simulator runs). Where the simulator samples one timing per seed, this
// explores every order: at each state any in-flight message may be delivered,
// delivered while a copy stays in flight (duplication), or dropped; any
// pending timer may fire (time does not exist here: a 10 s timeout may fire
// before a 10 ms retry, as it could after a long pause); and, within a crash
// budget, any node may crash, and a crashed node may restart. Budgets of
// duplicate deliveries and timer firings per path bound the search where
// timers never run out (an election can always start again).
//
// Design: *stateless replay*. A node is a closure; its memory cannot be copied
// or restored. So a state is stored as the sequence of actions that reaches it
// from the start, and expanding a state re-executes that sequence in a fresh
// world. Handlers are deterministic (the determinism guard is on), so replay
// is exact. It costs O(depth) handler calls per step, which is fine for the
// small configurations (3 nodes, a few dozen steps deep) this is meant for.
//
// States are deduplicated by a canonical fingerprint of: each node's status,
// its disk (durable and not-yet-synced writes apart), its pending timers, its
// memory, the outputs it has made (which values, how many times), the messages
// in flight and the budgets spent. A node's memory is what its optional
// `state()` method returns (plain data; invariants see it too); a node without one is fingerprinted by
// everything it has handled since it last started, which is exact but sees
// fewer states as equal (so budgets run out sooner).
//
// The network is a *set* of in-flight messages (as in Lamport's TLA+ specs):
// sending a message identical to one already in flight adds nothing, and
// "duplicate" delivers a message while leaving it in flight. That keeps the
// space finite for protocols that retry.

import { HandlerError, SimError, TodoError, type Where } from "./errors.ts";
import { canonicalJson, explore, type ExploreBudget, type ExploreReport, type Invariant, type Model } from "./explore.ts";
import { guarded } from "./guard.ts";
import { Hasher } from "./hash.ts";
import { copyData, DEFAULT_MAX_MESSAGE_BYTES, takeData } from "./message.ts";
import { Stream } from "./random.ts";
import { logLine, type TraceEvent } from "./trace.ts";
import type { Ctx, Disk, Node, NodeFactory, NodeId } from "./types.ts";
import { enterLearner, leaveLearner } from "./guard.ts";
import { tameThrown } from "./thrown.ts";
import { closed } from "./boundary.ts";

export interface ClusterWorldSetup {
  /** The nodes, in order. Called once per replay: build fresh harness objects here. */
  nodes: Readonly<Record<NodeId, NodeFactory>>;
  /** Harness actions once every node has started (e.g. begin a transaction). */
  start?: (world: ClusterWorld) => void;
}

export interface ClusterFaults {
  /** How many crashes a path may contain (default 0). A crashed node may restart at any point. */
  crashes?: number;
  /** Nodes that may crash (default: all). */
  crashable?: readonly NodeId[];
  /** Messages may be lost (default true). */
  drop?: boolean;
  /** Messages may be delivered more than once (default true). */
  duplicate?: boolean;
  /** How many duplicate deliveries a path may contain (default: no limit). */
  duplicates?: number;
  /**
   * How many timer firings a path may contain (default: no limit). Bounds the
   * search of a protocol whose timers never run out (Raft's elections), so
   * that the budget goes to the orders of messages instead.
   */
  timers?: number;
}

export interface ClusterModelOptions {
  setup: () => ClusterWorldSetup;
  faults?: ClusterFaults;
  /** A crash forgets disk writes not yet made durable with sync() (default false). */
  loseUnsynced?: boolean;
  /** Seed for ctx.random() (each node and incarnation gets its own stream). */
  seed?: number;
}

export type ClusterAction =
  | { a: "deliver" | "duplicate" | "drop"; key: string }
  | { a: "timer"; node: NodeId; name: string }
  | { a: "crash" | "restart"; node: NodeId };

/** What invariants see in every state. */
export interface ClusterView {
  status: Record<NodeId, "up" | "down">;
  /** Every output each node has made along this path, in order. */
  outputs: Record<NodeId, unknown[]>;
  /** Each node's disk as a crash would leave it is not shown; this is what the node would read now. */
  disks: Record<NodeId, Record<string, unknown>>;
  /** What each live node's optional state() returns (null: down, or no state()). */
  states: Record<NodeId, unknown>;
  inFlight: { from: NodeId; to: NodeId; msg: unknown }[];
}

/** A state of the search: the actions that reach it, its fingerprint, and what invariants see. */
export interface ClusterState {
  actions: ClusterAction[];
  hash: string;
  view: ClusterView;
}

interface InFlight {
  from: NodeId;
  to: NodeId;
  msg: unknown;
  id: number;
  sentAt: number;
}

interface WorldNode {
  id: NodeId;
  factory: NodeFactory;
  instance: (Node<unknown> & { state?: () => unknown }) | null;
  /** The instance's handlers (and state()), read once while its constructor ran: a getter there is the constructor's work. */
  handlers: { onStart?: () => void; onMessage: (from: NodeId, msg: unknown) => void; onTimer?: (name: string) => void; state?: () => unknown } | null;
  incarnation: number;
  durable: Map<string, unknown>;
  unsynced: Map<string, unknown>;
  timers: Set<string>;
  outputs: unknown[];
  history: string[];
  ctx: Ctx<unknown> | null;
}

/** One replayable world: nodes, disks, timers and the in-flight set. */
export class ClusterWorld {
  readonly trace: TraceEvent[] = [];
  private readonly nodes = new Map<NodeId, WorldNode>();
  private readonly ids: NodeId[];
  private readonly inFlight = new Map<string, InFlight>();
  private crashesUsed = 0;
  private duplicatesUsed = 0;
  private timersUsed = 0;
  private step = 0;
  private nextId = 1;
  private current: Where | null = null;

  constructor(
    private readonly opts: ClusterModelOptions,
    setup: ClusterWorldSetup,
    /** Keep a trace (a counterexample's replay); the search's own replays skip it. */
    private readonly recording = true,
  ) {
    this.ids = Object.keys(setup.nodes);
    for (const id of this.ids) {
      this.nodes.set(id, { id, factory: setup.nodes[id]!, instance: null, handlers: null, incarnation: 0, durable: new Map(), unsynced: new Map(), timers: new Set(), outputs: [], history: [], ctx: null });
    }
    this.guard(() => {
      for (const id of this.ids) this.boot(this.nodes.get(id)!);
      setup.start?.(this);
    });
    // What the opening did is where the search starts: fault budgets count the searched path only.
    this.crashesUsed = this.duplicatesUsed = this.timersUsed = 0;
  }

  /** Adds an event to the trace, when this world keeps one. */
  note(e: TraceEvent): void {
    if (this.recording) this.trace.push(e);
  }

  /** Virtual time of trace events: one step is drawn as 10 ms. */
  private get t(): number {
    return this.step * 10;
  }

  /** Calls into a live node from the harness (like Simulation.call). */
  call<N, R>(id: NodeId, method: string, fn: (node: N) => R): R {
    const n = this.node(id);
    if (!n.instance) throw new Error(`${id} is down: cannot call ${method}.`);
    return this.invoke(n, method, () => fn(n.instance as N));
  }

  private node(id: NodeId): WorldNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`There is no node "${id}" in this cluster (${this.ids.join(", ")}).`);
    return n;
  }

  private guard<T>(fn: () => T): T {
    return guarded(() => this.current ?? { time: this.t }, fn);
  }

  private invoke<R>(n: WorldNode, handler: string, fn: () => R): R {
    const prev = this.current;
    this.current = { node: n.id, handler, time: this.t };
    const state = enterLearner(`${handler} on ${n.id}`);
    try {
      return fn();
    } catch (thrown) {
      const err = tameThrown(thrown);
      if (err instanceof SimError || err instanceof TodoError) throw err;
      throw new HandlerError(err, this.current);
    } finally {
      leaveLearner(state);
      this.current = prev;
    }
  }

  private boot(n: WorldNode): void {
    n.incarnation++;
    n.history = [];
    n.ctx = this.makeCtx(n, n.incarnation);
    const ctx = n.ctx;
    n.instance = this.invoke(n, "the constructor", () => {
      const node = n.factory(ctx) as WorldNode["instance"];
      n.handlers = node ? { onStart: node.onStart, onMessage: node.onMessage, onTimer: node.onTimer, state: node.state } : null;
      return node;
    });
    this.note({ t: this.t, k: "start", node: n.id });
    const inst = n.instance!;
    const h = n.handlers!;
    if (h.onStart) this.invoke(n, "onStart", () => h.onStart!.call(inst));
  }

  private makeCtx(n: WorldNode, incarnation: number): Ctx<unknown> {
    const world = this;
    const live = () => n.instance !== null && n.incarnation === incarnation;
    const where = (): Where => world.current ?? { node: n.id, time: world.t };
    const rng = new Stream(this.opts.seed ?? 1, `explore:${n.id}:${incarnation}`);
    const disk: Disk = closed({
      get<T>(key: string): T | undefined {
        const v = n.unsynced.has(key) ? n.unsynced.get(key) : n.durable.get(key);
        return v === undefined ? undefined : (copyData(v) as T);
      },
      set(key: string, v: unknown): void {
        const copy = takeData(v, `disk.set(${JSON.stringify(key)}, value): value`, null, 16 * DEFAULT_MAX_MESSAGE_BYTES, where());
        if (world.opts.loseUnsynced) n.unsynced.set(key, copy);
        else n.durable.set(key, copy);
      },
      sync(): void {
        for (const [k, v] of n.unsynced) n.durable.set(k, v);
        n.unsynced.clear();
      },
    });
    // Closed like the simulator's (boundary.ts): frozen, and known to the membrane as the engine's, so it is handed in as it is.
    return closed({
      id: n.id,
      peers: Object.freeze(this.ids.filter((p) => p !== n.id)),
      // There is no time in exhaustive search: only the order of events matters.
      now: () => 0,
      send: (to: NodeId, sent: unknown) => {
        if (!live()) return;
        if (!world.nodes.has(to)) throw new Error(`${n.id} sent a message to "${to}", which is not in this cluster (${world.ids.join(", ")}).`);
        const msg = takeData(sent, "msg", null, DEFAULT_MAX_MESSAGE_BYTES, where());
        const id = world.nextId++;
        world.note({ t: world.t, k: "send", from: n.id, to, id, msg });
        const key = `${n.id}>${to} ${canonicalJson(msg)}`;
        if (!world.inFlight.has(key)) world.inFlight.set(key, { from: n.id, to, msg, id, sentAt: world.t });
      },
      setTimer: (name: string, _afterMs: number) => {
        if (live()) n.timers.add(name);
      },
      cancelTimer: (name: string) => {
        if (live()) n.timers.delete(name);
      },
      random: () => rng.next(),
      disk,
      output: (said: unknown) => {
        if (!live()) return;
        const value = takeData(said, "output", null, DEFAULT_MAX_MESSAGE_BYTES, where());
        n.outputs.push(value);
        world.note({ t: world.t, k: "output", node: n.id, value });
      },
      log: (text: string) => {
        // String() may run the learner's toString: always, so that a replay does exactly what the search did.
        const line = String(text);
        if (world.recording) world.note({ t: world.t, k: "log", node: n.id, text: logLine(line) });
      },
    });
  }

  /** Every action enabled now, in a fixed order. */
  enabled(): ClusterAction[] {
    const out: ClusterAction[] = [];
    const faults = this.opts.faults ?? {};
    for (const key of [...this.inFlight.keys()].sort()) {
      const m = this.inFlight.get(key)!;
      if (this.node(m.to).instance) {
        out.push({ a: "deliver", key });
        if (faults.duplicate !== false && this.duplicatesUsed < (faults.duplicates ?? Infinity)) out.push({ a: "duplicate", key });
      }
      if (faults.drop !== false) out.push({ a: "drop", key });
    }
    for (const id of this.ids) {
      const n = this.node(id);
      if (n.instance && this.timersUsed < (faults.timers ?? Infinity)) for (const name of [...n.timers].sort()) out.push({ a: "timer", node: id, name });
    }
    for (const id of this.ids) {
      const n = this.node(id);
      if (n.instance && this.crashesUsed < (faults.crashes ?? 0) && (faults.crashable ?? this.ids).includes(id)) out.push({ a: "crash", node: id });
      if (!n.instance) out.push({ a: "restart", node: id });
    }
    return out;
  }

  /** Performs one action (which must be enabled). */
  apply(action: ClusterAction): void {
    this.step++;
    this.guard(() => {
      switch (action.a) {
        case "deliver":
        case "duplicate": {
          const m = this.inFlight.get(action.key);
          if (!m) throw new Error(`replay: no message ${action.key} in flight`);
          if (action.a === "deliver") this.inFlight.delete(action.key);
          else {
            this.duplicatesUsed++;
            this.note({ t: this.t, k: "duplicate", from: m.from, to: m.to, id: m.id, copy: 2 });
          }
          const n = this.node(m.to);
          this.note({ t: this.t, k: "deliver", from: m.from, to: m.to, id: m.id, msg: m.msg, sentAt: m.sentAt });
          n.history.push(`msg ${action.key}`);
          const inst = n.instance!;
          const h = n.handlers!;
          this.invoke(n, "onMessage", () => h.onMessage.call(inst, m.from, m.msg));
          return;
        }
        case "drop": {
          const m = this.inFlight.get(action.key);
          if (!m) throw new Error(`replay: no message ${action.key} in flight`);
          this.inFlight.delete(action.key);
          this.note({ t: this.t, k: "drop", from: m.from, to: m.to, id: m.id, msg: m.msg, sentAt: m.sentAt, why: "loss" });
          return;
        }
        case "timer": {
          const n = this.node(action.node);
          this.timersUsed++;
          n.timers.delete(action.name);
          n.history.push(`timer ${action.name}`);
          this.note({ t: this.t, k: "timer", node: n.id, name: action.name });
          const inst = n.instance!;
          const h = n.handlers!;
          if (typeof h.onTimer !== "function") throw new Error(`${n.id} set a timer "${action.name}" but has no onTimer(name) handler.`);
          this.invoke(n, "onTimer", () => h.onTimer!.call(inst, action.name));
          return;
        }
        case "crash": {
          const n = this.node(action.node);
          this.crashesUsed++;
          n.instance = null;
          n.handlers = null;
          n.timers.clear();
          n.unsynced.clear();
          this.note({ t: this.t, k: "crash", node: n.id });
          return;
        }
        case "restart": {
          const n = this.node(action.node);
          this.note({ t: this.t, k: "restart", node: n.id });
          this.boot(n);
          return;
        }
      }
    });
  }

  view(): ClusterView {
    const status: ClusterView["status"] = {};
    const outputs: ClusterView["outputs"] = {};
    const disks: ClusterView["disks"] = {};
    const states: ClusterView["states"] = {};
    for (const [id, n] of this.nodes) {
      status[id] = n.instance ? "up" : "down";
      states[id] = n.instance && typeof n.handlers?.state === "function" ? this.memory(n) : null;
      outputs[id] = n.outputs;
      disks[id] = Object.fromEntries([...new Set([...n.durable.keys(), ...n.unsynced.keys()])].sort().map((k) => [k, n.unsynced.has(k) ? n.unsynced.get(k) : n.durable.get(k)]));
    }
    return { status, outputs, disks, states, inFlight: [...this.inFlight.values()].map(({ from, to, msg }) => ({ from, to, msg })) };
  }

  /** A live node's memory for the fingerprint: its state() if it has one, else everything it handled since it started. */
  private memory(n: WorldNode): unknown {
    const state = n.handlers?.state;
    if (typeof state !== "function") return { handled: n.history };
    const m = this.guard(() => this.invoke(n, "state", () => state.call(n.instance)));
    return m === undefined ? null : m;
  }

  /**
   * The canonical fingerprint of this state: 128 bits of hash over the
   * canonical text of every part (two differently seeded hashers), which keeps
   * the explorer's set of seen states small. Frozen parts (messages, disk
   * values) have their text cached, so this is cheap.
   */
  fingerprint(): string {
    const h1 = new Hasher();
    const h2 = new Hasher();
    h2.a = 0x3c6ef372;
    h2.b = 0x1b873593;
    const add = (text: string) => {
      h1.str(text);
      h2.str(text);
    };
    for (const id of this.ids) {
      const n = this.node(id);
      add(id);
      add(n.instance ? "up" : "down");
      add(canonicalJson(n.instance ? this.memory(n) : null));
      for (const [label, m] of [["durable", n.durable], ["unsynced", n.unsynced]] as const) {
        add(label);
        for (const k of [...m.keys()].sort()) {
          add(k);
          add(canonicalJson(m.get(k)));
        }
      }
      add("timers");
      for (const t of [...n.timers].sort()) add(t);
      add("outputs");
      const counts = new Map<string, number>();
      for (const o of n.outputs) {
        const k = canonicalJson(o);
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      for (const k of [...counts.keys()].sort()) {
        add(k);
        h1.int(counts.get(k)!);
        h2.int(counts.get(k)!);
      }
    }
    add("net");
    for (const k of [...this.inFlight.keys()].sort()) add(k);
    for (const used of [this.crashesUsed, this.duplicatesUsed, this.timersUsed]) {
      h1.int(used);
      h2.int(used);
    }
    return h1.hex() + h2.hex();
  }

  describe(action: ClusterAction): string {
    switch (action.a) {
      case "deliver":
      case "duplicate":
      case "drop": {
        const [route, ...rest] = action.key.split(" ");
        const msg = rest.join(" ");
        const verb = action.a === "deliver" ? "deliver" : action.a === "duplicate" ? "deliver a copy of" : "drop";
        return `${verb} ${route!.replace(">", " → ")} ${msg}`;
      }
      case "timer":
        return `timer "${action.name}" fires on ${action.node}`;
      case "crash":
        return `crash ${action.node}`;
      case "restart":
        return `restart ${action.node}`;
    }
  }
}

/** Re-executes a path of actions from the start: the trace, view and labels of where it ends. */
export function replayCluster(opts: ClusterModelOptions, actions: readonly ClusterAction[], recording = true): { world: ClusterWorld; labels: string[] } {
  const world = new ClusterWorld(opts, opts.setup(), recording);
  const labels: string[] = [];
  for (const a of actions) {
    if (recording) labels.push(world.describe(a));
    world.apply(a);
  }
  return { world, labels };
}

/** The cluster as a model for `explore`. */
export function clusterModel(opts: ClusterModelOptions): Model<ClusterState> {
  // The view is built only for states the search keeps (most successors are states already seen).
  const stateOf = (world: ClusterWorld, actions: ClusterAction[]): ClusterState => {
    let w: ClusterWorld | null = world;
    let v: ClusterView | null = null;
    return {
      actions,
      hash: world.fingerprint(),
      get view() {
        if (v === null) {
          v = w!.view();
          w = null;
        }
        return v;
      },
    };
  };
  // One guard installation around a whole expansion: handlers inside nest into it cheaply.
  const guardedReplay = <T>(fn: () => T): T => guarded(() => ({}), fn);
  return {
    init: () => guardedReplay(() => [stateOf(replayCluster(opts, [], false).world, [])]),
    next(s) {
      return guardedReplay(() => {
        const here = replayCluster(opts, s.actions, false).world;
        const actions = here.enabled();
        const out: (readonly [string, ClusterState])[] = [];
        for (let i = 0; i < actions.length; i++) {
          const a = actions[i]!;
          // The last successor reuses the world already replayed to here.
          const w = i === actions.length - 1 ? here : replayCluster(opts, s.actions, false).world;
          const label = w.describe(a);
          w.apply(a);
          out.push([label, stateOf(w, [...s.actions, a])] as const);
        }
        return out;
      });
    },
    hash: (s) => s.hash,
  };
}

export interface ClusterExploreOptions extends ClusterModelOptions, ExploreBudget {
  invariants: readonly Invariant<ClusterView>[];
  /** See ExploreOptions.interrupt (a seconds budget, at the edge; not deterministic). */
  interrupt?: () => boolean;
}

export interface ClusterExploreReport extends ExploreReport<ClusterState> {
  /** For a violation: the shortest path as readable steps, and its trace (draw it with renderDiagram). */
  steps: string[] | null;
  trace: TraceEvent[] | null;
}

/** Explores every reachable state of a small cluster and checks the invariants in each. */
export function exploreCluster(opts: ClusterExploreOptions): ClusterExploreReport {
  const report = explore(clusterModel(opts), {
    maxDepth: opts.maxDepth,
    maxStates: opts.maxStates,
    interrupt: opts.interrupt,
    invariants: opts.invariants.map((inv) => ({ name: inv.name, check: (s: ClusterState) => inv.check(s.view) })),
  });
  if (!report.violation) return { ...report, steps: null, trace: null };
  const { world, labels } = replayCluster(opts, report.violation.states.at(-1)!.actions);
  return { ...report, steps: labels, trace: world.trace };
}
