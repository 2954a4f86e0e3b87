/**
 * One fault kind as one value (docs/extending.md, "Add a fault kind"): its plan fields
 * (documented, with default, bounds and the ranges a seed draws them from), how the
 * seeded injector draws it per tick, what it does, how a scenario's `faultSchedule` and
 * the fast-check schedule arbitrary name it, and how the text report prints its settings.
 * Every kind lives in `sim/faults/kinds/<kind>.ts` and is listed once in `faultKinds.ts`;
 * everything else (the plan type, its defaults, the scenario schema, the swarm draw, the
 * injector, the arbitrary, the injected-fault count) is derived from that list.
 */
import type { SimRandom } from "../core/createRandom.ts";
import type { SimNetwork } from "../core/createSimNetwork.ts";
import type { VirtualTime } from "../core/createVirtualTime.ts";
import type { SimDevice } from "../createSimDevice.ts";
import type { BrokerFaultControls } from "../cluster/BrokerFaultControls.ts";
import type { ManagerLimits } from "../../server/manager/managerLimits.ts";

/** The swarm levels that draw a plan (`off` draws nothing). */
export type SwarmLevel = "on" | "heavy";

/** One numeric fault-plan field: integer, inclusive bounds, unit in its name. */
export interface PlanFieldSpec {
  /** What the field means, with its unit: the scenario format's documentation. */
  doc: string;
  /** Its value when a scenario's plan leaves it out, and in {@link NO_FAULTS}-style plans. */
  default: number;
  /** Inclusive bounds a scenario file must respect (checked by the scenario schema). */
  min: number;
  max: number;
  /**
   * Inclusive range a seed draws it from per swarm level (`faults: "on" | "heavy"`); absent:
   * never drawn, it stays `default`. Drawing a new field shifts every later draw of every
   * drawn plan, so a new kind leaves this out (see the recipe).
   */
  swarm?: Readonly<Record<SwarmLevel, readonly [number, number]>>;
}

/** A kind's plan fields by name. Probabilities are named `…PerMille` (integer per-mille ratios). */
export type PlanFieldSpecs = Readonly<Record<string, PlanFieldSpec>>;

/** The numbers a set of plan fields holds. */
export type PlanOf<Fields extends PlanFieldSpecs> = { -readonly [Name in keyof Fields]: number };

/** A per-mille field, 0 to 1000, default 0 (off). */
export function perMilleField(doc: string, swarm?: PlanFieldSpec["swarm"]): PlanFieldSpec {
  return swarm === undefined ? { doc, default: 0, min: 0, max: 1000 } : { doc, default: 0, min: 0, max: 1000, swarm };
}

/** What an action may touch; `Plan` is the fault plan as far as the kind needs to know it. */
export interface FaultContext<Plan> {
  plan: Readonly<Plan>;
  /** The simulation's "faults" stream: every fault draw comes from here, in a fixed order. */
  random: SimRandom;
  time: VirtualTime;
  network: SimNetwork;
  /** Every device, in creation order. */
  devices: readonly SimDevice[];
  /** The scenario's user count (users are `u1`..`uN`). */
  usersCount: number;
  /** The scenario's healthy network (its `network`): what a fault that changes the network returns it to. */
  healthyNetwork: Readonly<{ oneWayDelayMsMin: number; oneWayDelayMsMax: number; bandwidthBytesPerMs: number }>;
  /** Counts one injection of this kind (SimulationResult.totals.faults). */
  count(): void;
  /** Writes a trace line; `t` is added in front. */
  trace(line: Record<string, unknown>): void;
  /** Adds a notable moment to a user's timeline. */
  mark(userId: string, what: string): void;
  /**
   * Counts, traces (`{kind: "fault", fault, conn, ...extra}`) and marks ("half open on c-…")
   * one hit of this kind on a device: what every per-connection kind does first.
   */
  hitDevice(device: SimDevice, extra?: Record<string, unknown>): void;
  /** Takes the server down for `downtimeMs` and swaps in a new manager (new epoch); returns the old one. */
  replaceServer(downtimeMs: number): { shutdown(reason?: string): void };
  /** Several instances (`instances` >= 2): what a broker fault acts through (sim/cluster/); undefined with one instance. */
  cluster: BrokerFaultControls | undefined;
  /** The manager's limits in this scenario: what a misbehaving client's fault must exceed. */
  managerLimits: Readonly<ManagerLimits>;
}

