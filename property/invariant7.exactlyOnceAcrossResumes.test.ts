/** docs/protocol.md invariant 7 (per connection: exactly once, in order, across drops and resumes): property exactly-once. */
import { describe, expect, it } from "vitest";
import { expectPropertyCatches, expectPropertyHolds } from "./harness/expectProperty.ts";
import { exactlyOnceProperty } from "./properties/exactlyOnceProperty.ts";

describe(`invariant 7: property ${exactlyOnceProperty.name}`, () => {
  it("holds across drops, reconnects, failed sends, half-open sockets, storms and restarts", async () => {
    await expectPropertyHolds(exactlyOnceProperty);
  });

  it.each(exactlyOnceProperty.catches)("fails when %s is planted, shrunk to one or two faults", async (plant) => {
    const report = await expectPropertyCatches(exactlyOnceProperty, plant);
    expect(report.failure).toMatch(/order_exactly_once/);
    // Each of these bugs needs one resume: shrinking ends at one fault, now and then at a local minimum of two.
    const faults = Number(/^(\d+) scheduled fault/.exec(report.counterexampleSummary ?? "")?.[1] ?? 0);
    expect(faults).toBeGreaterThanOrEqual(1);
    expect(faults).toBeLessThanOrEqual(2);
  });
});
