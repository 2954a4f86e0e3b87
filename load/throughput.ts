/**
 * throughput: the most events/s a server delivers. Many users (50 VUs), each keeping
 * 8 `quick` runs (bursty: thinking, a tool, a partial result and the completion with
 * no pauses) in flight back to back, every frame still checked. Client frames stay
 * under 100/s per connection (our server closes a connection over 200/s).
 *
 *   npm run load -- throughput [--vus 100] [--duration 60s]
 *
 * Gate: zero violations, every check, events_received rate >= 1000/s (a floor: the
 * figure to read is the measured rate). Latency is gated only as a starvation guard
 * (p95 < 2 s, p99 < 5 s): at saturation queueing is the point; golden-path holds the
 * strict latency SLO. With the Node runner the load generator saturates first (one
 * thread for every VU); real k6 is the engine for measuring a server's ceiling.
 */
import type { Options } from "k6/options";
import { agentEventIteration, agentEventSetup, type AgentEventSetupData } from "./lib/agentEventScript.ts";
import { profileFromEnv, targetsFromEnv, THROUGHPUT_PROFILE, vusFromEnv } from "./lib/profiles.ts";
import { summaryOutputs } from "./lib/summaryOutputs.ts";
import type { SummaryData } from "./lib/textSummary.ts";
import { agentEventThresholds, DEFAULT_TARGETS, SUMMARY_TREND_STATS } from "./lib/thresholds.ts";

const SCRIPT_NAME = "throughput";
const profile = profileFromEnv(THROUGHPUT_PROFILE, __ENV);

/** The script's VUs unless --vus says otherwise; the events/s floor scales with the VUs in use. */
const SCRIPT_VUS = 50;
const vus = vusFromEnv(__ENV, { fallback: SCRIPT_VUS });

export const options: Options = {
  vus: SCRIPT_VUS,
  duration: "30s",
  thresholds: agentEventThresholds(
    targetsFromEnv({ ...DEFAULT_TARGETS, eventsPerSecondPerVuMin: 20, latencyMsP95Max: 2000, latencyMsP99Max: 5000, startLatencyMsP95Max: 2000 }, __ENV),
    { vus },
  ),
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
