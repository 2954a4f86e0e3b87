/**
 * The simulator's only source of randomness: a seeded PRNG (pure-rand's
 * xoroshiro128+) with TigerBeetle-style named forks.
 */
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plusFromState } from "pure-rand/generator/xoroshiro128plus";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";
import { fnv1a32, fnvOffsetBasis, mix32 } from "./_internals/hash32.ts";
import { SimAssertionError } from "./SimAssertionError.ts";

/** Separator of fork names in {@link SimRandom.path}; forbidden inside a name. */
const forkPathSeparator = "/";

/** A second FNV offset basis: two independent 32-bit hashes of the path make name collisions negligible. */
const fnvOffsetBasisSecond = 0x050c5d1f;

/** Largest width of {@link SimRandom.id}'s random part: 6 hex digits, 24 bits. */
const idRandomMax = 0xff_ffff;

/**
 * A seeded random stream. Every draw mutates this stream only. Integer-only API:
 * probabilities are integer ratios (TigerBeetle), never floats.
 */
export interface SimRandom {
  /** The root seed this stream descends from (what `--seed` prints). */
  readonly seed: number;
  /** Fork names from the root, joined by `/`; `""` for the root. */
  readonly path: string;
  /**
   * A new stream derived from (root seed, `path/name`) only, never from this stream's
   * state: draws here never shift the fork, and draws in the fork never shift this one.
   * `name` must be non-empty without `/`. Forking the same name twice from one stream
   * is asserted against: it would hand two subsystems identical streams.
   */
  fork(name: string): SimRandom;
  /** A uniform integer in [minInclusive, maxInclusive]; both safe integers. */
  integer(minInclusive: number, maxInclusive: number): number;
  /** True with probability numerator/denominator (integers, 0 <= numerator <= denominator, denominator >= 1). Always draws once. */
  chance(numerator: number, denominator: number): boolean;
  /** One element, uniformly; `items` must be non-empty. */
  pick<T>(items: readonly T[]): T;
  /** A shuffled copy (Fisher-Yates); `items` is not modified. */
  shuffle<T>(items: readonly T[]): T[];
  /** `prefix` followed by 6 random lowercase hex digits, e.g. `id("c-")` → `"c-3f2a9b"`. Not unique: see createSimIdSource. */
  id(prefix: string): string;
}

/**
 * Creates the root stream for one simulation. `seed` is a non-negative safe integer
 * (the one `--seed` takes). Every subsystem should take its own fork of it.
 */
export function createRandom(seed: number): SimRandom {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new SimAssertionError(`createRandom: seed must be a non-negative safe integer, got ${seed}`);
  }
  return new SeededRandom(seed, "");
}

/** xoroshiro128+ state for (seed, path): four 32-bit words, each a separate mix of all inputs. */
function deriveState(seed: number, path: string): number[] {
  const seedLow = seed >>> 0;
  const seedHigh = Math.floor(seed / 0x1_0000_0000) >>> 0;
  const pathHash = fnv1a32(path, fnvOffsetBasis);
  const pathHashSecond = fnv1a32(path, fnvOffsetBasisSecond);
  const state: number[] = [];
  for (let lane = 1; lane <= 4; lane += 1) {
    let word = mix32(seedLow ^ Math.imul(lane, 0x9e3779b9));
    word = mix32(word ^ seedHigh);
    word = mix32(word ^ pathHash);
    word = mix32(word ^ pathHashSecond);
    state.push(word | 0);
  }
  // An all-zero state would make xoroshiro emit zeros forever.
  if ((state[0]! | state[1]! | state[2]! | state[3]!) === 0) state[0] = 1;
  return state;
}

class SeededRandom implements SimRandom {
  readonly seed: number;
  readonly path: string;
  private readonly generator: RandomGenerator;
  private readonly forkedNames = new Set<string>();

  constructor(seed: number, path: string) {
    this.seed = seed;
    this.path = path;
    this.generator = xoroshiro128plusFromState(deriveState(seed, path));
  }

  fork(name: string): SimRandom {
    if (name.length === 0 || name.includes(forkPathSeparator)) {
      throw new SimAssertionError(`SimRandom.fork: name must be non-empty without "${forkPathSeparator}", got "${name}"`);
    }
    if (this.forkedNames.has(name)) {
      throw new SimAssertionError(`SimRandom.fork: "${name}" already forked from "${this.path}"; two forks would share one stream`);
    }
    this.forkedNames.add(name);
    return new SeededRandom(this.seed, this.path === "" ? name : this.path + forkPathSeparator + name);
  }

  integer(minInclusive: number, maxInclusive: number): number {
    if (!Number.isSafeInteger(minInclusive) || !Number.isSafeInteger(maxInclusive) || minInclusive > maxInclusive) {
      throw new SimAssertionError(`SimRandom.integer: need integers min <= max, got [${minInclusive}, ${maxInclusive}]`);
    }
    return uniformInt(this.generator, minInclusive, maxInclusive);
  }

  chance(numerator: number, denominator: number): boolean {
    if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator < 1 || numerator < 0 || numerator > denominator) {
      throw new SimAssertionError(`SimRandom.chance: need integers 0 <= numerator <= denominator, denominator >= 1, got ${numerator}/${denominator}`);
    }
    return uniformInt(this.generator, 0, denominator - 1) < numerator;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new SimAssertionError("SimRandom.pick: empty array");
    return items[uniformInt(this.generator, 0, items.length - 1)] as T;
  }

  shuffle<T>(items: readonly T[]): T[] {
    const shuffled = items.slice();
    for (let index = shuffled.length - 1; index > 0; index -= 1) {
      const other = uniformInt(this.generator, 0, index);
      const held = shuffled[index] as T;
      shuffled[index] = shuffled[other] as T;
      shuffled[other] = held;
    }
    return shuffled;
  }

  id(prefix: string): string {
    return prefix + uniformInt(this.generator, 0, idRandomMax).toString(16).padStart(6, "0");
  }
}
