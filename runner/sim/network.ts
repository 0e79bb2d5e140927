// Network conditions and partitions. The network decides, for each message,
// whether it is lost, duplicated or corrupted and how long it takes, drawing
// from the run's network stream only, so the same seed gives the same fate.

import type { Stream } from "./random.ts";
import type { NodeId } from "./types.ts";

export interface NetworkConfig {
  /** Probability a message is lost. */
  drop: number;
  /** Probability a message is delivered twice. */
  duplicate: number;
  /** Usual one-way delay, uniform in [lo, hi] ms. */
  delayMs: readonly [number, number];
  /** Probability of a long-tail delay instead (this is what reorders messages). */
  tail: number;
  tailMs: readonly [number, number];
  /** Probability a delivered message is damaged (opt-in: the end-to-end lesson). */
  corrupt: number;
}

export const DEFAULT_NETWORK: NetworkConfig = Object.freeze({
  drop: 0,
  duplicate: 0,
  delayMs: [1, 10] as const,
  tail: 0,
  tailMs: [50, 500] as const,
  corrupt: 0,
});

/** A per-message override, e.g. "replies travel slower". */
export type MessageRule = (from: NodeId, to: NodeId, msg: unknown) => Partial<NetworkConfig> | undefined;

export function sampleDelay(c: NetworkConfig, rng: Stream): number {
  // Indexing, not destructuring: this runs for every message.
  const range = c.tail > 0 && rng.chance(c.tail) ? c.tailMs : c.delayMs;
  const lo = range[0];
  const hi = range[1];
  return hi > lo ? lo + Math.floor(rng.next() * (hi - lo + 1)) : lo;
}

/** Which directed links are cut. A link a→b is open unless some partition cuts it. */
export class Partitions {
  private readonly cut = new Map<NodeId, Set<NodeId>>();
  private count = 0;

  get any(): boolean {
    return this.count > 0;
  }

  isOpen(from: NodeId, to: NodeId): boolean {
    if (this.count === 0 || from === to) return true;
    const s = this.cut.get(from);
    return s === undefined || !s.has(to);
  }

  block(from: NodeId, to: NodeId): void {
    if (from === to) return;
    let s = this.cut.get(from);
    if (!s) this.cut.set(from, (s = new Set()));
    if (!s.has(to)) {
      s.add(to);
      this.count++;
    }
  }

  /** Nodes in different groups cannot talk. Nodes in no group are unaffected. */
  split(groups: readonly (readonly NodeId[])[]): void {
    for (let i = 0; i < groups.length; i++)
      for (let j = 0; j < groups.length; j++) if (i !== j) for (const a of groups[i]!) for (const b of groups[j]!) this.block(a, b);
  }

  oneWay(from: readonly NodeId[], to: readonly NodeId[]): void {
    for (const a of from) for (const b of to) this.block(a, b);
  }

  isolate(node: NodeId, everyone: readonly NodeId[]): void {
    for (const other of everyone) {
      this.block(node, other);
      this.block(other, node);
    }
  }

  heal(): void {
    this.cut.clear();
    this.count = 0;
  }
}
