// The simulator: virtual time, one ordered event queue, nodes that only react
// to messages and timers, and every fault of DESIGN §4. Pure: no I/O, no
// wall-clock time, no unseeded randomness. Same seed, same trace hash.

import { closed, handlersFor } from "./boundary.ts";
import { Clock } from "./clock.ts";
import { SimDisk, type DiskOptions } from "./disk.ts";
import { DeterminismError, HandlerError, RunError, SimError, formatTime, type Where } from "./errors.ts";
import { EventQueue } from "./eventQueue.ts";
import { guarded, probe, probeMethod, probeState, probeWrite, ProbeHandler, ProbeSlot, ProbeText } from "./guard.ts";
import { Hasher } from "./hash.ts";
import { corrupt, DEFAULT_MAX_MESSAGE_BYTES, lastContentHash, lastDataBytes, takeData } from "./message.ts";
import { parseSchedule, type FaultOp } from "./nemesis.ts";
import { DEFAULT_NETWORK, Partitions, sampleDelay, type MessageRule, type NetworkConfig } from "./network.ts";
import { Stream } from "./random.ts";
import { visibleText } from "./visible.ts";
import { logLine, Trace, type DropReason, type TraceJson } from "./trace.ts";
import type { Ctx, Node, NodeFactory, NodeId } from "./types.ts";
import { tameThrown } from "./thrown.ts";

/** The default cap on a simulation's events (see SimOptions.maxEventsPerRun). */
export const MAX_EVENTS_PER_RUN = 500_000;
/** Words in the message of a run stopped by that cap (the harness does not shrink such a run: each attempt would cost as much). */
export const FLOODED = "the event cap";
/**
 * The data one simulation may take from its nodes — messages, outputs, disk
 * writes and log lines, in bytes as takeData measures them — before it is
 * declared runaway. The lab keeps much of it (outputs for the checkers, the
 * trace's recent events, what is in flight or on disk), so without a bound a
 * node could fill the grader's memory until the process dies with no
 * verdict. Far above what any reference solution takes in a run.
 */
export const MAX_DATA_PER_RUN = 256 * 1024 * 1024;
/** Words in the message of a run stopped by that cap (not shrunk either, for the same reason as FLOODED). */
export const DATA_FLOODED = "the data cap";


export interface SimOptions {
  seed: number;
  /** The cluster's nodes, in order (e.g. n1..n5), each built from a factory. */
  nodes: Readonly<Record<NodeId, NodeFactory>>;
  /** Harness-driven nodes (e.g. c1): they see the cluster's nodes as peers. */
  clients?: Readonly<Record<NodeId, NodeFactory>>;
  network?: Partial<NetworkConfig>;
  /** Per-message network overrides (e.g. slower replies). */
  messageRule?: MessageRule;
  /** Faults to apply at their times. */
  schedule?: readonly FaultOp[];
  disk?: DiskOptions;
  maxMessageBytes?: number;
  /** Events kept in memory for excerpts (the hash covers all). */
  traceLimit?: number;
  /**
   * Events one simulation may process, over all its runUntil calls, before it
   * is declared runaway. Every scenario of the reference solutions stays
   * below 40% of the default (they all pass with a cap of 200,000); a submission that floods the network fails
   * on it deterministically, in seconds rather than at the grader's cap.
   */
  maxEventsPerRun?: number;
  /** Events at one instant before time is declared stuck (a 0 ms timer loop). */
  maxEventsPerInstant?: number;
}

/** A fault operation without its time (applied now). */
export type FaultInput = FaultOp extends infer F ? (F extends FaultOp ? Omit<F, "at"> : never) : never;

export type NodeStatus = "up" | "down" | "paused";

export interface OutputRecord<Out = unknown> {
  t: number;
  node: NodeId;
  value: Out;
}

export interface NodeStats {
  sent: number;
  bytesSent: number;
  received: number;
}

const enum Kind {
  Start,
  Deliver,
  Timer,
  Fault,
  Call,
}

/** One queued event. A single class keeps the hot loop monomorphic. */
class SimEvent {
  t = 0;
  seq = 0;
  constructor(
    public kind: Kind,
    public node: NodeRec | null,
    public from: NodeRec | null = null,
    public id = 0,
    public msg: unknown = null,
    public hash = 0,
    public sentAt = 0,
    public name = "",
    public token = 0,
    public epoch = 0,
    public op: FaultOp | null = null,
    public fn: (() => void) | null = null,
  ) {}
  /** Set when the event is kept after dispatch (queued work of a paused node). */
  retained = false;
}

