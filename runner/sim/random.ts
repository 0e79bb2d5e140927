// Seeded randomness. One seed per run; each consumer gets its own stream
// (network, faults, every node) so that a learner calling ctx.random() more or
// less often does not change the faults a counterexample replays.

import { xoroshiro128plus, type RandomGenerator } from "pure-rand";
import { deriveSeed } from "./hash.ts";

export class Stream {
  private readonly gen: RandomGenerator;
  constructor(seed: number, name: string) {
    this.gen = xoroshiro128plus(deriveSeed(seed, name));
  }
  /** Uniform in [0, 1). */
  next(): number {
    return (this.gen.unsafeNext() >>> 0) / 4294967296;
  }
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  /** True with probability p. */
  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new Error("pick from an empty list");
    return xs[Math.floor(this.next() * xs.length)]!;
  }
}
