/** docs/protocol.md invariants 1-3 (per run: started first, completed last, thinking before tools): property run-order. */
import { describe, expect, it } from "vitest";
import { expectPropertyCatches, expectPropertyHolds } from "./harness/expectProperty.ts";
import { runOrderProperty } from "./properties/runOrderProperty.ts";

describe(`invariants 1-3: property ${runOrderProperty.name}`, () => {
  it("holds for the real manager and runtime under generated scenarios and fault schedules", async () => {
    await expectPropertyHolds(runOrderProperty);
  });

  it.each(runOrderProperty.catches)("fails when %s is planted", async (plant) => {
    const report = await expectPropertyCatches(runOrderProperty, plant);
    expect(report.failure).toMatch(/run_started_first|run_completed_last|thinking_before_tool/);
  });
});