/** A node's handlers as the engine calls them (on `self`, the node). */
interface Handlers {
  self: Node<unknown>;
  onMessage: Node<unknown>["onMessage"] | undefined;
  onTimer: Node<unknown>["onTimer"];
  onStart: Node<unknown>["onStart"];
}

/** Reads a node's handlers once (each property read once: a getter answers once, and that is the handler). */
function handlersOf(node: Node<unknown>): Handlers {
  return { self: node, onMessage: node.onMessage, onTimer: node.onTimer, onStart: node.onStart };
}

interface NodeRec {
  id: NodeId;
  index: number;
  /** probeState(index, None): the running handler's code is or-ed in on entry (see handle()). */
  probeBase: number;
  isClient: boolean;
  factory: NodeFactory;
  /** The instance as the harness sees it (perhaps a facade: see boundary.ts). */
  instance: Node<unknown> | null;
  /** The handlers the engine calls, read once from the node when it was built. */
  handlers: Handlers | null;
  status: NodeStatus;
  epoch: number;
  timers: Map<string, number>;
  pending: SimEvent[];
  disk: SimDisk;
  clock: Clock;
  rng: Stream;
  ctx: Ctx<unknown>;
  // NodeStats, kept as fields of the record: one load less on every send and delivery.
  sent: number;
  bytesSent: number;
  received: number;
}

export class Simulation {
  readonly seed: number;
  readonly trace: Trace;
  readonly outputs: OutputRecord[] = [];

  private time = 0;
  private readonly queue = new EventQueue<SimEvent>();
  private readonly recs: NodeRec[] = [];
  private readonly byId = new Map<NodeId, NodeRec>();
  private readonly serverIds: NodeId[];
  private readonly allIds: NodeId[];
  private readonly netRng: Stream;
  private net: NetworkConfig;
  private readonly rule: MessageRule | undefined;
  private readonly partitions = new Partitions();
  // Spent delivery events for reuse: a stack kept by hand (pool[0..poolSize)).
  private readonly pool: SimEvent[] = [];
  private poolSize = 0;
  private readonly maxBytes: number;
  private readonly maxEventsPerRun: number;
  private readonly maxEventsPerInstant: number;
  private readonly scratch = new Hasher();
  private nextMsgId = 1;
  private nextToken = 1;
  // Which handler is running is what handle() and invoke() tell the watchdog
  // probe (one word: see ProbeSlot.State); where() reads it back only when an
  // error needs it, so the hot path writes it once. A harness call's method
  // name is kept here.
  private curMethod = "";
  private readonly whereFn = (): Where => {
    const state = probe.i32[ProbeSlot.State]!;
    if ((state & 1) === 0 || probe.owner !== this) return { time: this.time };
    const code = ((state >>> 1) & 7) as ProbeHandler;
    const handler = code === ProbeHandler.OnMessage ? "onMessage" : code === ProbeHandler.OnTimer ? "onTimer" : code === ProbeHandler.OnStart ? "onStart" : code === ProbeHandler.Constructor ? "the constructor" : this.curMethod;
    return { node: this.allIds[state >>> 4], handler, time: this.time };
  };
  private failure: SimError | null = null;
  private outputListeners: ((o: OutputRecord) => void)[] = [];
  private eventListeners: ((node: NodeId | null) => void)[] = [];
  private eventCount = 0;
  /** Bytes taken from the nodes so far (see MAX_DATA_PER_RUN). */
  private dataTaken = 0;

  constructor(opts: SimOptions) {
    this.seed = opts.seed;
    this.netRng = new Stream(opts.seed, "network");
    this.net = { ...DEFAULT_NETWORK, ...opts.network };
    this.rule = opts.messageRule;
    this.maxBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.maxEventsPerRun = opts.maxEventsPerRun ?? MAX_EVENTS_PER_RUN;
    this.maxEventsPerInstant = opts.maxEventsPerInstant ?? 100_000;
    this.serverIds = Object.keys(opts.nodes);
    const clientIds = Object.keys(opts.clients ?? {});
    this.allIds = [...this.serverIds, ...clientIds];
    this.trace = new Trace(this.allIds, opts.traceLimit);
    const dup = this.serverIds.find((id) => clientIds.includes(id));
    if (dup) throw new Error(`"${dup}" is both a node and a client: give every participant its own id.`);
    for (const id of this.allIds) {
      const isClient = clientIds.includes(id);
      const factory = isClient ? opts.clients![id]! : opts.nodes[id]!;
      this.addNode(id, isClient, factory, opts.disk ?? {});
    }
    // Build every instance now so the harness can reach them before running;
    // onStart runs as the first events at t=0.
    for (const r of this.recs) this.boot(r);
    // Queued after the starts, so a fault at t=0 meets started nodes, exactly
    // as when the same schedule is passed to sim.schedule() after construction.
    if (opts.schedule) this.schedule(opts.schedule);
  }

