/**
 * The pass/fail contract of the agent-event scripts (STYLE: SLOs live in
 * `thresholds`). A breach makes k6, and the Node runner, exit 99.
 */
import { VIOLATION_CLASSES, type ViolationClass } from "../../protocol/checker/violationCountsByClass.ts";

/** The k6 metric name of a violation class: `violations_<class>`. */
export function violationMetricName(violationClass: ViolationClass): string {
  return `violations_${violationClass}`;
}

/** What a script gates on. */
export interface ThresholdTargets {
  /** Lowest acceptable events_received rate per VU, events/s over the whole test run: the floor is this times the VUs. */
  eventsPerSecondPerVuMin: number;
  /** An absolute events/s floor that replaces the per-VU one (another server's SLO), if set. */
  eventsPerSecondMin?: number;
  /** event_latency p(95) must be under this, ms. */
  latencyMsP95Max: number;
  /** event_latency p(99) must be under this, ms. */
  latencyMsP99Max: number;
  /** agent_start_latency p(95) must be under this, ms (docs/protocol.md invariant 9: 100 ms from the frame's arrival). */
  startLatencyMsP95Max: number;
  /** generator_lag p(99) must be under this, ms, or the run is INVALID (the generator, not the server, was measured). */
  generatorLagMsP99Max: number;
}

/** The threshold that makes a run INVALID rather than failed: the load generator fell behind. */
export const GENERATOR_LAG_METRIC = "generator_lag";

/** The SLOs of docs/protocol.md for a healthy server on a quiet network. */
export const DEFAULT_TARGETS: Readonly<ThresholdTargets> = Object.freeze({
  eventsPerSecondPerVuMin: 50,
  latencyMsP95Max: 50,
  latencyMsP99Max: 100,
  startLatencyMsP95Max: 100,
  generatorLagMsP99Max: 50,
});

/**
 * k6 `thresholds` for `targets` and `vus` virtual users: events rate (the per-VU floor
 * times `vus`), latency percentiles, every check passing, at least one completed
 * run, zero violations of every checker class, and the generator keeping up.
 */
export function agentEventThresholds(targets: ThresholdTargets, options: { vus: number }): Record<string, string[]> {
  const thresholds: Record<string, string[]> = {
    events_received: [`rate>=${targets.eventsPerSecondMin ?? targets.eventsPerSecondPerVuMin * options.vus}`],
    event_latency: [`p(95)<${targets.latencyMsP95Max}`, `p(99)<${targets.latencyMsP99Max}`],
    agent_start_latency: [`p(95)<${targets.startLatencyMsP95Max}`],
    checks: ["rate==1"],
    runs_completed: ["count>0"],
    [GENERATOR_LAG_METRIC]: [`p(99)<${targets.generatorLagMsP99Max}`],
  };
  for (const violationClass of VIOLATION_CLASSES) thresholds[violationMetricName(violationClass)] = ["count==0"];
  return thresholds;
}

/** Trend stats in the summary: p(99) is a gate, so it is always shown. */
export const SUMMARY_TREND_STATS = ["avg", "min", "med", "max", "p(90)", "p(95)", "p(99)", "count"];
