/**
 * docs/protocol.md invariants 6-8 and Delivery, frame by frame: the model-based test of the
 * real connection manager (fc.commands over in-memory sockets on virtual time).
 */
import { describe, expect, it } from "vitest";
import { expectPropertyCatches, expectPropertyHolds } from "./harness/expectProperty.ts";
import { managerModelProperty } from "./properties/managerModelProperty.ts";

describe(`invariants 6-8: model-based property ${managerModelProperty.name}`, () => {
  it("the real manager's frames equal the model's after every command", async () => {
    await expectPropertyHolds(managerModelProperty);
  });

  it.each(managerModelProperty.catches)("fails when %s is planted, with a short command sequence", async (plant) => {
    const report = await expectPropertyCatches(managerModelProperty, plant);
    expect(report.failure).toMatch(/received|model|expected/);
    expect(Number(/^(\d+) command/.exec(report.counterexampleSummary ?? "")?.[1])).toBeLessThanOrEqual(8);
  });
});