  // -------------------------------------------------------------------------
  // Reading the run

  get now(): number {
    return this.time;
  }

  get nodeIds(): readonly NodeId[] {
    return this.serverIds;
  }

  get traceHash(): string {
    return this.trace.hash;
  }

  /** The error that stopped the run, if any. */
  get error(): SimError | null {
    return this.failure;
  }

  status(id: NodeId): NodeStatus {
    return this.rec(id).status;
  }

  isUp(id: NodeId): boolean {
    return this.rec(id).status !== "down";
  }

  /** The live instance of a node (undefined while it is down). */
  node<N = Node<unknown>>(id: NodeId): N | undefined {
    return (this.rec(id).instance ?? undefined) as N | undefined;
  }

  /** This node's clock reading now. */
  clockOf(id: NodeId): number {
    return this.rec(id).clock.read(this.time);
  }

  /** Names of the timers this node has set that have not fired or been cancelled (for the trace viewer). */
  timersOf(id: NodeId): string[] {
    return [...this.rec(id).timers.keys()];
  }

  disk(id: NodeId): SimDisk {
    return this.rec(id).disk;
  }

  stats(id: NodeId): Readonly<NodeStats> {
    const r = this.rec(id);
    return { sent: r.sent, bytesSent: r.bytesSent, received: r.received };
  }

  outputsOf<Out = unknown>(id: NodeId): OutputRecord<Out>[] {
    return this.outputs.filter((o) => o.node === id) as OutputRecord<Out>[];
  }

  onOutput(fn: (o: OutputRecord) => void): void {
    this.outputListeners.push(fn);
  }

  /**
   * Called after every event: where invariants are checked "at every step".
   * `node` is the node the event happened to (a delivery's receiver, a
   * timer's owner, a crashed or restarted node), or null when it may have
   * touched any (a partition, harness code): a node's state changes only in
   * events that name it.
   */
  afterEvent(fn: (node: NodeId | null) => void): void {
    this.eventListeners.push(fn);
  }

  /** Events processed so far. */
  get events(): number {
    return this.eventCount;
  }

  /** The trace as JSON (for replay files and viewers). */
  traceJson(lastN?: number): TraceJson {
    return this.trace.toJSON(this.seed, this.allIds, lastN);
  }

  // -------------------------------------------------------------------------
  // Driving the run

  /** Runs for `ms` of virtual time. */
  run(ms: number): this {
    return this.runUntil(this.time + ms);
  }

  /** Processes every event up to and including time `t`, then sets the clock to `t`. */
  runUntil(t: number): this {
    if (this.failure) throw this.failure;
    if (!(t >= this.time)) throw new RangeError(`runUntil(${t}) is in the past (now ${this.time}): time only moves forward.`);
    if (probe.owner !== this) this.claimProbe();
    guarded(
      this.whereFn,
      () => {
        let instant = this.time;
        let atInstant = 0;
        for (;;) {
          const e = this.queue.popUntil(t);
          if (e === undefined) break;
          if (e.t !== instant) {
            instant = e.t;
            atInstant = 0;
          }
          if (++atInstant > this.maxEventsPerInstant) this.stuck(e.t);
          if (this.eventCount >= this.maxEventsPerRun) this.flooded(e.t);
          this.time = e.t;
          this.dispatch(e);
          // Deliveries are most events: recycle them rather than make garbage.
          if (e.kind === Kind.Deliver && !e.retained) {
            e.msg = null;
            e.name = "";
            this.pool[this.poolSize++] = e;
          }
          this.eventCount++;
          if (this.eventListeners.length) this.tellListeners(e);
        }
      },
    );
    this.time = t;
    return this;
  }

  // Cold paths live in methods of their own: the optimizing compiler inlines
  // hot functions only up to a size budget, and error text counts against it.

  private tellListeners(e: SimEvent): void {
    const op = e.op as { node?: NodeId } | null;
    const node = e.kind === Kind.Call ? null : e.kind === Kind.Fault ? (op?.node ?? null) : (e.node?.id ?? null);
    for (const l of this.eventListeners) l(node);
  }

  private stuck(t: number): never {
    this.fail(new RunError(`More than ${this.maxEventsPerInstant} events happened at t=${formatTime(t)} without time moving on. Is a timer set with 0 ms re-arming itself, or two nodes bouncing messages with no delay? Give timers a positive delay.`, { time: t }));
  }

