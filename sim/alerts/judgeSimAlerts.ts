/**
 * The checklist's four alert conditions judged on one simulation's own counters, with the
 * thresholds of monitoring/alerts.yml (server/monitoring/alertConditions.ts, checked
 * against the rules file). Pure: a deterministic function of the counters.
 *
 * What a simulation can and cannot tell:
 * - AgentWsRunSilent: judged. The counters hold the highest value the rule's gauge took, in
 *   continuous virtual time; the alert fires when it reaches threshold + `for:` (60 s).
 * - AgentWsDeliveryFailureRate: quiet when no send failed (the ratio never left 0);
 *   otherwise not judged: the rule reads 5-minute rates held 5 minutes, and the simulator
 *   keeps run totals, not 5-minute windows (a simulated run is also far shorter).
 * - AgentWsConnectionPoolExhausted: quiet when the pool never filled and no upgrade was
 *   refused at `connectionsMax`; otherwise not judged, for the same reason (2 minutes held).
 * - AgentWsEventQueueGrowth: never judged: the rule reads a 15-minute slope held 30
 *   minutes, and the simulator keeps no series of buffer sizes over time.
 */
import { ALERT_CONDITIONS, RUN_SILENCE_FIRES_MS } from "../../server/monitoring/alertConditions.ts";
import type { SimAlertCondition, SimAlertCounters, SimAlertVerdict } from "./SimAlertVerdict.ts";

const seconds = (ms: number): string => `${(ms / 1_000).toFixed(1)} s`;
const minutes = (s: number): string => (s % 60 === 0 ? `${s / 60} min` : `${s} s`);

function runSilent(counters: SimAlertCounters): SimAlertCondition {
  const rule = ALERT_CONDITIONS.runSilent;
  const fired = counters.runSilenceMsMax >= RUN_SILENCE_FIRES_MS;
  const how = `fires at ${seconds(RUN_SILENCE_FIRES_MS)}: silence ≥ ${rule.threshold} s held ${rule.forS} s`;
  return {
    alert: rule.alert,
    checklist: rule.checklist,
    state: fired ? "fired" : "quiet",
    detail: `${fired ? "a run in flight went" : "the longest a run in flight went was"} ${seconds(counters.runSilenceMsMax)} without an event (${how})`,
  };
}

function deliveryFailureRate(counters: SimAlertCounters): SimAlertCondition {
  const rule = ALERT_CONDITIONS.deliveryFailureRate;
  const sends = `${counters.sendFailures} of ${counters.sendAttempts} sends failed`;
  if (counters.sendFailures === 0) return { alert: rule.alert, checklist: rule.checklist, state: "quiet", detail: `${sends}: the failure ratio never left 0` };
  const percent = counters.sendAttempts === 0 ? "" : ` (${((counters.sendFailures / counters.sendAttempts) * 100).toFixed(2)} % over the run)`;
  return {
    alert: rule.alert,
    checklist: rule.checklist,
    state: "not_judged",
    detail: `${sends}${percent}; the rule needs over ${rule.threshold * 100} % in ${minutes(rule.rangeS)} windows for ${minutes(rule.forS)}, and the simulator keeps run totals, not windows (this run: ${seconds(counters.durationMs)} of virtual time)`,
  };
}

function connectionPoolExhausted(counters: SimAlertCounters): SimAlertCondition {
  const rule = ALERT_CONDITIONS.connectionPoolExhausted;
  const seen = `at most ${counters.connectionsPeak} of connectionsMax ${counters.connectionsMax} open, ${counters.poolRefusals} upgrade(s) refused at the limit`;
  if (counters.connectionsPeak < counters.connectionsMax && counters.poolRefusals === 0) return { alert: rule.alert, checklist: rule.checklist, state: "quiet", detail: `${seen}: the pool never filled` };
  return {
    alert: rule.alert,
    checklist: rule.checklist,
    state: "not_judged",
    detail: `${seen}: the pool filled, and the rule needs it full for ${minutes(rule.forS)}; the simulator keeps no series of it (this run: ${seconds(counters.durationMs)} of virtual time)`,
  };
}

function eventQueueGrowth(counters: SimAlertCounters): SimAlertCondition {
  const rule = ALERT_CONDITIONS.eventQueueGrowth;
  return {
    alert: rule.alert,
    checklist: rule.checklist,
    state: "not_judged",
    detail: `the rule reads a ${minutes(rule.rangeS)} slope of the replay and send buffers held ${minutes(rule.forS)}; the simulator keeps no series of them (this run: ${seconds(counters.durationMs)}; ${counters.replayEventsAtEnd} event(s), ${counters.replayBytesAtEnd} bytes in replay buffers at the end)`,
  };
}

/** Judges the four conditions of server/monitoring/alertConditions.ts on `counters`. */
export function judgeSimAlerts(counters: SimAlertCounters): SimAlertVerdict {
  const conditions = [runSilent(counters), deliveryFailureRate(counters), connectionPoolExhausted(counters), eventQueueGrowth(counters)];
  return { fired: conditions.filter((condition) => condition.state === "fired").map((condition) => condition.alert), conditions, counters };
}

/** "would have alerted: A, B", or "would have alerted: nothing": the line every run prints. */
export function wouldHaveAlertedLine(verdict: Pick<SimAlertVerdict, "fired">): string {
  return `would have alerted: ${verdict.fired.length === 0 ? "nothing" : verdict.fired.join(", ")}`;
}