/** How the seeded injector draws a kind on each tick of the fault phase. */
export interface FaultTick<Fields extends PlanFieldSpecs> {
  /** The per-mille field drawn with `random.chance(plan[rateField], 1000)`. */
  rateField: keyof Fields & `${string}PerMille`;
  /**
   * Draw order among kinds of the same scope (system kinds draw first, then each open
   * connection's kinds). A new kind takes a number after every existing one.
   */
  order: number;
  /**
   * The seven original kinds draw even at 0 ‰ (every existing seed's trace depends on
   * it). A new kind leaves this out: it draws only when its rate is above 0, so adding it
   * shifts no existing seed.
   */
  drawsAtZero?: true;
}

interface FaultKindBase<Name extends string, Fields extends PlanFieldSpecs> {
  /** The name in traces (`fault` field), fault counts and `faultSchedule`: snake_case. */
  name: Name;
  /** One sentence: what the fault does to the system, and why it matters. */
  doc: string;
  planFields: Fields;
  /** The kind's settings in the text report's second fault-mix line (`slow sockets 3 B/ms for 900 ms`). */
  planSummary?: (plan: Readonly<PlanOf<Fields>>) => string;
}

/**
 * A kind that only sets probabilities read where the thing happens (tool faults are drawn
 * when scripts are built, cancels when runs are scheduled): no action, no schedule entry.
 */
export interface PlanOnlyFaultKind<Name extends string = string, Fields extends PlanFieldSpecs = PlanFieldSpecs> extends FaultKindBase<Name, Fields> {
  scope: "plan";
}

/** A kind that hits one open connection. */
export interface ConnectionFaultKind<Name extends string = string, Fields extends PlanFieldSpecs = PlanFieldSpecs> extends FaultKindBase<Name, Fields> {
  scope: "connection";
  act: (device: SimDevice, connectionId: string, context: FaultContext<PlanOf<Fields> & BasePlan>) => void;
  /** Absent: the seeded injector never draws it (a schedule still may). */
  tick?: FaultTick<Fields> & {
    /** After this kind fires, the connection draws nothing more this tick (drop, half-open, reconnect). */
    exclusive: boolean;
  };
  /**
   * Its place in the fast-check schedule arbitrary, simplest first (shrinking moves a fault
   * toward rank 0); absent: the arbitrary never draws it.
   */
  shrinkRank?: number;
}

/** A kind that hits the whole system (every connection, or the server). */
export interface SystemFaultKind<Name extends string = string, Fields extends PlanFieldSpecs = PlanFieldSpecs> extends FaultKindBase<Name, Fields> {
  scope: "system";
  act: (context: FaultContext<PlanOf<Fields> & BasePlan>) => void;
  tick?: FaultTick<Fields>;
  shrinkRank?: number;
}

/** Any fault kind. */
export type FaultKind<Name extends string = string, Fields extends PlanFieldSpecs = PlanFieldSpecs> =
  | PlanOnlyFaultKind<Name, Fields>
  | ConnectionFaultKind<Name, Fields>
  | SystemFaultKind<Name, Fields>;

/** Plan fields no single kind owns: the tick and every device's reconnect delay. */
export const BASE_PLAN_FIELDS = {
  tickMs: { doc: "How often the fault injector draws, ms of virtual time.", default: 250, min: 10, max: 60_000 },
  reconnectDelayMsMin: { doc: "A client's reconnect delay is drawn from [min, max], ms (every reconnect, not only injected ones).", default: 50, min: 0, max: 600_000 },
  reconnectDelayMsMax: { doc: "Upper end of a client's reconnect delay, ms.", default: 2_000, min: 0, max: 600_000, swarm: { on: [200, 3_000], heavy: [200, 3_000] } },
} as const satisfies PlanFieldSpecs;

/** The base fields' values. */
export type BasePlan = PlanOf<typeof BASE_PLAN_FIELDS>;

/** Declares a per-connection kind, keeping its literal name and field names (the plan type is derived from them). */
export function connectionFaultKind<const Name extends string, const Fields extends PlanFieldSpecs>(kind: Omit<ConnectionFaultKind<Name, Fields>, "scope">): ConnectionFaultKind<Name, Fields> {
  return { ...kind, scope: "connection" };
}

/** Declares a whole-system kind (see {@link connectionFaultKind}). */
export function systemFaultKind<const Name extends string, const Fields extends PlanFieldSpecs>(kind: Omit<SystemFaultKind<Name, Fields>, "scope">): SystemFaultKind<Name, Fields> {
  return { ...kind, scope: "system" };
}

/** Declares a plan-only kind (see {@link connectionFaultKind}). */
export function planOnlyFaultKind<const Name extends string, const Fields extends PlanFieldSpecs>(kind: Omit<PlanOnlyFaultKind<Name, Fields>, "scope">): PlanOnlyFaultKind<Name, Fields> {
  return { ...kind, scope: "plan" };
}
