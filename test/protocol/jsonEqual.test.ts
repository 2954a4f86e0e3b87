/**
 * jsonEqual (the seq-conflict check's data comparison) against the definition it replaced:
 * two values are equal when their JSON with every object's keys sorted is the same text.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonEqual } from "../../protocol/checker/_internals/jsonEqual.ts";

function sortedKeyJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(sortedKeyJson).join(",")}]`;
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${sortedKeyJson(record[key])}`)
    .join(",")}}`;
}

/** The same value with every object's keys in reverse order. */
function reversedKeys(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(reversedKeys);
  const record = value as Record<string, unknown>;
  return Object.fromEntries(Object.keys(record).reverse().map((key) => [key, reversedKeys(record[key])]));
}

describe("jsonEqual", () => {
  it("agrees with comparing sorted-key JSON on any two values, similar ones included", () => {
    const small = fc.jsonValue({ maxDepth: 3 });
    const pair = fc.oneof(fc.tuple(small, small), small.map((value) => [value, JSON.parse(JSON.stringify(value))] as const), small.chain((value) => fc.tuple(fc.constant(value), fc.jsonValue({ maxDepth: 3 }).map((other) => (Array.isArray(value) ? [...value.slice(0, -1), other] : other)))));
    fc.assert(
      fc.property(pair, ([left, right]) => {
        expect(jsonEqual(left, right)).toBe(sortedKeyJson(left) === sortedKeyJson(right));
      }),
      { seed: 20261203, numRuns: 2000 },
    );
  });

  it("ignores key order at every depth", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        expect(jsonEqual(value, reversedKeys(value))).toBe(true);
      }),
      { seed: 20261203, numRuns: 500 },
    );
  });

  it("tells apart what differs in a key, a value, a length or a kind", () => {
    expect(jsonEqual({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1 }, { b: 1 })).toBe(false);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqual({ a: "1" }, { a: 1 })).toBe(false);
    expect(jsonEqual([1, 2], [1, 2, 3])).toBe(false);
    expect(jsonEqual([], {})).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
    expect(jsonEqual({ text: "é" }, { text: "e\u0301" })).toBe(false);
  });

  it("stops looking below its depth bound, so a hostile nesting cannot recurse without end", () => {
    const nest = (depth: number, leaf: unknown): unknown => {
      let value = leaf;
      for (let level = 0; level < depth; level += 1) value = { next: value };
      return value;
    };
    expect(jsonEqual(nest(10, 1), nest(10, 2))).toBe(false);
    expect(jsonEqual(nest(100_000, 1), nest(100_000, 2))).toBe(true);
  });
});
