// Every event of a run, recorded compactly, and a trace hash over all of them.
// The hash is folded in as events are recorded (message contents were hashed
// once when they were checked), so the same seed gives the same hash on every
// run and machine, and computing it costs almost nothing.

import { visibleText } from "./visible.ts";
import { Hasher } from "./hash.ts";
import type { FaultOp } from "./nemesis.ts";
import type { NodeId } from "./types.ts";

export type DropReason = "loss" | "partition" | "down" | "corrupted";

export type TraceEvent =
  | { t: number; k: "start"; node: NodeId }
  | { t: number; k: "send"; from: NodeId; to: NodeId; id: number; msg: unknown }
  | { t: number; k: "deliver"; from: NodeId; to: NodeId; id: number; msg: unknown; sentAt: number; corrupted?: true }
  | { t: number; k: "drop"; from: NodeId; to: NodeId; id: number; msg: unknown; sentAt: number; why: DropReason }
  | { t: number; k: "duplicate"; from: NodeId; to: NodeId; id: number; copy: number }
  | { t: number; k: "timer"; node: NodeId; name: string }
  | { t: number; k: "crash" | "restart" | "pause" | "resume"; node: NodeId }
  | { t: number; k: "output"; node: NodeId; value: unknown }
  | { t: number; k: "log"; node: NodeId; text: string }
  | { t: number; k: "fault"; op: FaultOp; note?: string }
  | { t: number; k: "error"; node: NodeId; message: string };

export type TraceKind = TraceEvent["k"];

const KIND_CODE: Record<TraceKind, number> = {
  start: 1, send: 2, deliver: 3, drop: 4, duplicate: 5, timer: 6, crash: 7, restart: 8, pause: 9, resume: 10, output: 11, log: 12, fault: 13, error: 14,
};

export interface TraceJson {
  version: 1;
  seed: number;
  nodes: NodeId[];
  hash: string;
  /** How many events the run had; `events` may hold only the last ones. */
  total: number;
  events: TraceEvent[];
}

const DROP_REASONS: readonly DropReason[] = ["loss", "partition", "down", "corrupted"];

/** Sender and receiver indices in one number (fits the hash's head word for up to 4096 nodes). */
function who(from: number, to: number): number {
  return (from << 12) | to;
}

/**
 * Columns of typed arrays rather than one object per event: sends, deliveries
 * and drops are most of a run and are recorded on the hot path; events are
 * turned into objects only when someone reads them.
 */
export class Trace {
  /** Events held, in a ring: logical event i lives at (head + i) % cap. */
  private n = 0;
  private head = 0;
  private cap: number;
  private kind: Uint8Array;
  private time: Float64Array;
  private from: Int32Array;
  private to: Int32Array;
  private msgId: Float64Array;
  private sent: Float64Array;
  private flag: Uint8Array;
  /** The message or value, or (for other kinds) the whole event object. */
  private ref: unknown[] = [];
  private readonly hasher = new Hasher();
  private count = 0;
  /** Materialized events, starting at absolute event number cacheStart. */
  private cache: TraceEvent[] = [];
  private cacheStart = 0;

  /** Keeps at most `limit` events in memory (the most recent); the hash covers all of them. */
  constructor(
    /** Node ids by index, for the hot-path records. */
    readonly nodes: readonly NodeId[] = [],
    // 64 Ki events: twice the longest run any suite makes today (about 30k),
    // and small enough that a message the trace still holds is gone before
    // the garbage collector would promote it to the old generation — holding
    // 200k made every message outlive two scavenges, at a measurable cost.
    readonly limit = 65_536,
  ) {
    this.cap = Math.max(1, Math.min(1024, limit));
    this.kind = new Uint8Array(this.cap);
    this.time = new Float64Array(this.cap);
    this.from = new Int32Array(this.cap);
    this.to = new Int32Array(this.cap);
    this.msgId = new Float64Array(this.cap);
    this.sent = new Float64Array(this.cap);
    this.flag = new Uint8Array(this.cap);
  }

  /** The physical index for a new event; at the limit it overwrites the oldest (the hash already covers it). */
  private slot(): number {
    this.count++;
    // Until the ring is full, head is 0 (grow() lays it out from 0 again).
    if (this.n < this.cap) return this.n++;
    if (this.cap < this.limit) {
      this.grow();
      return this.n++;
    }
    const p = this.head;
    this.head = p + 1 === this.cap ? 0 : p + 1;
    return p;
  }

  /** Doubles the columns (up to the limit), laying the ring out from 0 again. */
  private grow(): void {
    const cap = Math.min(this.cap * 2, this.limit);
    const order = (i: number) => (this.head + i) % this.cap;
    const re = <T extends Uint8Array | Float64Array | Int32Array>(old: T): T => {
      const next = new (old.constructor as new (n: number) => T)(cap);
      if (this.head === 0) next.set(old.subarray(0, this.n));
      else for (let i = 0; i < this.n; i++) next[i] = old[order(i)]!;
      return next;
    };
    this.kind = re(this.kind);
    this.time = re(this.time);
    this.from = re(this.from);
    this.to = re(this.to);
    this.msgId = re(this.msgId);
    this.sent = re(this.sent);
    this.flag = re(this.flag);
    const ref = new Array<unknown>(cap);
    for (let i = 0; i < this.n; i++) ref[i] = this.ref[order(i)];
    this.ref = ref;
    this.head = 0;
    this.cap = cap;
  }

