/**
 * reconnect-storm: under golden-path load, every VU drops its connection and
 * resumes with `last_seq` + `epoch` every ~1.5 s, all VUs within the same 200 ms (a
 * storm, aligned on the wall clock), and checks that the replay plus the live stream
 * is exactly the user's stream: no gap, no duplicate, no reorder, runs intact.
 *
 *   npm run load -- reconnect-storm [--vus 10] [--duration 30s]
 *
 * Gate: as golden-path (events rate >= 500/s, live-event latency p95 < 50 ms and
 * p99 < 100 ms, every check, zero violations), plus at least one resume.
 * `DROP_EVERY_MS` / `DROP_JITTER_MS` / `DROP_PAUSE_MS` tune the storm.
 */
import type { Options } from "k6/options";
import { agentEventIteration, agentEventSetup, type AgentEventSetupData } from "./lib/agentEventScript.ts";
import { profileFromEnv, RECONNECT_STORM_PROFILE, targetsFromEnv, vusFromEnv } from "./lib/profiles.ts";
import { summaryOutputs } from "./lib/summaryOutputs.ts";
import type { SummaryData } from "./lib/textSummary.ts";
import { agentEventThresholds, DEFAULT_TARGETS, SUMMARY_TREND_STATS } from "./lib/thresholds.ts";

const SCRIPT_NAME = "reconnect-storm";
const profile = profileFromEnv(RECONNECT_STORM_PROFILE, __ENV);

/** The script's VUs unless --vus says otherwise; the events/s floor scales with the VUs in use. */
const SCRIPT_VUS = 10;
const vus = vusFromEnv(__ENV, { fallback: SCRIPT_VUS });

export const options: Options = {
  vus: SCRIPT_VUS,
  duration: "30s",
  thresholds: { ...agentEventThresholds(targetsFromEnv(DEFAULT_TARGETS, __ENV), { vus }), resumes: ["count>0"] },
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
