import { z } from "zod";
import { parseDuration } from "./parseDuration.ts";

/** k6's default `gracefulStop` of every executor. */
export const DEFAULT_GRACEFUL_STOP_MS = 30_000;
/** k6's default `maxDuration` of the iteration-based executors. */
export const DEFAULT_MAX_DURATION_MS = 600_000;
/** k6's default `gracefulRampDown` of ramping-vus. */
export const DEFAULT_GRACEFUL_RAMP_DOWN_MS = 30_000;
/** k6's shortest allowed `duration` / `maxDuration`. */
export const MIN_DURATION_MS = 1000;

// Durations are k6 strings ("30s", "1m30s") or numbers of milliseconds.
const duration = z
  .union([z.string(), z.number()])
  .transform((value, context) => {
    try {
      return parseDuration(value);
    } catch (error) {
      context.addIssue({ code: "custom", message: (error as Error).message });
      return z.NEVER;
    }
  })
  .refine((milliseconds) => milliseconds >= 0, "must not be negative");
const longDuration = duration.refine((milliseconds) => milliseconds >= MIN_DURATION_MS, "the duration must be at least 1s");
const positiveCount = z.number().int().positive();
const stringMap = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String));

const base = {
  startTime: duration.default(0),
  gracefulStop: duration.default(DEFAULT_GRACEFUL_STOP_MS),
  exec: z.string().min(1, "exec value cannot be empty").default("default"),
  env: stringMap.default({}),
  tags: stringMap.default({}),
};

const constantVus = z.strictObject({
  executor: z.literal("constant-vus"),
  ...base,
  vus: positiveCount.default(1),
  duration: longDuration,
});

const perVuIterations = z.strictObject({
  executor: z.literal("per-vu-iterations"),
  ...base,
  vus: positiveCount.default(1),
  iterations: positiveCount.default(1),
  maxDuration: longDuration.default(DEFAULT_MAX_DURATION_MS),
});

const sharedIterations = z
  .strictObject({
    executor: z.literal("shared-iterations"),
    ...base,
    vus: positiveCount.default(1),
    iterations: positiveCount.default(1),
    maxDuration: longDuration.default(DEFAULT_MAX_DURATION_MS),
  })
  .refine((config) => config.iterations >= config.vus, {
    message: "the number of iterations can't be less than the number of VUs",
    path: ["iterations"],
  });

const rampingVus = z.strictObject({
  executor: z.literal("ramping-vus"),
  ...base,
  startVUs: z.number().int().nonnegative().default(1),
  stages: z.array(z.strictObject({ duration, target: z.number().int().nonnegative() })).min(1, "at least one stage is required"),
  gracefulRampDown: duration.default(DEFAULT_GRACEFUL_RAMP_DOWN_MS),
});

const constantArrivalRate = z
  .strictObject({
    executor: z.literal("constant-arrival-rate"),
    ...base,
    rate: positiveCount,
    timeUnit: duration.default(1000).refine((milliseconds) => milliseconds > 0, "the timeUnit must be more than 0"),
    duration: longDuration,
    preAllocatedVUs: z.number().int().nonnegative(),
    maxVUs: z.number().int().nonnegative().optional(),
  })
  .refine((config) => config.maxVUs === undefined || config.maxVUs >= config.preAllocatedVUs, {
    message: "maxVUs can't be less than preAllocatedVUs",
    path: ["maxVUs"],
  });

/** The executors the Node runner implements. */
export const SUPPORTED_EXECUTORS = ["constant-vus", "per-vu-iterations", "shared-iterations", "ramping-vus", "constant-arrival-rate"] as const;

/** Schema of one entry of `options.scenarios`, defaults filled in, durations in ms. */
export const scenarioConfigSchema = z.discriminatedUnion("executor", [constantVus, perVuIterations, sharedIterations, rampingVus, constantArrivalRate]);

/** One validated scenario; every duration field is in milliseconds. */
export type ScenarioConfig = z.output<typeof scenarioConfigSchema> & { name: string };

// k6 lib/executor: scenario names are letters, digits, `_` and `-`.
const SCENARIO_NAME = /^[0-9a-zA-Z_-]+$/;

/**
 * Validates `options.scenarios[name]`.
 * @throws Error listing every problem as `scenarios.<name>.<field>: <rule>`.
 */
export function parseScenarioConfig(name: string, raw: unknown): ScenarioConfig {
  const problems: string[] = [];
  if (!SCENARIO_NAME.test(name)) problems.push(`scenarios.${name}: the scenario name should contain only numbers, latin letters, underscores, and dashes`);
  const executor = (raw as { executor?: unknown } | null)?.executor;
  if (typeof executor === "string" && !(SUPPORTED_EXECUTORS as readonly string[]).includes(executor)) {
    problems.push(`scenarios.${name}.executor: "${executor}" is not supported by the Node runner (supported: ${SUPPORTED_EXECUTORS.join(", ")})`);
  } else {
    const parsed = scenarioConfigSchema.safeParse(raw);
    if (parsed.success && problems.length === 0) return { ...parsed.data, name };
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`scenarios.${[name, ...issue.path.map(String)].join(".")}: ${issue.message}`);
    }
  }
  throw new Error(problems.join("\n"));
}