  private flooded(t: number): never {
    this.fail(new RunError(`More than ${this.maxEventsPerRun.toLocaleString("en")} events in one run (${FLOODED}): something is flooding the network or re-arming timers too fast. Look for a message sent on every message received, or a timer re-armed with a tiny delay.`, { time: t }));
  }

  /** Runs until `done()` is true (checked after each event) or `maxMs` passes. Returns whether it became true. */
  runUntilTrue(done: () => boolean, maxMs: number): boolean {
    const deadline = this.time + maxMs;
    if (done()) return true;
    let ok = false;
    const stop = () => {
      if (!ok && done()) ok = true;
    };
    this.eventListeners.push(stop);
    try {
      // One guard installation for the whole wait, not one per instant.
      guarded(this.whereFn, () => {
        while (!ok && this.time < deadline) {
          const next = this.queue.peek();
          const until = next === undefined ? deadline : Math.min(deadline, next.t);
          this.runUntil(until);
        }
      });
    } finally {
      this.eventListeners = this.eventListeners.filter((l) => l !== stop);
    }
    return ok || done();
  }

  /** Runs harness code at virtual time `t` (e.g. a client request). */
  at(t: number, fn: () => void): void {
    const e = new SimEvent(Kind.Call, null);
    e.t = Math.max(t, this.time);
    e.fn = fn;
    this.queue.push(e);
  }

  /**
   * Calls into a node from the harness, e.g. Raft's start(command). Runs under
   * the determinism guard with errors reported like a handler's.
   */
  call<N, R>(id: NodeId, method: string, fn: (node: N) => R): R {
    const r = this.rec(id);
    if (!r.instance) throw new RunError(`${id} is down: cannot call ${method}.`, { node: id, time: this.time });
    return guarded(
      this.whereFn,
      () => this.invoke(r, method, () => fn(r.instance as N)) as R,
    );
  }

  /** Validates and enqueues fault operations at their times. */
  schedule(ops: readonly FaultOp[]): void {
    for (const op of parseSchedule(ops, this.allIds)) {
      const e = new SimEvent(Kind.Fault, null);
      e.t = Math.max(op.at, this.time);
      e.op = op;
      this.queue.push(e);
    }
  }

  /** Applies one fault now. */
  fault(op: FaultInput): void {
    this.applyFault(parseSchedule([{ ...op, at: this.time }], this.allIds)[0]!);
  }

  crash(id: NodeId): void {
    this.fault({ op: "crash", node: id });
  }
  restart(id: NodeId): void {
    this.fault({ op: "restart", node: id });
  }
  pause(id: NodeId): void {
    this.fault({ op: "pause", node: id });
  }
  resume(id: NodeId): void {
    this.fault({ op: "resume", node: id });
  }
  partition(...groups: NodeId[][]): void {
    this.fault({ op: "partition", groups });
  }
  isolate(id: NodeId): void {
    this.fault({ op: "isolate", node: id });
  }
  heal(): void {
    this.fault({ op: "heal" });
  }
  setNetwork(c: Partial<NetworkConfig>): void {
    this.fault({ op: "network", ...c, delayMs: c.delayMs ? [c.delayMs[0], c.delayMs[1]] : undefined, tailMs: c.tailMs ? [c.tailMs[0], c.tailMs[1]] : undefined });
  }
  setClock(id: NodeId, skewMs: number, driftPpm = 0): void {
    this.fault({ op: "clock", node: id, skewMs, driftPpm });
  }

  /** Whether a message could travel from `from` to `to` right now. */
  linkOpen(from: NodeId, to: NodeId): boolean {
    return this.partitions.isOpen(from, to);
  }

  get network(): Readonly<NetworkConfig> {
    return this.net;
  }

  // -------------------------------------------------------------------------
  // Internals

  private rec(id: NodeId): NodeRec {
    const r = this.byId.get(id);
    if (!r) throw new RunError(`There is no node "${id}" in this cluster (${this.allIds.join(", ")}).`, { time: this.time });
    return r;
  }

