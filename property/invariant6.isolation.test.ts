/** docs/protocol.md invariant 6 (isolation), with 2-5 users of 1-3 devices each: property isolation. */
import { describe, expect, it } from "vitest";
import { expectPropertyCatches, expectPropertyHolds } from "./harness/expectProperty.ts";
import { isolationProperty } from "./properties/isolationProperty.ts";

describe(`invariant 6: property ${isolationProperty.name}`, () => {
  it("holds with many users and devices under faults", async () => {
    await expectPropertyHolds(isolationProperty);
  });

  it.each(isolationProperty.catches)("fails when %s is planted", async (plant) => {
    const report = await expectPropertyCatches(isolationProperty, plant);
    expect(report.failure).toMatch(/isolation/);
  });
});
