/**
 * soak: long and steady (30 minutes by default; not in CI). 20 users at a human pace,
 * mostly full `golden-path` agents, acks on (the replay buffer is trimmed as a real
 * client would let it), one drop+resume per session. Finds leaks and slow drifts:
 * latency that creeps, events lost after hours, buffers that never shrink.
 *
 *   npm run load -- soak [--duration 2h] [--vus 50]
 *
 * Gate: events rate >= 100/s, latency p95 < 50 ms and p99 < 100 ms, every check,
 * zero violations.
 */
import type { Options } from "k6/options";
import { agentEventIteration, agentEventSetup, type AgentEventSetupData } from "./lib/agentEventScript.ts";
import { profileFromEnv, SOAK_PROFILE, targetsFromEnv, vusFromEnv } from "./lib/profiles.ts";
import { summaryOutputs } from "./lib/summaryOutputs.ts";
import type { SummaryData } from "./lib/textSummary.ts";
import { agentEventThresholds, DEFAULT_TARGETS, SUMMARY_TREND_STATS } from "./lib/thresholds.ts";

const SCRIPT_NAME = "soak";
const profile = profileFromEnv(SOAK_PROFILE, __ENV);

/** The script's VUs unless --vus says otherwise; the events/s floor scales with the VUs in use. */
const SCRIPT_VUS = 20;
const vus = vusFromEnv(__ENV, { fallback: SCRIPT_VUS });

export const options: Options = {
  vus: SCRIPT_VUS,
  duration: "30m",
  thresholds: agentEventThresholds(targetsFromEnv({ ...DEFAULT_TARGETS, eventsPerSecondPerVuMin: 5 }, __ENV), { vus }),
  summaryTrendStats: SUMMARY_TREND_STATS,
};

export function setup(): AgentEventSetupData {
  return agentEventSetup(__ENV);
}

export default async function (data: AgentEventSetupData): Promise<void> {
  await agentEventIteration(profile, { env: __ENV, data });
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return summaryOutputs(data, { scriptName: SCRIPT_NAME, env: __ENV });
}
