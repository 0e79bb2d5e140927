// A node's disk: survives crash and restart. It stores checked, frozen copies
// and hands out fresh copies, so no object is ever shared between a node's
// memory and its disk (or between two incarnations of a node).

import { copyData, corrupt, DEFAULT_MAX_MESSAGE_BYTES, lastDataBytes, takeData } from "./message.ts";
import type { Stream } from "./random.ts";
import type { Disk } from "./types.ts";
import type { Where } from "./errors.ts";

export interface DiskOptions {
  /** A crash forgets writes made since the last sync(). Off unless an exercise declares it. */
  loseUnsynced?: boolean;
  maxBytes?: number;
}

export class SimDisk implements Disk {
  private readonly durable = new Map<string, unknown>();
  private readonly unsynced = new Map<string, unknown>();
  /** Probability that a read returns damaged data (opt-in fault). */
  corruptRate = 0;
  /**
   * Bytes stored (approximate), e.g. for "persisted state under 2,000 bytes".
   * Kept per map so a crash that forgets un-synced writes forgets their size too.
   */
  private readonly durableSizes = new Map<string, number>();
  private readonly unsyncedSizes = new Map<string, number>();

  constructor(
    private readonly rng: Stream,
    private readonly opts: DiskOptions,
    private readonly where: () => Where,
  ) {}

  get<T>(key: string): T | undefined {
    const v = this.unsynced.has(key) ? this.unsynced.get(key) : this.durable.get(key);
    if (v === undefined) return undefined;
    if (this.corruptRate > 0 && this.rng.chance(this.corruptRate)) return copyData(corrupt(v, (n) => Math.floor(this.rng.next() * n))) as T;
    return copyData(v) as T;
  }

  set(key: string, v: unknown): void {
    // The disk keeps a frozen copy; the learner's object stays theirs (unfrozen).
    const copy = takeData(v, `disk.set(${JSON.stringify(key)}, value): value`, null, this.opts.maxBytes ?? 16 * DEFAULT_MAX_MESSAGE_BYTES, this.where());
    const bytes = lastDataBytes();
    if (this.opts.loseUnsynced) {
      this.unsynced.set(key, copy);
      this.unsyncedSizes.set(key, bytes);
    } else {
      this.durable.set(key, copy);
      this.durableSizes.set(key, bytes);
    }
  }

  sync(): void {
    for (const [k, v] of this.unsynced) this.durable.set(k, v);
    for (const [k, b] of this.unsyncedSizes) this.durableSizes.set(k, b);
    this.unsynced.clear();
    this.unsyncedSizes.clear();
  }

  /** Called by the simulator on crash. */
  crash(): void {
    this.unsynced.clear();
    this.unsyncedSizes.clear();
  }

  get bytes(): number {
    let n = 0;
    for (const [k, b] of this.durableSizes) if (!this.unsyncedSizes.has(k)) n += b;
    for (const b of this.unsyncedSizes.values()) n += b;
    return n;
  }

  keys(): string[] {
    return [...new Set([...this.durable.keys(), ...this.unsynced.keys()])].sort();
  }
}
