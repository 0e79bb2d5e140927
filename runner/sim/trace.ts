// Every event of a run, recorded compactly, and a trace hash over all of them.
// The hash is folded in as events are recorded (message contents were hashed
// once when they were checked), so the same seed gives the same hash on every
// run and machine, and computing it costs almost nothing.

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

export class Trace {
  private events: TraceEvent[] = [];
  private dropped = 0;
  private readonly hasher = new Hasher();
  private count = 0;

  /** Keeps at most `limit` events in memory (the most recent); the hash covers all of them. */
  constructor(readonly limit = 200_000) {}

  /**
   * Records an event. `contentHash` is the hash of the message/value (already
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
        break;
      case "error":
        h.str(e.node).str(e.message);
        break;
      default:
        h.str(e.node);
    }
    this.count++;
    this.events.push(e);
    if (this.events.length > this.limit) {
      const cut = this.events.length - Math.floor(this.limit / 2);
      this.events.splice(0, cut);
      this.dropped += cut;
    }
  }

  get hash(): string {
    return this.hasher.hex();
  }

  get total(): number {
    return this.count;
  }

  /** Events still held in memory (all of them unless the run exceeded the limit). */
  all(): readonly TraceEvent[] {
    return this.events;
  }

  /** The last `n` events, or those in a time window. */
  excerpt(opts: { last?: number; from?: number; to?: number } = {}): TraceEvent[] {
    let es = this.events;
    if (opts.from !== undefined || opts.to !== undefined) es = es.filter((e) => e.t >= (opts.from ?? -Infinity) && e.t <= (opts.to ?? Infinity));
    return opts.last !== undefined ? es.slice(-opts.last) : es.slice();
  }

  toJSON(seed: number, nodes: NodeId[], lastN?: number): TraceJson {
    return { version: 1, seed, nodes, hash: this.hash, total: this.count, events: lastN ? this.events.slice(-lastN) : this.events.slice() };
  }
}
