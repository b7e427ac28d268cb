/**
 * Python's random.Random seeded with a string: the Mersenne Twister
 * (MT19937) with CPython's init_by_array seeding and its `_randbelow`, so
 * that `lookup('password', 'f seed=x')` picks the password Ansible picks.
 */
import { createHash, randomInt } from 'node:crypto';

const N = 624;
const M = 397;

export class PythonRandom {
  private readonly mt = new Uint32Array(N);
  private index = N;

  constructor(seed: string | number | bigint) {
    // random.seed(int) takes the integer's absolute value; random.seed(str), version 2,
    // the bytes followed by their SHA-512, as one big-endian integer
    let n: bigint;
    if (typeof seed === 'string') {
      const bytes = Buffer.from(seed, 'utf8');
      n = BigInt(`0x${Buffer.concat([bytes, createHash('sha512').update(bytes).digest()]).toString('hex')}`);
    } else {
      n = BigInt(seed);
      if (n < 0n) n = -n;
    }
    const key: number[] = [];
    while (n > 0n) {
      key.push(Number(n & 0xffffffffn));
      n >>= 32n;
    }
    this.initByArray(key.length ? key : [0]);
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.index = N;
  }

  private initByArray(key: number[]): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1664525)) + key[j]! + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }

  private twist(): void {
    const mt = this.mt;
    for (let i = 0; i < N; i++) {
      const y = (mt[i]! & 0x80000000) | (mt[(i + 1) % N]! & 0x7fffffff);
      mt[i] = mt[(i + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.index = 0;
  }

  uint32(): number {
    if (this.index >= N) this.twist();
    let y = this.mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** getrandbits(k) for k <= 32. */
  getrandbits(k: number): number {
    return k === 0 ? 0 : this.uint32() >>> (32 - k);
  }

  /** random.randrange(start, stop, step). */
  randrange(start: number, stop: number, step: number): number {
    return randrange(this, start, stop, step);
  }

  /** A whole number in [0, n): bits for n's bit length, drawn again while too large. */
  randbelow(n: number): number {
    const k = n.toString(2).length;
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }
}

/** What Python's random functions draw from: a seeded PythonRandom, or the system's randomness (SystemRandom). */
export interface RandomSource {
  randbelow(n: number): number;
}

export const systemRandom: RandomSource = { randbelow: (n) => randomInt(n) };

/** random.randrange(start, stop, step), failing on an empty range as Python does. */
export function randrange(source: RandomSource, start: number, stop: number, step: number): number {
  const width = stop - start;
  if (step === 0) throw new RangeError('zero step for randrange()');
  const n = step > 0 ? Math.floor((width + step - 1) / step) : Math.floor((width + step + 1) / step);
  if (n <= 0) throw new RangeError(`empty range in randrange(${start}, ${stop}, ${step})`);
  return start + step * source.randbelow(n);
}

/** random.shuffle: in place, from the end, as CPython walks the list. */
export function shuffleInPlace(source: RandomSource, items: unknown[]): unknown[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = source.randbelow(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
