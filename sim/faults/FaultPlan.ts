/**
 * The fault model as a plain option struct (TigerBeetle style): one documented field
 * per fault setting, probabilities as integer per-mille ratios (never floats), units last.
 * A plan is data: a scenario fixes it, or the seed draws it (see drawFaultPlan.ts).
 * Every field is declared, with its doc, default and bounds, by the kind that owns it
 * (`kinds/<kind>.ts`, listed in faultKinds.ts) or in BASE_PLAN_FIELDS; this file derives
 * the plan's type and tables from that list.
 */
import { BASE_PLAN_FIELDS, type PlanFieldSpec, type PlanOf } from "./FaultKind.ts";
import { FAULT_KINDS } from "./faultKinds.ts";

type UnionToIntersection<Union> = (Union extends unknown ? (value: Union) => void : never) extends (value: infer Intersection) => void ? Intersection : never;

/** The plan fields of every kind, one object type. */
type KindFields = UnionToIntersection<(typeof FAULT_KINDS)[number]["planFields"]>;

/** The fault plan: the base fields and every kind's fields (see each field's `doc` in its kind file). */
export type FaultPlan = PlanOf<typeof BASE_PLAN_FIELDS> & { -readonly [Name in keyof KindFields]: number };

/** A fault-plan field's name. */
export type FaultPlanField = keyof FaultPlan & string;

/** Every plan field with its spec: the base tick first, each kind's fields in registry order, the reconnect delays last. */
export const PLAN_FIELDS: ReadonlyArray<readonly [FaultPlanField, PlanFieldSpec]> = [
  ["tickMs", BASE_PLAN_FIELDS.tickMs],
  ...FAULT_KINDS.flatMap((kind) => Object.entries(kind.planFields as Readonly<Record<string, PlanFieldSpec>>) as Array<[FaultPlanField, PlanFieldSpec]>),
  ["reconnectDelayMsMin", BASE_PLAN_FIELDS.reconnectDelayMsMin],
  ["reconnectDelayMsMax", BASE_PLAN_FIELDS.reconnectDelayMsMax],
];

/** The plan with every fault off (every field at its default). */
export const NO_FAULTS: Readonly<FaultPlan> = Object.freeze(Object.fromEntries(PLAN_FIELDS.map(([name, spec]) => [name, spec.default])) as FaultPlan);

/** A per-mille field's name. */
export type PerMilleField = FaultPlanField & `${string}PerMille`;

/** Names of the per-mille fields, in registry order, for validation and printing. */
export const PER_MILLE_FIELDS: readonly PerMilleField[] = PLAN_FIELDS.map(([name]) => name).filter((name): name is PerMilleField => name.endsWith("PerMille"));
