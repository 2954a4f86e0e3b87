/**
 * golden-path: each VU is a user running agent requests against an agent-event
 * server (docs/protocol.md): 6 runs in flight (mostly the short `quick` agent, every 8th
 * the full `golden-path` agent), every frame checked by the shared invariant checker.
 *
 *   npm run load -- golden-path                       # our server, started for you
 *   k6 run -e TARGET=ws://host/ws -e JWT_SECRET=... load/dist/<flavour>/golden-path.js
 *
 * Gate (thresholds): events_received rate >= 500/s, event_latency p95 < 50 ms and
 * p99 < 100 ms, agent_start_latency p95 < 100 ms, every check, zero violations of
 * every class. `-e DROP_RESUME=1` makes each session drop and resume once mid-run.
 */
import type { Options } from "k6/options";
import { agentEventIteration, agentEventSetup, type AgentEventSetupData } from "./lib/agentEventScript.ts";
import { GOLDEN_PATH_PROFILE, profileFromEnv, targetsFromEnv, vusFromEnv } from "./lib/profiles.ts";
import { summaryOutputs } from "./lib/summaryOutputs.ts";
import type { SummaryData } from "./lib/textSummary.ts";
import { agentEventThresholds, DEFAULT_TARGETS, SUMMARY_TREND_STATS } from "./lib/thresholds.ts";

const SCRIPT_NAME = "golden-path";
const profile = profileFromEnv(GOLDEN_PATH_PROFILE, __ENV);

/** The script's VUs unless --vus says otherwise; the events/s floor scales with the VUs in use. */
const SCRIPT_VUS = 10;
const vus = vusFromEnv(__ENV, { fallback: SCRIPT_VUS });

export const options: Options = {
  vus: SCRIPT_VUS,
  duration: "30s",
  thresholds: agentEventThresholds(targetsFromEnv(DEFAULT_TARGETS, __ENV), { vus }),
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