  private addNode(id: NodeId, isClient: boolean, factory: NodeFactory, diskOpts: DiskOptions): void {
    const sim = this;
    const peers = Object.freeze(isClient ? [...this.serverIds] : this.serverIds.filter((p) => p !== id));
    const where = (): Where => {
      const w = sim.whereFn();
      return w.node !== undefined ? w : { node: id, time: sim.time };
    };
    const rec: NodeRec = {
      id,
      index: this.recs.length,
      probeBase: probeState(this.recs.length, ProbeHandler.None),
      isClient,
      factory,
      instance: null,
      handlers: null,
      status: "down",
      epoch: 0,
      timers: new Map(),
      pending: [],
      disk: new SimDisk(new Stream(this.seed, `disk:${id}`), diskOpts, where),
      clock: new Clock(),
      rng: new Stream(this.seed, `node:${id}`),
      ctx: null as unknown as Ctx<unknown>,
      sent: 0,
      bytesSent: 0,
      received: 0,
    };
    // A closed facade: learner code reaches the engine only through these
    // functions, and the disk only through get/set/sync (what it stores and
    // returns is taken as data).
    const disk = rec.disk;
    rec.ctx = closed({
      id,
      peers,
      now: () => rec.clock.read(sim.time),
      send: (to: NodeId, msg: unknown) => sim.send(rec, to, msg),
      setTimer: (name: string, afterMs: number) => sim.setTimer(rec, name, afterMs),
      cancelTimer: (name: string) => {
        rec.timers.delete(name);
      },
      random: () => rec.rng.next(),
      disk: closed({
        get: <T>(key: string): T | undefined => disk.get<T>(key),
        set: (key: string, v: unknown): void => {
          disk.set(key, v);
          if ((sim.dataTaken += lastDataBytes()) > MAX_DATA_PER_RUN) sim.tooMuchData(rec);
        },
        sync: (): void => disk.sync(),
      }),
      output: (value: unknown) => sim.output(rec, value),
      log: (text: string) => sim.log(rec, String(text)),
    });
    this.recs.push(rec);
    this.byId.set(id, rec);
  }

  /** Creates a fresh instance and queues its onStart. */
  private boot(r: NodeRec, restart = false): void {
    r.status = "up";
    let handlers: Handlers | null = null;
    r.instance = guarded(
      () => ({ node: r.id, handler: "the constructor", time: this.time }),
      () =>
        this.invoke(r, "the constructor", () => {
          const node = r.factory(r.ctx) as Node<unknown> | null | undefined;
          // Read the handlers now, while the constructor runs: a getter there is the constructor's work.
          handlers = node ? handlersOf(handlersFor(node)) : null;
          return node;
        }) as Node<unknown>,
    );
    r.handlers = handlers as Handlers | null;
    if (!r.handlers || typeof r.handlers.onMessage !== "function") {
      this.fail(new RunError(`The factory for ${r.id} did not return a node with an onMessage(from, msg) method.`, { node: r.id, time: this.time }));
    }
    if (restart) {
      // A restart is one step: the new instance runs onStart before anything
      // else can reach it (a message due at this very instant included).
      this.trace.record({ t: this.time, k: "start", node: r.id });
      // (Guarded here too: a harness may restart a node between runs, perhaps
      // after another simulation ran, so the probe must be this one's again.)
      if (probe.owner !== this) this.claimProbe();
      if (r.handlers!.onStart) guarded(this.whereFn, () => this.handle(r, "onStart", "", null));
      return;
    }
    const e = new SimEvent(Kind.Start, r);
    e.t = this.time;
    e.epoch = r.epoch;
    this.queue.push(e);
  }

  private dispatch(e: SimEvent): void {
    switch (e.kind) {
      case Kind.Deliver:
        return this.deliver(e);
      case Kind.Timer:
        return this.fireTimer(e);
      case Kind.Start:
        return this.start(e);
      case Kind.Fault:
        return this.applyFault(e.op!);
      case Kind.Call:
        e.fn!();
        return;
    }
  }

  private start(e: SimEvent): void {
    const r = e.node!;
    if (r.epoch !== e.epoch || !r.instance) return;
    // Paused between restart and start: onStart is work like any other, so it waits for resume.
    if (r.status === "paused") {
      r.pending.push(e);
      return;
    }
    this.trace.record({ t: this.time, k: "start", node: r.id });
    if (r.handlers!.onStart) this.handle(r, "onStart", "", null);
  }

  /** Publishes this simulation's node ids to the watchdog probe (see guard.ts). */
  private claimProbe(): void {
    probe.owner = this;
    probeWrite(ProbeText.Nodes, this.allIds.join(","));
  }

