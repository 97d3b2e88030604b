// Owns the corpus's seeded randomness: a mulberry32 generator and the few helpers the generator draws with.
//
// Math.random is never used: the same seed must give byte-identical corpora on every machine and Node version,
// and mulberry32 is tiny, fast and fully specified by its 32-bit integer arithmetic.

export class Random {
  private state: number;

  constructor(seed: number) {
    // Mix the seed once so that nearby seeds (1, 2, 3) do not start with visibly similar streams.
    this.state = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ 0xc2b2ae35) >>> 0;
  }

  /** Next float in [0, 1) (mulberry32). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Random.pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks by weight: `[[item, weight], ...]`. */
  weighted<T>(choices: ReadonlyArray<readonly [T, number]>): T {
    const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [item, weight] of choices) {
      roll -= weight;
      if (roll < 0) return item;
    }
    return (choices[choices.length - 1] as readonly [T, number])[0];
  }

  /** `count` pseudo-random bytes (for attachment payloads). */
  bytes(count: number): Buffer {
    const out = Buffer.allocUnsafe(count);
    for (let i = 0; i < count; i += 4) {
      const word = Math.floor(this.next() * 4294967296);
      for (let j = 0; j < 4 && i + j < count; j++) out[i + j] = (word >>> (8 * j)) & 0xff;
    }
    return out;
  }

  /** Lower-case hex string of `length` characters. */
  hex(length: number): string {
    let out = '';
    while (out.length < length) out += Math.floor(this.next() * 4294967296).toString(16).padStart(8, '0');
    return out.slice(0, length);
  }
}
