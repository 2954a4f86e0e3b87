/** docs/protocol.md invariant 5 (every required field present and non-empty): property content. */
import { describe, expect, it } from "vitest";
import { expectPropertyCatches, expectPropertyHolds } from "./harness/expectProperty.ts";
import { contentProperty } from "./properties/contentProperty.ts";

describe(`invariant 5: property ${contentProperty.name}`, () => {
  it("holds for every frame the real system sends", async () => {
    await expectPropertyHolds(contentProperty);
  });

  // BUG_ZOO has no content bug; property/plantedBugs adds one, planted the same way.
  it.each(contentProperty.catches)("fails when %s is planted", async (plant) => {
    const report = await expectPropertyCatches(contentProperty, plant);
    expect(report.failure).toMatch(/content/);
  });
});
