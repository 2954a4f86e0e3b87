/**
 * Whether two JSON values are the same value whatever their objects' key order: equal
 * primitives (as JSON.stringify writes them), arrays equal item by item, objects with the
 * same own enumerable keys and equal values. So two copies of one (epoch, seq) compare
 * equal when their data is. Compared in place, with no text built: a resumed connection
 * receives a second copy of every event it replays, so this runs once per replayed event.
 * Nesting deeper than {@link JSON_DEPTH_MAX} is not looked into (counted equal), so a
 * hostile frame cannot recurse without bound.
 */
export function jsonEqual(left: unknown, right: unknown): boolean {
  return equalAt(left, right, 0);
}

/** Deepest nesting compared; below it, values count as equal. */
export const JSON_DEPTH_MAX = 32;

const hasOwn = Object.prototype.hasOwnProperty;

function equalAt(left: unknown, right: unknown, depth: number): boolean {
  if (left === right || depth > JSON_DEPTH_MAX) return true;
  const leftIsObject = left !== null && typeof left === "object";
  const rightIsObject = right !== null && typeof right === "object";
  // Primitives that are not === may still write the same (NaN and Infinity both write null).
  if (!leftIsObject || !rightIsObject) return !leftIsObject && !rightIsObject && primitiveJson(left) === primitiveJson(right);
  const leftIsArray = Array.isArray(left);
  if (leftIsArray !== Array.isArray(right)) return false;
  if (leftIsArray) {
    const leftItems = left as unknown[];
    const rightItems = right as unknown[];
    if (leftItems.length !== rightItems.length) return false;
    for (let index = 0; index < leftItems.length; index += 1) {
      if (!equalAt(leftItems[index], rightItems[index], depth + 1)) return false;
    }
    return true;
  }
  const leftRecord = left as Record<string, unknown>;
  const rightRecord = right as Record<string, unknown>;
  const leftKeys = Object.keys(leftRecord);
  if (leftKeys.length !== Object.keys(rightRecord).length) return false;
  for (const key of leftKeys) {
    if (!hasOwn.call(rightRecord, key) || !equalAt(leftRecord[key], rightRecord[key], depth + 1)) return false;
  }
  return true;
}

function primitiveJson(value: unknown): string {
  return JSON.stringify(value) ?? "null";
}
