/**
 * The scenario file format (STYLE rule 4): who connects, what they run, which faults
 * hit them and which budgets apply. Validated once, at the edge, by loadScenario.ts,
 * with errors that name the file, the field and the rule.
 */
import { z } from "zod";
import { DEFAULT_MANAGER_LIMITS } from "../../server/manager/managerLimits.ts";
import { INVARIANTS, type TimingInvariantName } from "../../protocol/checker/invariants.ts";
import { agentScriptSchema } from "../../server/runtime/agentScript.ts";
import { DEFAULT_RUNTIME_LIMITS } from "../../server/runtime/createAgentRuntime.ts";
import { INJECTABLE_FAULT_NAMES } from "../faults/faultKinds.ts";
import { PLAN_FIELDS, type FaultPlan } from "../faults/FaultPlan.ts";
import { CLUSTER_ONLY_RATE_FIELDS } from "../cluster/brokerFaultKinds.ts";
import { CLUSTER_DEFAULTS, clusterSchema, INSTANCES_MAX } from "../cluster/clusterSchema.ts";

const count = (min: number, max: number) =>
  z.number().int("must be an integer").min(min, `must be >= ${min}`).max(max, `must be <= ${max}`);
const ms = (max: number) => count(0, max);

/** A fault plan written out: every field of every fault kind (sim/faults/kinds/), bounded and defaulted as its kind declares. */
const explicitFaultPlanSchema = z.strictObject(
  Object.fromEntries(PLAN_FIELDS.map(([name, spec]) => [name, count(spec.min, spec.max).default(spec.default)])) as { [Name in keyof FaultPlan]: z.ZodDefault<z.ZodNumber> },
);

/**
 * Optional positive-integer overrides of a limits table, strictly: an unknown name (a
 * typo such as `replayEventMax`) is an error that lists the known ones, never ignored.
 */
function limitsOverridesSchema<Limits extends Record<string, number>>(defaults: Readonly<Limits>, what: string) {
  const known = Object.keys(defaults);
  const shape = Object.fromEntries(known.map((name) => [name, count(1, Number.MAX_SAFE_INTEGER).optional()])) as {
    [Name in keyof Limits]: z.ZodOptional<z.ZodNumber>;
  };
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys" ? `unknown ${what} ${issue.keys.map((key) => `"${key}"`).join(", ")} (known: ${known.join(", ")})` : undefined,
  });
}

/** Overrides of the connection manager's limits (server/manager/managerLimits.ts). */
export const managerLimitsSchema = limitsOverridesSchema(DEFAULT_MANAGER_LIMITS, "manager limit");

/** Overrides of the agent runtime's limits (DEFAULT_RUNTIME_LIMITS: run deadline, silence heartbeat, active runs...). */
export const runtimeLimitsSchema = limitsOverridesSchema(DEFAULT_RUNTIME_LIMITS, "runtime limit");

/**
 * Faults a scheduled entry can inject: every kind that acts on connections or the server
 * (sim/faults/faultKinds.ts), `stop_pongs` included, which only a schedule injects.
 */
export const SCHEDULED_FAULT_KINDS = INJECTABLE_FAULT_NAMES;

/**
 * One fault at a fixed time: what fast-check shrinks, and what a shrunk counterexample
 * file replays. `device` is `userIndex.deviceIndex` (0-based) for per-connection faults.
 */
export const scheduledFaultSchema = z.strictObject({
  atMs: ms(3_600_000),
  fault: z.enum(SCHEDULED_FAULT_KINDS, `must be one of ${SCHEDULED_FAULT_KINDS.join(", ")}`),
  device: z.string().regex(/^\d+\.\d+$/, "must look like 0.1 (user index . device index)").optional(),
});

/** A scheduled fault. */
export type ScheduledFault = z.output<typeof scheduledFaultSchema>;

/** Network shape for every connection. */
export const networkSchema = z.strictObject({
  oneWayDelayMsMin: ms(10_000).default(1),
  oneWayDelayMsMax: ms(10_000).default(8),
  bandwidthBytesPerMs: count(1, 100_000_000).default(100_000),
});

const TIMING_BUDGET_NAMES = INVARIANTS.filter((row) => row.category === "timing").map((row) => row.name) as [TimingInvariantName, ...TimingInvariantName[]];

/** Budgets the checker and the liveness phase use (docs/protocol.md invariant 9 defaults). */
export const budgetsSchema = z.strictObject({
  startLatencyMs: ms(600_000).default(100),
  thinkingIntervalMs: ms(600_000).default(2_000),
  toolSlackMs: ms(600_000).default(100),
  runDurationMs: ms(3_600_000).default(30_000),
  deliveryLatencyMsP99: ms(600_000).default(50),
  /** After faults heal, how long every run and every device may take to finish and catch up. */
  settleMs: ms(3_600_000).default(120_000),
  /**
   * Timing budgets that are requirements: a miss fails the run (outcome `timing`, exit 1)
   * wherever no fault can explain it (see sim/settle/judgeRequiredTiming.ts). Others are reported only.
   */
  required: z
    .array(z.enum(TIMING_BUDGET_NAMES, `must be one of ${TIMING_BUDGET_NAMES.join(", ")}`))
    .default([])
    .refine((names) => new Set(names).size === names.length, "must not name a budget twice"),
});

