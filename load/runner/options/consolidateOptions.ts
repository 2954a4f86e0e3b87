import { readThresholdDefinitions, type ThresholdDefinition } from "../metrics/thresholds.ts";
import { DEFAULT_SUMMARY_TREND_STATS, validateTrendStat } from "../summary/summaryData.ts";
import { parseDuration } from "./parseDuration.ts";
import { parseScenarioConfig, type ScenarioConfig } from "./scenarioConfig.ts";

/** What the command line (or the programmatic caller) sets on top of the script's `options`. */
export interface OptionOverrides {
  vus?: number;
  /** A k6 duration (`30s`) or milliseconds. */
  duration?: string | number;
  iterations?: number;
  executionSegment?: string;
  executionSegmentSequence?: string;
  summaryTrendStats?: readonly string[];
}

/** The options a run actually uses, after overrides and k6's shortcut rules. */
export interface ConsolidatedOptions {
  scenarios: ScenarioConfig[];
  thresholds: Map<string, ThresholdDefinition[]>;
  executionSegment: string | undefined;
  executionSegmentSequence: string | undefined;
  setupTimeoutMs: number;
  teardownTimeoutMs: number;
  handleSummaryTimeoutMs: number;
  summaryTrendStats: string[];
  summaryTimeUnit: string;
  userAgent: string | undefined;
  /** What `exec.test.options` shows: the consolidated options without the shortcut fields, like k6. */
  testOptionsView: Readonly<Record<string, unknown>>;
  /** Notes for the log (shortcut overrides, ignored options). */
  warnings: string[];
}

// Script options the runner reads. Anything else k6 knows about (http, tls,
// dns, cloud...) has no meaning here and is reported as ignored.
const HANDLED_OPTIONS = new Set([
  "vus",
  "duration",
  "iterations",
  "stages",
  "scenarios",
  "thresholds",
  "executionSegment",
  "executionSegmentSequence",
  "setupTimeout",
  "teardownTimeout",
  "handleSummaryTimeout",
  "summaryTrendStats",
  "summaryTimeUnit",
  "userAgent",
]);

/**
 * Merges the script's exported `options` with `overrides` the way `k6 run`
 * does (lib/options.go Apply, lib/executor DeriveScenariosFromShortcuts): a
 * `duration` or `iterations` override replaces every execution setting of
 * the script; `vus`/`duration`/`iterations`/`stages` become a `default`
 * scenario; nothing at all means one iteration of one VU.
 * @throws Error describing every invalid option (the runner exits 104).
 */
export function consolidateOptions(scriptOptions: unknown, overrides: OptionOverrides): ConsolidatedOptions {
  if (scriptOptions !== undefined && (typeof scriptOptions !== "object" || scriptOptions === null || Array.isArray(scriptOptions))) {
    throw new Error("the exported `options` must be an object");
  }
  const script = { ...((scriptOptions ?? {}) as Record<string, unknown>) };
  const warnings = Object.keys(script)
    .filter((key) => !HANDLED_OPTIONS.has(key))
    .map((key) => `options.${key} is not supported by the k6 Node runner and is ignored`);

  if (overrides.duration !== undefined || overrides.iterations !== undefined) {
    for (const key of ["duration", "iterations", "stages", "scenarios"]) delete script[key];
  }
  if (overrides.vus !== undefined) script["vus"] = overrides.vus;
  if (overrides.duration !== undefined) script["duration"] = overrides.duration;
  if (overrides.iterations !== undefined) script["iterations"] = overrides.iterations;
  if (overrides.executionSegment !== undefined) script["executionSegment"] = overrides.executionSegment;
  if (overrides.executionSegmentSequence !== undefined) script["executionSegmentSequence"] = overrides.executionSegmentSequence;
  if (overrides.summaryTrendStats !== undefined) script["summaryTrendStats"] = [...overrides.summaryTrendStats];

  const problems: string[] = [];
  const attempt = <T>(read: () => T, fallback: T): T => {
    try {
      return read();
    } catch (error) {
      problems.push((error as Error).message);
      return fallback;
    }
  };
  const rawScenarios = attempt(() => deriveScenarios(script, warnings), {});
  const scenarios = Object.entries(rawScenarios).flatMap(([name, raw]) => attempt(() => [parseScenarioConfig(name, raw)], []));
  const thresholds = attempt(() => readThresholdDefinitions(script["thresholds"]), new Map<string, ThresholdDefinition[]>());
  const summaryTrendStats = attempt(() => readTrendStats(script["summaryTrendStats"]), [...DEFAULT_SUMMARY_TREND_STATS]);
  const timeout = (key: string, fallbackMs: number) => attempt(() => optionalDuration(script, key) ?? fallbackMs, fallbackMs);
  const consolidated: ConsolidatedOptions = {
    scenarios,
    thresholds,
    executionSegment: attempt(() => optionalString(script, "executionSegment"), undefined),
    executionSegmentSequence: attempt(() => optionalString(script, "executionSegmentSequence"), undefined),
    setupTimeoutMs: timeout("setupTimeout", 60_000),
    teardownTimeoutMs: timeout("teardownTimeout", 60_000),
    handleSummaryTimeoutMs: timeout("handleSummaryTimeout", 120_000),
    summaryTrendStats,
    summaryTimeUnit: attempt(() => optionalString(script, "summaryTimeUnit") ?? "", ""),
    userAgent: attempt(() => optionalString(script, "userAgent"), undefined),
    testOptionsView: deepFreeze(testOptionsView(script, rawScenarios)),
    warnings,
  };
  if (problems.length > 0) throw new Error(`There were problems with the specified script configuration:\n${problems.map((problem) => `\t- ${problem}`).join("\n")}`);
  return consolidated;
}

