/**
 * The real {@link IdSource}: short ids such as `c-3f2a9b1c`, unpredictable across
 * processes yet guaranteed unique within one.
 *
 * Eight random hex digits alone would collide after ~77k ids (birthday bound), and
 * run ids are map keys. So each prefix has a counter, and the id is the counter passed
 * through a 32-bit permutation keyed by crypto randomness: distinct for the first 2^32
 * ids of a prefix (then the id grows a `-<round>` suffix, still unique), yet it looks
 * random and differs between processes.
 *
 * Epochs (`e-` ids) also carry a random 32-bit boot id: a client resuming after a
 * restart must never meet its old epoch string again, or it would skip the resync.
 *
 * The source also names its instance (`i-` and 12 random hex digits). With `tagRunIds`,
 * run ids (`r-` ids) end with that tag: they are keys shared by every instance on one
 * Redis (run leases, the checker's runs), so they must differ across instances too.
 */
import { randomBytes } from "node:crypto";
import type { IdSource } from "../ports/idSource.ts";

/** The prefix whose ids must also differ across process restarts. */
export const EPOCH_PREFIX = "e-";

/** The prefix whose ids must also differ across instances when {@link CryptoIdSourceOptions.tagRunIds} is set. */
export const RUN_PREFIX = "r-";

/** Options of {@link createCryptoIdSource}. */
export interface CryptoIdSourceOptions {
  /** Run ids end with `-` and this source's instance tag (instances sharing a Redis). Default false. */
  tagRunIds?: boolean;
}

/** An id source that also names the instance it belongs to. */
export interface CryptoIdSource extends IdSource {
  /** `i-` and 12 random hex digits: names this instance's run lease in Redis, and tags its run ids. */
  readonly instanceId: string;
}

/** Creates an id source keyed by fresh crypto randomness. */
export function createCryptoIdSource(options: CryptoIdSourceOptions = {}): CryptoIdSource {
  const key = randomBytes(18);
  const multiplyKey = (key.readUInt32LE(0) | 1) >>> 0;
  const addKey = key.readUInt32LE(4);
  const bootId = hex8(key.readUInt32LE(8));
  const instanceTag = key.subarray(12, 18).toString("hex");
  const runSuffix = options.tagRunIds === true ? `-${instanceTag}` : "";
  const counters = new Map<string, number>();

  function permute(value: number): number {
    // Each step is a bijection on 32-bit integers (odd multiply, add, xorshift).
    let mixed = (Math.imul(value, multiplyKey) + addKey) >>> 0;
    mixed = (mixed ^ (mixed >>> 16)) >>> 0;
    mixed = Math.imul(mixed, 0x45d9f3b) >>> 0;
    mixed = (mixed ^ (mixed >>> 16)) >>> 0;
    return mixed;
  }

  return {
    instanceId: `i-${instanceTag}`,
    next(prefix: string): string {
      const count = counters.get(prefix) ?? 0;
      counters.set(prefix, count + 1);
      const round = Math.floor(count / 2 ** 32);
      const body = hex8(permute(count % 2 ** 32)) + (round > 0 ? `-${round}` : "");
      if (prefix === EPOCH_PREFIX) return `${prefix}${bootId}${body}`;
      return prefix === RUN_PREFIX ? `${prefix}${body}${runSuffix}` : `${prefix}${body}`;
    },
  };
}

function hex8(value: number): string {
  return value.toString(16).padStart(8, "0");
}