  /** Hot path: a message was sent (`from`/`to` are node indices). */
  send(t: number, from: number, to: number, id: number, msg: unknown, contentHash: number): void {
    this.hasher.event(2 | (who(from, to) << 4), t, id, contentHash);
    this.message(2, t, from, to, id, msg, t, 0);
  }

  /** Hot path: a message arrived. */
  deliver(t: number, from: number, to: number, id: number, msg: unknown, sentAt: number, corrupted: boolean): void {
    // The send with this id already hashed who and what; a corrupted copy says so in its kind.
    this.hasher.event(corrupted ? 15 : 3, t, id);
    this.message(3, t, from, to, id, msg, sentAt, corrupted ? 1 : 0);
  }

  /** Hot path: a message was lost. */
  drop(t: number, from: number, to: number, id: number, msg: unknown, sentAt: number, why: DropReason): void {
    const w = DROP_REASONS.indexOf(why);
    this.hasher.event(4 | (w << 4), t, id);
    this.message(4, t, from, to, id, msg, sentAt, w);
  }

  /** One row for a send (kind 2), delivery (3) or drop (4); `flag`: corrupted, or why it was dropped. */
  private message(kind: number, t: number, from: number, to: number, id: number, msg: unknown, sentAt: number, flag: number): void {
    const i = this.slot();
    this.kind[i] = kind;
    this.time[i] = t;
    this.from[i] = from;
    this.to[i] = to;
    this.msgId[i] = id;
    this.sent[i] = sentAt;
    this.flag[i] = flag;
    this.ref[i] = msg;
  }

  /**
   * Records any other event. `contentHash` is the hash of its value (already
   * computed while checking it) so it is not walked twice.
   */
  record(e: TraceEvent, contentHash = 0): void {
    const h = this.hasher;
    h.int(KIND_CODE[e.k]).num(e.t).int(contentHash);
    switch (e.k) {
      case "send":
      case "deliver":
      case "drop":
      case "duplicate":
        h.str(e.from).str(e.to).int(e.id);
        break;
      case "timer":
        h.str(e.node).str(e.name);
        break;
      case "log":
        h.str(e.node).str(e.text);
        break;
      case "fault":
        h.str(JSON.stringify(e.op));
        if (e.note) h.str(e.note);
        break;
      case "error":
        h.str(e.node).str(e.message);
        break;
      default:
        h.str(e.node);
    }
    const i = this.slot();
    this.kind[i] = 0;
    this.time[i] = e.t;
    this.ref[i] = e;
  }

  private materialize(i: number): TraceEvent {
    const k = this.kind[i]!;
    if (k === 0) return this.ref[i] as TraceEvent;
    const t = this.time[i]!;
    const from = this.nodes[this.from[i]!]!;
    const to = this.nodes[this.to[i]!]!;
    const id = this.msgId[i]!;
    const msg = this.ref[i];
    if (k === 2) return { t, k: "send", from, to, id, msg };
    if (k === 3) return this.flag[i] ? { t, k: "deliver", from, to, id, msg, sentAt: this.sent[i]!, corrupted: true } : { t, k: "deliver", from, to, id, msg, sentAt: this.sent[i]! };
    return { t, k: "drop", from, to, id, msg, sentAt: this.sent[i]!, why: DROP_REASONS[this.flag[i]!]! };
  }

  get hash(): string {
    return this.hasher.hex();
  }

  /** Every event ever recorded (the in-memory part may be shorter). */
  get total(): number {
    return this.count;
  }

  /** Events still held in memory (all of them unless the run exceeded the limit). */
  all(): readonly TraceEvent[] {
    const oldest = this.count - this.n;
    if (this.cacheStart < oldest) {
      this.cache.splice(0, Math.min(this.cache.length, oldest - this.cacheStart));
      this.cacheStart = oldest;
    }
    for (let abs = this.cacheStart + this.cache.length; abs < this.count; abs++) this.cache.push(this.materialize((this.head + (abs - oldest)) % this.cap));
    return this.cache;
  }

  /** The last `n` events, or those in a time window. */
  excerpt(opts: { last?: number; from?: number; to?: number } = {}): TraceEvent[] {
    let es = this.all();
    if (opts.from !== undefined || opts.to !== undefined) es = es.filter((e) => e.t >= (opts.from ?? -Infinity) && e.t <= (opts.to ?? Infinity));
    return opts.last !== undefined ? es.slice(-opts.last) : es.slice();
  }

  toJSON(seed: number, nodes: NodeId[], lastN?: number): TraceJson {
    const es = this.all();
    return { version: 1, seed, nodes, hash: this.hash, total: this.count, events: lastN ? es.slice(-lastN) : es.slice() };
  }
}

/** A log line longer than this is cut, with a note of how much: the log is for reading, and the lab keeps it. */
export const MAX_LOG_CHARS = 16 * 1024;

/** What the trace keeps of a ctx.log line. (A line too long even to cut cheaply — cutting a string built by concatenation copies all of it first — is not kept at all.) */
export function logLine(text: string): string {
  if (text.length <= MAX_LOG_CHARS) return visibleText(text);
  if (text.length > 64 * MAX_LOG_CHARS) return `(a log line of ${text.length.toLocaleString("en")} characters, not kept)`;
  return `${visibleText(text.slice(0, MAX_LOG_CHARS))}… (${(text.length - MAX_LOG_CHARS).toLocaleString("en")} more characters not kept)`;
}
