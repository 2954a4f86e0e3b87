/** docs/protocol.md invariant 4 (tool pairing): property tool-pairing. */
import { describe, expect, it } from "vitest";
import { expectPropertyCatches, expectPropertyHolds } from "./harness/expectProperty.ts";
import { toolPairingProperty } from "./properties/toolPairingProperty.ts";

describe(`invariant 4: property ${toolPairingProperty.name}`, () => {
  it("holds for the real manager and runtime with tool failures, timeouts, cancels and faults", async () => {
    await expectPropertyHolds(toolPairingProperty);
  });

  // BUG_ZOO has no pairing bug; property/plantedBugs adds one, planted the same way.
  it.each(toolPairingProperty.catches)("fails when %s is planted", async (plant) => {
    const report = await expectPropertyCatches(toolPairingProperty, plant);
    expect(report.failure).toMatch(/tool_pairing/);
  });
});
