import { describe, expect, test } from "vitest";
import { createExecutionTuple, globalIndexOf, parseFraction, scaleCount } from "../../load/runner/options/executionSegment.ts";

// Expected striping from k6's own test table (lib/execution_segment_test.go,
// TestGetStripedOffsets), rewritten as the positions each segment owns per cycle.
const K6_STRIPES: { sequence?: string; segment: string; cycleLength: number; positions: number[] }[] = [
  { sequence: "0,0.3,0.5,0.6,0.7,0.8,0.9,1", segment: "0:0.3", cycleLength: 10, positions: [0, 4, 7] },
  { sequence: "0,0.3,0.5,0.6,0.7,0.8,0.9,1", segment: "0.3:0.5", cycleLength: 10, positions: [1, 5] },
  { sequence: "0,0.3,0.5,0.6,0.7,0.8,0.9,1", segment: "0.5:0.6", cycleLength: 10, positions: [2] },
  { sequence: "0,0.3,0.5,0.6,0.7,0.8,0.9,1", segment: "0.9:1", cycleLength: 10, positions: [9] },
  { sequence: "0,0.2,0.5", segment: "0:0.2", cycleLength: 10, positions: [3, 9] },
  { sequence: "0,0.2,0.5", segment: "0.2:0.5", cycleLength: 10, positions: [1, 5, 7] },
  { sequence: "0,2/5,4/5", segment: "2/5:4/5", cycleLength: 5, positions: [1, 4] },
  { segment: "0:0.4", cycleLength: 5, positions: [1, 3] },
  { segment: "2/5:4/5", cycleLength: 5, positions: [1, 4] },
  { segment: "1/10:5/10", cycleLength: 10, positions: [1, 3, 5, 9] },
];

describe("execution segments", () => {
  test.each(K6_STRIPES)("$sequence / $segment stripes like k6", ({ sequence, segment, cycleLength, positions }) => {
    const tuple = createExecutionTuple({ segment, sequence });
    expect(tuple.cycleLength).toBe(cycleLength);
    expect(tuple.positions).toEqual(positions);
  });

  test("without segmentation every count and index is unchanged", () => {
    const tuple = createExecutionTuple({});
    expect(tuple.isWholeTest).toBe(true);
    expect(scaleCount(tuple, 7)).toBe(7);
    expect(globalIndexOf(tuple, 5)).toBe(5);
  });

  test("halves split VUs and keep global ids unique and complete", () => {
    const first = createExecutionTuple({ segment: "0:1/2", sequence: "0,1/2,1" });
    const second = createExecutionTuple({ segment: "1/2:1", sequence: "0,1/2,1" });
    expect([scaleCount(first, 5), scaleCount(second, 5)]).toEqual([3, 2]);
    const ids = [1, 2, 3].map((local) => globalIndexOf(first, local)).concat([1, 2].map((local) => globalIndexOf(second, local)));
    expect(ids.sort()).toEqual([1, 2, 3, 4, 5]);
  });

  test("three uneven segments together cover every index exactly once", () => {
    const sequence = "0,1/4,2/3,1";
    const tuples = ["0:1/4", "1/4:2/3", "2/3:1"].map((segment) => createExecutionTuple({ segment, sequence }));
    const total = 50;
    const counts = tuples.map((tuple) => scaleCount(tuple, total));
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(total);
    const ids = tuples.flatMap((tuple, index) => Array.from({ length: counts[index] ?? 0 }, (_, local) => globalIndexOf(tuple, local + 1)));
    expect(ids.sort((left, right) => left - right)).toEqual(Array.from({ length: total }, (_, index) => index + 1));
  });

  test("parses fractions, decimals and percentages; refuses nonsense", () => {
    expect(parseFraction("25%")).toEqual({ numerator: 1n, denominator: 4n });
    expect(parseFraction("0.5")).toEqual({ numerator: 1n, denominator: 2n });
    expect(parseFraction("2/6")).toEqual({ numerator: 1n, denominator: 3n });
    expect(() => createExecutionTuple({ segment: "1/2:1/3" })).toThrow("must be less than its end");
    expect(() => createExecutionTuple({ segment: "0:1/3", sequence: "0,1/2,1" })).toThrow("couldn't find segment 0:1/3");
    expect(() => parseFraction("half")).toThrow("not a valid");
  });
});