function deriveScenarios(options: Record<string, unknown>, warnings: string[]): Record<string, unknown> {
  const { vus, duration, iterations, stages, scenarios } = options;
  const hasScenarios = scenarios !== undefined && scenarios !== null;
  const hasStages = Array.isArray(stages) && stages.length > 0;
  const vusPart = vus === undefined ? {} : { vus };
  if (hasScenarios && (typeof scenarios !== "object" || Array.isArray(scenarios))) throw new Error("options.scenarios must be an object of scenario name -> config");
  if (iterations !== undefined) {
    if (hasStages) throw new Error("using `iterations` and `stages` options simultaneously is not allowed");
    if (hasScenarios) throw new Error("using `iterations` and `scenarios` options simultaneously is not allowed");
    return { default: { executor: "shared-iterations", ...vusPart, iterations, ...(duration === undefined ? {} : { maxDuration: duration }) } };
  }
  if (duration !== undefined) {
    if (hasStages) throw new Error("using `duration` and `stages` options simultaneously is not allowed");
    if (hasScenarios) throw new Error("using `duration` and `scenarios` options simultaneously is not allowed");
    if (parseDuration(duration as string | number) <= 0) {
      throw new Error("`duration` option should be more than 0, for infinite duration use the externally-controlled executor");
    }
    return { default: { executor: "constant-vus", ...vusPart, duration } };
  }
  if (hasStages) {
    if (hasScenarios) throw new Error("using `stages` and `scenarios` options simultaneously is not allowed");
    return { default: { executor: "ramping-vus", ...(vus === undefined ? {} : { startVUs: vus }), stages } };
  }
  if (vus !== undefined && stages === undefined) {
    if (hasScenarios) warnings.push(`\`vus=${String(vus)}\` overrides scenarios configuration`);
    return { default: { executor: "shared-iterations", vus, iterations: vus } };
  }
  if (hasScenarios && Object.keys(scenarios).length > 0) return scenarios as Record<string, unknown>;
  if (hasScenarios || stages !== undefined) warnings.push("`scenarios`/`stages` was explicitly set to an empty value, running the script with 1 iteration in 1 VU");
  return { default: { executor: "per-vu-iterations" } };
}

function readTrendStats(raw: unknown): string[] {
  if (raw === undefined) return [...DEFAULT_SUMMARY_TREND_STATS];
  if (!Array.isArray(raw) || raw.some((stat) => typeof stat !== "string")) throw new Error("options.summaryTrendStats must be an array of strings");
  for (const stat of raw as string[]) validateTrendStat(stat);
  return [...(raw as string[])];
}

function optionalString(options: Record<string, unknown>, key: string): string | undefined {
  const value = options[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new Error(`options.${key} must be a string`);
  return value;
}

function optionalDuration(options: Record<string, unknown>, key: string): number | undefined {
  const value = options[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" && typeof value !== "number") throw new Error(`options.${key} must be a duration`);
  return parseDuration(value);
}

function testOptionsView(script: Record<string, unknown>, scenarios: Record<string, unknown>): Record<string, unknown> {
  const view: Record<string, unknown> = structuredClone({ ...script, scenarios });
  for (const key of ["vus", "iterations", "duration", "stages"]) delete view[key];
  return view;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
