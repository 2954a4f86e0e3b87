/**
 * docs/protocol.md invariants 1-8 under interleavings fast-check chooses (fc.scheduler) at the
 * manager's async boundaries: concurrent start_agents, a resume racing a live emit, a
 * close racing a send, a restart mid-replay. The shared checker judges every frame.
 */
import { describe, it } from "vitest";
import { expectPropertyCatches, expectPropertyHolds } from "./harness/expectProperty.ts";
import type { PropertyDefinition } from "./harness/PropertyDefinition.ts";
import { blockingIssue } from "./knownIssues/knownIssues.ts";
import { INTERLEAVING_PROPERTIES, type RaceCase } from "./properties/interleavingProperties.ts";

for (const property of INTERLEAVING_PROPERTIES as readonly PropertyDefinition<RaceCase<unknown>>[]) {
  const blocked = blockingIssue(property.name);
  describe(`interleavings: property ${property.name}`, () => {
    it.skipIf(blocked !== undefined)(`holds for every interleaving tried${blocked === undefined ? "" : ` (SKIPPED: known issue ${blocked.id}, owner ${blocked.owner})`}`, async () => {
      await expectPropertyHolds(property);
    });

    it.each(property.catches)("fails when %s is planted", async (plant) => {
      await expectPropertyCatches(property, plant);
    });
  });
}
