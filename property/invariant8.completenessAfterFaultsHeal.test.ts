/** docs/protocol.md invariant 8 (completeness once faults heal): property completeness. */
import { describe, expect, it } from "vitest";
import { expectPropertyCatches, expectPropertyHolds } from "./harness/expectProperty.ts";
import { completenessProperty } from "./properties/completenessProperty.ts";

describe(`invariant 8: property ${completenessProperty.name}`, () => {
  it("holds: after faults heal every run completes and every device catches up", async () => {
    await expectPropertyHolds(completenessProperty);
  });

  it.each(completenessProperty.catches)("fails when %s is planted", async (plant) => {
    const report = await expectPropertyCatches(completenessProperty, plant);
    expect(report.failure).toMatch(/completeness|liveness|run completion/);
  });
});
