/**
 * Fault schedules as fast-check values: arrays of timed faults (the scenario format's
 * `faultSchedule`). They shrink toward fewer faults (fc.array drops entries), earlier
 * ones (`atMs` toward 0), simpler kinds (toward the front of {@link FAULT_KINDS_SIMPLEST_FIRST})
 * and the first device (`0.0`), so a failure ends as the fewest faults that still break it.
 */
import fc from "fast-check";
import { FAULT_KINDS, type InjectableFaultName } from "../../sim/faults/faultKinds.ts";
import type { ScheduledFault } from "../../sim/scenario/scenarioSchema.ts";

/** One fault kind a schedule may hold. */
export type FaultKind = InjectableFaultName;

/**
 * The kinds a schedule may hold, simplest first: shrinking moves a fault toward the front.
 * Each kind's `shrinkRank` (sim/faults/kinds/) places it; a kind without one is never drawn.
 */
export const FAULT_KINDS_SIMPLEST_FIRST: readonly FaultKind[] = FAULT_KINDS.flatMap((kind) => (kind.scope !== "plan" && kind.shrinkRank !== undefined ? [{ name: kind.name as FaultKind, rank: kind.shrinkRank }] : []))
  .sort((left, right) => left.rank - right.rank)
  .map((kind) => kind.name);

/** Faults that hit every connection or the server, not one device. */
const GLOBAL_FAULTS: ReadonlySet<string> = new Set(FAULT_KINDS.filter((kind) => kind.scope === "system").map((kind) => kind.name));

/** Options of {@link faultScheduleArbitrary}. */
export interface FaultScheduleArbitraryOptions {
  /** Faults are drawn in [0, phaseMs), ms. */
  phaseMs: number;
  /** Fewest faults in one schedule (a property about a fault needs one). Default 0. */
  faultsMin?: number;
  /** Most faults in one schedule. Default 8. */
  faultsMax?: number;
  /** Kinds to draw from; kept in {@link FAULT_KINDS_SIMPLEST_FIRST} order whatever the order given. Default: all. */
  kinds?: readonly FaultKind[];
  /**
   * Kinds without a `shrinkRank` to draw too, after (more complex than) every ranked one, in
   * the order given: the broker faults, for the multi-instance property only, so the cases
   * every other property generates stay as they are. Default: none.
   */
  unrankedKinds?: readonly FaultKind[];
  /** Device slots `u.d` are drawn with u < usersMax and d < devicesMax; the scenario builder folds them onto real devices. */
  usersMax: number;
  devicesMax: number;
}

/**
 * A fault schedule, sorted by `atMs` (the order the simulator fires them). `device` is a
 * slot `userIndex.deviceIndex` that may name a device the scenario lacks: fold it with
 * the scenario's shape (simCaseArbitrary does) before writing a scenario.
 */
export function faultScheduleArbitrary(options: FaultScheduleArbitraryOptions): fc.Arbitrary<ScheduledFault[]> {
  const wanted = new Set(options.kinds ?? FAULT_KINDS_SIMPLEST_FIRST);
  const kinds = [...FAULT_KINDS_SIMPLEST_FIRST.filter((kind) => wanted.has(kind)), ...(options.unrankedKinds ?? [])];
  if (kinds.length === 0) return fc.constant([]);
  const fault = fc
    .record({
      atMs: fc.integer({ min: 0, max: Math.max(0, options.phaseMs - 1) }),
      fault: fc.constantFrom(...kinds),
      user: fc.nat({ max: options.usersMax - 1 }),
      device: fc.nat({ max: options.devicesMax - 1 }),
    })
    .map(({ atMs, fault: kind, user, device }): ScheduledFault => (GLOBAL_FAULTS.has(kind) ? { atMs, fault: kind } : { atMs, fault: kind, device: `${user}.${device}` }));
  return fc.array(fault, { minLength: options.faultsMin ?? 0, maxLength: options.faultsMax ?? 8 }).map((faults) => faults.slice().sort((left, right) => left.atMs - right.atMs));
}
