/** The broken-server suite (brokenServerSuite.ts) on real k6, the engine users run; says so when no k6 is found. */
import { expect, test } from "vitest";
import { brokenServerSuite, realK6 } from "./brokenServerSuite.ts";

if (realK6 !== undefined) brokenServerSuite("k6");

test.skipIf(realK6 !== undefined)("real k6: not found (set K6 or put k6 on PATH), so the broken servers ran on the Node runner only (npm test)", () => {
  expect(realK6).toBeUndefined();
});
