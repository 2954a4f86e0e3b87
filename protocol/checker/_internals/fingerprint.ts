/**
 * A short, order-independent fingerprint of a JSON value: canonical JSON (keys sorted)
 * hashed with two FNV-1a variants (64 bits in all). Used to compare copies of one
 * (epoch, seq) without keeping their text. A collision can only hide a conflict,
 * never invent one.
 */
export function fingerprint(value: unknown): string {
  const text = canonicalJson(value, 0);
  let first = 0x811c9dc5;
  let second = 0x01000193 ^ 0x5bd1e995;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    first = Math.imul(first ^ code, 0x01000193) >>> 0;
    second = Math.imul(second ^ code, 0x5bd1e995) >>> 0;
    second ^= second >>> 15;
  }
  return `${first.toString(16).padStart(8, "0")}${(second >>> 0).toString(16).padStart(8, "0")}`;
}

/** Nesting deeper than this is summarised by its type, so a hostile frame cannot recurse without bound. */
const DEPTH_MAX = 32;

function canonicalJson(value: unknown, depth: number): string {
  if (depth > DEPTH_MAX) return '"<deep>"';
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item, depth + 1)).join(",")}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key], depth + 1)}`).join(",")}}`;
}