  /** Runs a node's handler directly (no closure: this runs for every event). */
  private handle(r: NodeRec, handler: "onStart" | "onMessage" | "onTimer", from: string, msg: unknown): void {
    // Tell the watchdog (and where()) where we are: a few stores, no allocation.
    const pi = probe.i32;
    const prevState = pi[ProbeSlot.State]!;
    pi[ProbeSlot.Seq]!++;
    const state = r.probeBase | ((handler === "onMessage" ? ProbeHandler.OnMessage : handler === "onTimer" ? ProbeHandler.OnTimer : ProbeHandler.OnStart) << 1);
    pi[ProbeSlot.State] = state;
    pi[ProbeSlot.Loop] = 0;
    probe.f64[0] = this.time;
    try {
      const h = r.handlers!;
      const result = handler === "onMessage" ? h.onMessage!.call(h.self, from, msg) : handler === "onTimer" ? h.onTimer!.call(h.self, from) : h.onStart!.call(h.self);
      // Still inside: telling what came back may run learner code (a proxy).
      if (result !== undefined) this.returned(result, r, handler);
    } catch (err) {
      this.threw(err, r, handler);
    } finally {
      // Back to the caller's state; at the outermost level, keep saying which
      // handler ran last (with the inside bit clear) for the watchdog's reports,
      // and forget its last loop: a loop mark seen from now on is learner code
      // running after its handler returned (a promise callback).
      if (prevState & 1) pi[ProbeSlot.State] = prevState;
      else {
        pi[ProbeSlot.State] = state ^ 1;
        pi[ProbeSlot.Loop] = 0;
      }
    }
  }

  private invoke(r: NodeRec, handler: string, fn: () => unknown): unknown {
    if (probe.owner !== this) this.claimProbe();
    const prevMethod = this.curMethod;
    this.curMethod = handler;
    const pi = probe.i32;
    const prevState = pi[ProbeSlot.State]!;
    pi[ProbeSlot.Seq]!++;
    if (handler !== "the constructor") probeMethod(handler);
    const state = probeState(r.index, handler === "the constructor" ? ProbeHandler.Constructor : ProbeHandler.Call);
    pi[ProbeSlot.State] = state;
    pi[ProbeSlot.Loop] = 0;
    probe.f64[0] = this.time;
    let result: unknown;
    try {
      result = fn();
      if (result !== undefined && handler !== "the constructor") this.returned(result, r, handler);
    } catch (err) {
      this.threw(err, r, handler);
    } finally {
      this.curMethod = prevMethod;
      if (prevState & 1) pi[ProbeSlot.State] = prevState;
      else {
        pi[ProbeSlot.State] = state ^ 1;
        pi[ProbeSlot.Loop] = 0;
      }
    }
    return result;
  }

  /** Learner code threw: stop the run with an error that says where. */
  private threw(thrown: unknown, r: NodeRec, handler: string): never {
    const err = tameThrown(thrown);
    if (err instanceof SimError) this.fail(err);
    this.fail(new HandlerError(err, { node: r.id, handler, time: this.time }));
  }

  /** A handler returned something: refuse a promise (an async handler) or a generator (function*). */
  private returned(result: unknown, r: NodeRec, handler: string): void {
    if (typeof result !== "object" || result === null) return;
    const tag = Object.prototype.toString.call(result);
    if (result instanceof Promise || tag === "[object Promise]") {
      // An async handler that throws returns a rejected promise: the error below
      // reports it, so it must not also crash the process as an unhandled rejection.
      if (result instanceof Promise) result.catch(() => {});
      this.fail(new DeterminismError(`${handler} returning a Promise (an async handler)`, "Handlers must be synchronous: remove async/await and react to messages and timers instead.", { node: r.id, handler, time: this.time }));
    }
    if (tag === "[object Generator]" || tag === "[object AsyncGenerator]")
      this.fail(new RunError(`${handler} on ${r.id} is a generator (function*): calling it only made a generator, so none of its code ran. Handlers must be plain functions that do their work and return: remove the *.`, { node: r.id, handler, time: this.time }));
  }

  /** Records the error in the trace and stops the run. */
  private fail(err: SimError): never {
    if (!this.failure) {
      this.failure = err;
      this.trace.record({ t: this.time, k: "error", node: err.where.node ?? "-", message: visibleText(err.message) });
    }
    throw err;
  }

