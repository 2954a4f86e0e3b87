import { z } from "zod";
import { parseDuration } from "./parseDuration.ts";

/** k6's default `gracefulStop` of every executor. */
export const DEFAULT_GRACEFUL_STOP_MS = 30_000;
/** k6's default `maxDuration` of the iteration-based executors. */
export const DEFAULT_MAX_DURATION_MS = 600_000;
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

/**
 * The executors the Node runner implements: the ones k6 derives from the shortcut options our
 * scripts and benches use (`vus` + `duration`: constant-vus; `vus` + `iterations`:
 * shared-iterations; nothing: per-vu-iterations). Ramping and arrival-rate executors (and the
 * `stages` shortcut, which means ramping-vus) are refused with this list: run those on real k6.
 */
export const SUPPORTED_EXECUTORS = ["constant-vus", "per-vu-iterations", "shared-iterations"] as const;

/** Schema of one entry of `options.scenarios`, defaults filled in, durations in ms. */
export const scenarioConfigSchema = z.discriminatedUnion("executor", [constantVus, perVuIterations, sharedIterations]);

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
