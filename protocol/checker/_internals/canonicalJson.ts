/**
 * Canonical JSON of a value (object keys sorted), so two copies of one (epoch, seq) can
 * be compared whatever their key order. Called only when a second copy arrives (the
 * first copy's data is kept, not its text), so the common single copy costs nothing.
 */
export function canonicalJson(value: unknown): string {
  return canonicalJsonAt(value, 0);
}

/** Nesting deeper than this is summarised by its type, so a hostile frame cannot recurse without bound. */
const DEPTH_MAX = 32;

function canonicalJsonAt(value: unknown, depth: number): string {
  if (depth > DEPTH_MAX) return '"<deep>"';
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJsonAt(item, depth + 1)).join(",")}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJsonAt(record[key], depth + 1)}`).join(",")}}`;
}