  private send(r: NodeRec, to: NodeId, msg: unknown): void {
    if (r.status === "down") return; // a stale ctx of a crashed incarnation: its words go nowhere
    // Ids are usually the very strings the simulator handed out (ctx.peers, a
    // handler's `from`): compare those by identity before hashing into the map.
    let dest: NodeRec | undefined;
    const recs = this.recs;
    for (let i = 0; i < recs.length; i++)
      if (recs[i]!.id === to) {
        dest = recs[i];
        break;
      }
    if (dest === undefined) dest = this.byId.get(to) ?? this.noSuchPeer(r, to);
    // From here on only the copy exists for the network: what the sender does
    // with its own object afterwards changes nothing that was said.
    msg = takeData(msg, "msg", null, this.maxBytes, this.whereFn);
    const bytes = lastDataBytes();
    if ((this.dataTaken += bytes) > MAX_DATA_PER_RUN) this.tooMuchData(r);
    const hash = lastContentHash();
    const id = this.nextMsgId++;
    r.sent++;
    r.bytesSent += bytes;
    this.trace.send(this.time, r.index, dest!.index, id, msg, hash);

    const c = this.rule ? this.ruled(r, to, msg) : this.net;
    if (!this.partitions.isOpen(r.id, to)) return this.trace.drop(this.time, r.index, dest!.index, id, msg, this.time, "partition");
    if (c.drop > 0 && this.netRng.chance(c.drop)) return this.trace.drop(this.time, r.index, dest!.index, id, msg, this.time, "loss");
    this.enqueueDelivery(r, dest, id, msg, hash, c);
    if (c.duplicate > 0 && this.netRng.chance(c.duplicate)) this.duplicate(r, dest, id, msg, hash, c);
  }

  /** The network's conditions for this one message, where the scenario has a per-message rule. */
  private ruled(r: NodeRec, to: NodeId, msg: unknown): NetworkConfig {
    return { ...this.net, ...this.rule!(r.id, to, msg) };
  }

  /** The network delivers this message a second time. */
  private duplicate(from: NodeRec, to: NodeRec, id: number, msg: unknown, hash: number, c: NetworkConfig): void {
    this.trace.record({ t: this.time, k: "duplicate", from: from.id, to: to.id, id, copy: 2 }, hash);
    this.enqueueDelivery(from, to, id, msg, hash, c);
  }

  private noSuchPeer(r: NodeRec, to: NodeId): never {
    this.fail(new RunError(`${r.id} sent a message to "${to}", which is not in this cluster (${this.allIds.filter((x) => x !== r.id).join(", ")}). Check the id you reply to.`, this.whereFn()));
  }

  private enqueueDelivery(from: NodeRec, to: NodeRec, id: number, msg: unknown, hash: number, c: NetworkConfig): void {
    let e: SimEvent;
    if (this.poolSize === 0) e = new SimEvent(Kind.Deliver, to, from, id, msg, hash, this.time);
    else {
      e = this.pool[--this.poolSize]!;
      e.node = to;
      e.from = from;
      e.id = id;
      e.msg = msg;
      e.hash = hash;
      e.sentAt = this.time;
    }
    e.t = this.time + sampleDelay(c, this.netRng);
    if (c.corrupt > 0 && this.netRng.chance(c.corrupt)) this.damage(e);
    this.queue.push(e);
  }

  /** Opt-in message corruption: the message arrives with one leaf changed. */
  private damage(e: SimEvent): void {
    e.msg = corrupt(e.msg, (n) => Math.floor(this.netRng.next() * n));
    e.name = "corrupted";
  }

  private recordDrop(from: NodeRec, to: NodeRec, id: number, msg: unknown, hash: number, sentAt: number, why: DropReason): void {
    this.trace.drop(this.time, from.index, to.index, id, msg, sentAt, why);
  }

  private deliver(e: SimEvent): void {
    const to = e.node!;
    const from = e.from!;
    if (!this.partitions.isOpen(from.id, to.id)) return this.recordDrop(from, to, e.id, e.msg, e.hash, e.sentAt, "partition");
    if (to.status === "down") return this.recordDrop(from, to, e.id, e.msg, e.hash, e.sentAt, "down");
    if (to.status === "paused") {
      e.retained = true;
      to.pending.push(e);
      return;
    }
    to.received++;
    this.trace.deliver(this.time, from.index, to.index, e.id, e.msg, e.sentAt, e.name === "corrupted");
    this.handle(to, "onMessage", from.id, e.msg);
  }

  private setTimer(r: NodeRec, name: string, afterMs: number): void {
    if (r.status === "down") return;
    if (typeof name !== "string") this.fail(new RunError(`setTimer's name must be a string, got ${typeof name}.`, this.whereFn()));
    if (!(typeof afterMs === "number" && Number.isFinite(afterMs) && afterMs >= 0))
      this.fail(new RunError(`setTimer("${name}", ${String(afterMs)}) needs a finite, non-negative number of ms.`, this.whereFn()));
    const token = this.nextToken++;
    r.timers.set(name, token);
    const e = new SimEvent(Kind.Timer, r);
    e.t = this.time + r.clock.trueDuration(afterMs);
    e.name = name;
    e.token = token;
    e.epoch = r.epoch;
    this.queue.push(e);
  }

