/** docs/protocol.md Delivery with invariants 7-8 (an overflowed replay buffer is announced with resync_required): property replay-overflow. */
import { describe, expect, it } from "vitest";
import { expectPropertyCatches, expectPropertyHolds } from "./harness/expectProperty.ts";
import { replayOverflowProperty } from "./properties/replayOverflowProperty.ts";

describe(`invariants 7-8 / Delivery: property ${replayOverflowProperty.name}`, () => {
  it("holds: with a small replayEventsMax every resume past the buffer gets resync_required first", async () => {
    await expectPropertyHolds(replayOverflowProperty);
  });

  it.each(replayOverflowProperty.catches)("fails when %s is planted", async (plant) => {
    const report = await expectPropertyCatches(replayOverflowProperty, plant);
    expect(report.failure).toMatch(/silent gap|order_exactly_once/);
  });
});
