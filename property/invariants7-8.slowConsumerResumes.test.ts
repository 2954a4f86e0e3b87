/** docs/protocol.md Delivery with invariants 7-8 (a slow consumer is closed with 4409, then resumes without loss): property slow-consumer. */
import { describe, expect, it } from "vitest";
import { expectPropertyCatches, expectPropertyHolds } from "./harness/expectProperty.ts";
import { slowConsumerProperty } from "./properties/slowConsumerProperty.ts";

describe(`invariants 7-8 / Delivery: property ${slowConsumerProperty.name}`, () => {
  it("holds: every slow_consumer decision is a 4409 the client sees, then a lossless resume", async () => {
    await expectPropertyHolds(slowConsumerProperty);
  });

  it.each(slowConsumerProperty.catches)("fails when %s is planted", async (plant) => {
    await expectPropertyCatches(slowConsumerProperty, plant);
  });
});