  private fireTimer(e: SimEvent): void {
    const r = e.node!;
    if (r.epoch !== e.epoch || r.timers.get(e.name) !== e.token) return; // cancelled, replaced, or from before a crash
    if (r.status === "paused") {
      r.pending.push(e);
      return;
    }
    r.timers.delete(e.name);
    this.trace.record({ t: this.time, k: "timer", node: r.id, name: e.name });
    if (typeof r.handlers!.onTimer !== "function") this.fail(new RunError(`${r.id} set a timer "${e.name}" but has no onTimer(name) handler to receive it.`, { node: r.id, time: this.time }));
    this.handle(r, "onTimer", e.name, null);
  }

  private log(r: NodeRec, text: string): void {
    text = logLine(text);
    if ((this.dataTaken += text.length) > MAX_DATA_PER_RUN) this.tooMuchData(r);
    this.trace.record({ t: this.time, k: "log", node: r.id, text });
  }

  private tooMuchData(r: NodeRec): never {
    this.fail(new RunError(`The nodes of this run handed the lab more than ${MAX_DATA_PER_RUN / (1024 * 1024)} MB of data, ${DATA_FLOODED} (messages, outputs, disk writes and log lines together; ${r.id} went over): the lab keeps much of it to check the run. Look for a message, output or log line that grows on every event, or a loop that sends or writes without end.`, this.whereFn()));
  }

  private output(r: NodeRec, value: unknown): void {
    if (r.status === "down") return;
    const h = this.scratch;
    h.a = 0x2545f491;
    h.b = 0x9e3779b9;
    value = takeData(value, "output", h, this.maxBytes, this.whereFn());
    if ((this.dataTaken += lastDataBytes()) > MAX_DATA_PER_RUN) this.tooMuchData(r);
    this.trace.record({ t: this.time, k: "output", node: r.id, value }, h.u32());
    const o: OutputRecord = { t: this.time, node: r.id, value };
    this.outputs.push(o);
    for (const l of this.outputListeners) l(o);
  }

  private applyFault(op: FaultOp): void {
    let note: string | undefined;
    switch (op.op) {
      case "partition":
        this.partitions.split(op.groups);
        break;
      case "partition-oneway":
        this.partitions.oneWay(op.from, op.to);
        break;
      case "isolate":
        this.partitions.isolate(op.node, this.allIds);
        break;
      case "heal":
        this.partitions.heal();
        break;
      case "network": {
        const { at: _at, op: _op, ...rest } = op;
        const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Partial<NetworkConfig>;
        this.net = { ...this.net, ...defined };
        break;
      }
      case "clock":
        this.rec(op.node).clock.set(this.time, op.skewMs, op.driftPpm ?? 0);
        break;
      case "disk-corruption":
        this.rec(op.node).disk.corruptRate = op.rate;
        break;
      case "crash": {
        const r = this.rec(op.node);
        if (r.status === "down") note = "already down";
        else {
          r.status = "down";
          r.instance = null;
          r.handlers = null;
          r.epoch++;
          r.timers.clear();
          for (const w of r.pending) if (w.kind === Kind.Deliver) this.recordDrop(w.from!, r, w.id, w.msg, w.hash, w.sentAt, "down");
          r.pending = [];
          r.disk.crash();
        }
        break;
      }
      case "restart": {
        const r = this.rec(op.node);
        if (r.status !== "down") note = "not down: nothing to restart";
        else {
          this.trace.record({ t: this.time, k: "fault", op });
          this.trace.record({ t: this.time, k: "restart", node: r.id });
          this.boot(r, true);
          return;
        }
        break;
      }
      case "pause": {
        const r = this.rec(op.node);
        if (r.status !== "up") note = `${r.status}: cannot pause`;
        else r.status = "paused";
        break;
      }
      case "resume": {
        const r = this.rec(op.node);
        if (r.status !== "paused") note = "not paused";
        else {
          r.status = "up";
          // Work that queued up during the pause runs now, in arrival order.
          const work = r.pending;
          r.pending = [];
          for (const w of work) {
            w.t = this.time;
            w.retained = false;
            this.queue.push(w);
          }
        }
        break;
      }
    }
    this.trace.record(note ? { t: this.time, k: "fault", op, note } : { t: this.time, k: "fault", op });
    if (!note && (op.op === "crash" || op.op === "pause" || op.op === "resume")) this.trace.record({ t: this.time, k: op.op, node: op.node });
  }
}
