// A small, fast, non-cryptographic 64-bit hash built from two 32-bit lanes.
// It only has to be stable across runs and machines (for trace hashes) and
// spread well (for deriving PRNG seeds), so Math.imul mixing is enough.

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

export class Hasher {
  a = 0x9e3779b9 | 0;
  b = 0x85ebca6b | 0;

  int(x: number): this {
    this.a = Math.imul(this.a ^ x, 0x01000193);
    this.b = Math.imul(this.b ^ x, 0x5bd1e995);
    this.b ^= this.b >>> 15;
    return this;
  }

  /**
   * One message event in one go (the hot path: every send, delivery and
   * drop): `head` (its kind, and for a send who sent it to whom), the time,
   * the message id, and for a send the content hash. A delivery or a drop
   * leaves the content out: the send with the same id already fixed it.
   * Same mixing as int() on each, with the lanes kept in locals.
   */
  event(head: number, t: number, id: number, content?: number): void {
    let a = Math.imul(this.a ^ head, 0x01000193);
    let b = Math.imul(this.b ^ head, 0x5bd1e995);
    b ^= b >>> 15;
    if ((t | 0) === t) {
      a = Math.imul(a ^ t, 0x01000193);
      b = Math.imul(b ^ t, 0x5bd1e995);
      b ^= b >>> 15;
    } else {
      // Rare (times are whole milliseconds unless a clock drifts): out of
      // line, so that this method stays small enough to be inlined.
      this.a = a;
      this.b = b;
      this.num(t);
      a = this.a;
      b = this.b;
    }
    a = Math.imul(a ^ id, 0x01000193);
    b = Math.imul(b ^ id, 0x5bd1e995);
    b ^= b >>> 15;
    if (content !== undefined) {
      a = Math.imul(a ^ content, 0x01000193);
      b = Math.imul(b ^ content, 0x5bd1e995);
      b ^= b >>> 15;
    }
    this.a = a;
    this.b = b;
  }

  num(x: number): this {
    // -0 and fractional or large numbers go through their bits (so -0 ≠ 0).
    if ((x | 0) === x && (x !== 0 || 1 / x > 0)) return this.int(x);
    f64[0] = x;
    return this.int(u32[0]! ^ 0x7ff).int(u32[1]!);
  }

  str(s: string): this {
    this.int(s.length ^ 0x5f3759df);
    for (let i = 0; i < s.length; i++) this.int(s.charCodeAt(i));
    return this;
  }

  /** 16 hex digits. */
  hex(): string {
    return hex32(finalMix(this.a)) + hex32(finalMix(this.b ^ this.a));
  }

  /** A 32-bit value, for seeding. */
  u32(): number {
    return finalMix(this.a ^ Math.imul(this.b, 0x27d4eb2d)) >>> 0;
  }
}

function finalMix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

function hex32(x: number): string {
  return (x >>> 0).toString(16).padStart(8, "0");
}

/** Derives an independent 32-bit seed for a named stream. */
export function deriveSeed(seed: number, stream: string): number {
  return new Hasher().num(seed).str(stream).u32();
}
