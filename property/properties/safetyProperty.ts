/**
 * Every safety invariant of docs/protocol.md at once (1-7: run order, pairing, content,
 * isolation, order and exactly-once) over swarm scenarios: any number of users and
 * devices, every fault kind, and sometimes small replay buffers or socket bounds. The bug
 * zoo (property/bugZoo/) measures how many runs of this property each planted bug survives.
 */
import fc from "fast-check";
import { BUG_ZOO } from "../../sim/bugZoo/bugZoo.ts";
import { simCaseArbitrary } from "../arbitraries/simCaseArbitrary.ts";
import { defineSimProperty } from "../harness/defineSimProperty.ts";
import { describeViolations } from "../harness/violationsFailure.ts";

/** See the module comment. */
export const safetyProperty = defineSimProperty({
  name: "safety",
  guards: "docs/protocol.md invariants 1-7 (every safety invariant) over swarm scenarios with every fault kind",
  invariants: [1, 2, 3, 4, 5, 6, 7],
  defaultRuns: 100,
  // Multi-instance classes need several instances: multiInstanceSafetyProperty.ts catches them.
  catches: BUG_ZOO.filter((bug) => bug.cluster === undefined).map((bug) => bug.name),
  arbitrary: simCaseArbitrary({
    name: "safety",
    usersMax: 3,
    devicesMax: 2,
    runsPerUserMax: 3,
    scriptsMax: 2,
    faultsMax: 8,
    managerLimits: fc.oneof(
      fc.constant({}),
      fc.record({ replayEventsMax: fc.integer({ min: 2, max: 8 }) }),
      fc.record({ bufferedBytesMax: fc.integer({ min: 300, max: 1_500 }) }),
    ),
  }),
  judge: (run) => ({ failure: describeViolations(run.result.verdict?.safety ?? [], "safety invariants"), exercised: true }),
});