/**
 * Generated content (sim/content/): scripts with multi-byte text, partials near a byte
 * size, tool-first openings and zero-think bursts, added to the scripts runs draw from;
 * and start_agent messages near the 64 KiB client frame bound.
 */
export const generatedContentSchema = z.strictObject({
  /** Scripts generated from the seed's `content` stream, named generated-1..N, drawn by runs beside `scripts`. */
  scripts: count(1, 100),
  /** Largest UTF-8 size of one generated partial_result's content, bytes. */
  payloadBytesMax: count(8, 1_000_000).default(4_096),
  /** UTF-8 size each start_agent message is drawn just under (within 1%), bytes; 0 keeps messages short. The frame stays under 64 KiB. */
  messageBytesNear: count(0, 65_300).default(0),
});

/** A whole scenario. */
export const scenarioSchema = z
  .strictObject({
    name: z.string().min(1, "must be a non-empty string"),
    description: z.string().min(1, "must be a non-empty string"),
    users: count(1, 1_000),
    /** Devices (simultaneous connections) per user: one number for all, or one per user. */
    devicesPerUser: z.union([count(1, 16), z.array(count(1, 16)).min(1, "must not be empty")]).default(1),
    runsPerUser: count(0, 1_000),
    /** Script names to draw from per run (built-in or from `agentScripts`). */
    scripts: z.array(z.string().min(1, "must be a non-empty string")).min(1, "must name at least one script"),
    agentScripts: z.array(agentScriptSchema).default([]),
    /** Runs are requested at times drawn from [0, startWindowMs). */
    startWindowMs: ms(3_600_000).default(5_000),
    /** Faults are injected during [0, faultPhaseMs); then they heal and liveness is checked. */
    faultPhaseMs: ms(3_600_000).default(20_000),
    faults: z.union([z.enum(["off", "on", "heavy"], "must be off, on, heavy or a fault plan object"), explicitFaultPlanSchema]).default("on"),
    /** Explicit faults at fixed times. When present, the seeded per-tick injector is off (tool faults still apply). */
    faultSchedule: z.array(scheduledFaultSchema).max(10_000, "must have at most 10000 entries").optional(),
    network: networkSchema.default(networkSchema.parse({})),
    managerLimits: managerLimitsSchema.default({}),
    runtimeLimits: runtimeLimitsSchema.default({}),
    budgets: budgetsSchema.default(budgetsSchema.parse({})),
    generatedContent: generatedContentSchema.optional(),
    /** A device acks after every N events it receives (0: never acks). */
    ackEveryEvents: count(0, 1_000_000).default(8),
    /**
     * Server instances sharing one simulated broker (sim/cluster/); each connect lands on a
     * seeded choice of them. 1 (the default) is the single in-process server, unchanged.
     */
    instances: count(1, INSTANCES_MAX).default(1),
    /** Broker feed, run lease and broker faults; only with `instances` >= 2 (defaults: sim/cluster/clusterSchema.ts). */
    cluster: clusterSchema.optional(),
  })
  .superRefine((scenario, context) => {
    if (Array.isArray(scenario.devicesPerUser) && scenario.devicesPerUser.length !== scenario.users) {
      context.addIssue({ code: "custom", path: ["devicesPerUser"], message: `must list one count per user (${scenario.users})` });
    }
    if (scenario.network.oneWayDelayMsMin > scenario.network.oneWayDelayMsMax) {
      context.addIssue({ code: "custom", path: ["network", "oneWayDelayMsMin"], message: "must be <= oneWayDelayMsMax" });
    }
    if (scenario.cluster !== undefined && scenario.instances < 2) {
      context.addIssue({ code: "custom", path: ["cluster"], message: "needs instances >= 2 (one instance has no shared broker)" });
    }
    const faults = scenario.faults;
    if (typeof faults === "object" && faults.reconnectDelayMsMin > faults.reconnectDelayMsMax) {
      context.addIssue({ code: "custom", path: ["faults", "reconnectDelayMsMin"], message: "must be <= reconnectDelayMsMax" });
    }
    if (typeof faults === "object" && scenario.instances < 2) {
      for (const rateField of CLUSTER_ONLY_RATE_FIELDS) {
        if (((faults as Record<string, number>)[rateField] ?? 0) > 0) context.addIssue({ code: "custom", path: ["faults", rateField], message: "needs instances >= 2 (a broker fault acts on several instances)" });
      }
    }
    const leaseMs = (scenario.cluster ?? CLUSTER_DEFAULTS).leaseMs;
    if (typeof faults === "object" && scenario.instances >= 2 && faults.partitionMs * 2 > leaseMs) {
      context.addIssue({
        code: "custom",
        path: ["faults", "partitionMs"],
        message: `must be <= cluster.leaseMs / 2 (${Math.floor(leaseMs / 2)}): a longer partition lets survivors end runs whose owner lives`,
      });
    }
  });

/** A validated scenario. */
export type Scenario = z.output<typeof scenarioSchema>;
/** A scenario as written in a file. */
export type ScenarioInput = z.input<typeof scenarioSchema>;
