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
 */
import { randomBytes } from "node:crypto";
import type { IdSource } from "../ports/idSource.ts";

/** The prefix whose ids must also differ across process restarts. */
export const EPOCH_PREFIX = "e-";

/** Creates an id source keyed by fresh crypto randomness. */
export function createCryptoIdSource(): IdSource {
  const key = randomBytes(12);
  const multiplyKey = (key.readUInt32LE(0) | 1) >>> 0;
  const addKey = key.readUInt32LE(4);
  const bootId = hex8(key.readUInt32LE(8));
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
    next(prefix: string): string {
      const count = counters.get(prefix) ?? 0;
      counters.set(prefix, count + 1);
      const round = Math.floor(count / 2 ** 32);
      const body = hex8(permute(count % 2 ** 32)) + (round > 0 ? `-${round}` : "");
      return prefix === EPOCH_PREFIX ? `${prefix}${bootId}${body}` : `${prefix}${body}`;
    },
  };
}

function hex8(value: number): string {
  return value.toString(16).padStart(8, "0");
}
