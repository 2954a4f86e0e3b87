/**
 * The whole-protocol safety property (safetyProperty.ts: invariants 1-7, checked by the
 * same checker) over several instances on one simulated broker (sim/cluster/): 2 or 3
 * instances, each connect on a seeded one, and the broker's own faults drawn per case
 * (feed lag and reorder, partitions, instance crashes, failovers). The bug zoo measures
 * the multi-instance planted bugs against this property.
 */
import fc from "fast-check";
import { BUG_ZOO } from "../../sim/bugZoo/bugZoo.ts";
import { BROKER_FAULT_KINDS } from "../../sim/cluster/brokerFaultKinds.ts";
import { simCaseArbitrary } from "../arbitraries/simCaseArbitrary.ts";
import type { ClusterInput } from "../arbitraries/scenarioArbitrary.ts";
import { defineSimProperty } from "../harness/defineSimProperty.ts";
import { describeViolations } from "../harness/violationsFailure.ts";

/** Broker settings. */
const clusterArbitrary: fc.Arbitrary<ClusterInput> = fc.record({ leaseMs: fc.integer({ min: 1_000, max: 3_000 }) });

/**
 * The broker faults' settings (sim/faults/kinds/). The faults themselves come as scheduled
 * entries (a case's `faultSchedule` turns the seeded per-tick injector off), drawn after every
 * ranked kind, so they shrink away first.
 */
const brokerFaultSettingsArbitrary: fc.Arbitrary<Record<string, number>> = fc.record({
  feedDelayLagMs: fc.integer({ min: 20, max: 300 }),
  feedDelaySpellMs: fc.integer({ min: 200, max: 2_000 }),
  feedReorderLagMs: fc.integer({ min: 20, max: 300 }),
  feedReorderSpellMs: fc.integer({ min: 200, max: 2_000 }),
  partitionMs: fc.integer({ min: 50, max: 500 }),
  instanceDowntimeMs: fc.integer({ min: 0, max: 600 }),
  replicationLagMs: fc.integer({ min: 0, max: 200 }),
  failoverDowntimeMs: fc.integer({ min: 0, max: 400 }),
});

/** See the module comment. */
export const multiInstanceSafetyProperty = defineSimProperty({
  name: "safety-multi-instance",
  guards: "docs/protocol.md invariants 1-7 (every safety invariant) over 2-3 instances on one broker with every connection and broker fault kind",
  invariants: [1, 2, 3, 4, 5, 6, 7],
  defaultRuns: 100,
  catches: BUG_ZOO.filter((bug) => bug.cluster !== undefined).map((bug) => bug.name),
  arbitrary: simCaseArbitrary({
    name: "safety-multi-instance",
    usersMax: 3,
    devicesMax: 2,
    runsPerUserMax: 3,
    scriptsMax: 2,
    faultsMax: 10,
    instances: fc.integer({ min: 2, max: 3 }),
    cluster: clusterArbitrary,
    moreFaults: brokerFaultSettingsArbitrary,
    unrankedFaultKinds: BROKER_FAULT_KINDS.map((kind) => kind.name),
  }),
  judge: (run) => ({ failure: describeViolations(run.result.verdict?.safety ?? [], "safety invariants"), exercised: true }),
});
