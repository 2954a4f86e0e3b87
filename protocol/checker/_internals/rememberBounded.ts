/**
 * Sets `key` in a Map used as a bounded memory: past `entriesMax` the oldest insertion
 * (or the first one `preferEvict` accepts, when given) is evicted. Returns true when
 * something was evicted so the caller can record the bound.
 */
export function rememberBounded<Key, Value>(
  map: Map<Key, Value>,
  key: Key,
  value: Value,
  options: { entriesMax: number; preferEvict?: (value: Value) => boolean },
): boolean {
  map.set(key, value);
  if (map.size <= options.entriesMax) return false;
  let victim: Key | undefined;
  let found = false;
  if (options.preferEvict !== undefined) {
    // Bounded scan: only the oldest few are candidates, so eviction stays O(1) amortised.
    let scanned = 0;
    for (const [candidateKey, candidate] of map) {
      if (scanned >= 64) break;
      scanned += 1;
      if (candidateKey !== key && options.preferEvict(candidate)) {
        victim = candidateKey;
        found = true;
        break;
      }
    }
  }
  if (!found) {
    for (const candidateKey of map.keys()) {
      if (candidateKey !== key) {
        victim = candidateKey;
        found = true;
        break;
      }
    }
  }
  if (found) map.delete(victim as Key);
  return found;
}
