/**
 * Validates the optional `tags` argument of `check()`, `metric.add()` and
 * WebSocket params, and turns the values into strings, as k6's
 * ApplyCustomUserTags does (string, number and boolean values only).
 * @throws Error naming the offending tag.
 */
export function readUserTags(tags: unknown): Record<string, string> {
  if (tags === undefined || tags === null) return {};
  if (typeof tags !== "object" || Array.isArray(tags)) throw new Error("invalid tags: an object of tag name -> value is expected");
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) {
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      throw new Error(`invalid value for metric tag '${key}': only String, Boolean and Number types are accepted as a metric tag value`);
    }
    result[key] = String(value);
  }
  return result;
}

/** True for `async function` / `async () =>` (k6 rejects these in check() and group()). */
export function isAsyncFunction(value: unknown): boolean {
  return typeof value === "function" && value.constructor.name === "AsyncFunction";
}
