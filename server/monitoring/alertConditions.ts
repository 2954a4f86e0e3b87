/**
 * The four alert conditions of the agent-events checklist, with the numbers their rules in
 * monitoring/alerts.yml hold. Prometheus loads the rules file; code that judges a run
 * without Prometheus (the simulator's "would have alerted" verdict, the soak's stall goal)
 * reads this table. test/monitoring/alertConditions.test.ts checks every row against the
 * rules file (the comparison, the range and the `for:`), so the two cannot drift: change a
 * threshold in alerts.yml and that test names the row to change here.
 */

/** One checklist condition as its alert rule states it. */
export interface AlertCondition {
  /** The rule's name in monitoring/alerts.yml (`- alert: …`). */
  readonly alert: string;
  /** The checklist's own words for the condition. */
  readonly checklist: string;
  /** The comparison the rule's `expr` makes, verbatim (the consistency test finds it there). */
  readonly exprComparison: string;
  /** The number that comparison holds, in its series' unit; null when it compares two series. */
  readonly threshold: number | null;
  /** The range the `expr` reads (`rate(…[5m])`, `deriv(…[15m])`), s; 0 for an instant gauge. */
  readonly rangeS: number;
  /** The rule's `for:`, s: how long the comparison must hold before the alert fires. */
  readonly forS: number;
}

/**
 * The four conditions, keyed for code. Units: `runSilent.threshold` is seconds of silence;
 * `deliveryFailureRate.threshold` a ratio of failed to attempted sends; `eventQueueGrowth`
 * a slope in bytes per second.
 */
export const ALERT_CONDITIONS = {
  runSilent: {
    alert: "AgentWsRunSilent",
    checklist: "no events sent for 60 s during an agent run",
    exprComparison: "agent_ws_run_silence_seconds_max >= 30",
    threshold: 30,
    rangeS: 0,
    forS: 30,
  },
  deliveryFailureRate: {
    alert: "AgentWsDeliveryFailureRate",
    checklist: "event delivery failure rate > 1 %",
    exprComparison: "rate(agent_ws_send_attempts_total[5m]) > 0.01",
    threshold: 0.01,
    rangeS: 300,
    forS: 300,
  },
  connectionPoolExhausted: {
    alert: "AgentWsConnectionPoolExhausted",
    checklist: "WebSocket connection pool exhausted",
    exprComparison: "agent_ws_connections_open >= agent_ws_connections_max",
    threshold: null,
    rangeS: 60,
    forS: 120,
  },
  eventQueueGrowth: {
    alert: "AgentWsEventQueueGrowth",
    checklist: "memory growth in event queues",
    exprComparison: "deriv(agent_ws_send_buffer_bytes[15m]) > 0",
    threshold: 0,
    rangeS: 900,
    forS: 1_800,
  },
} as const satisfies Record<string, AlertCondition>;

/** Which condition of {@link ALERT_CONDITIONS}. */
export type AlertConditionKey = keyof typeof ALERT_CONDITIONS;

/** The keys of {@link ALERT_CONDITIONS} in checklist order. */
export const ALERT_CONDITION_KEYS = Object.keys(ALERT_CONDITIONS) as AlertConditionKey[];

/**
 * The shortest silence of one run that fires {@link ALERT_CONDITIONS}.runSilent in continuous
 * time, ms: the gauge passes its threshold, then holds it for the rule's `for:` (30 s + 30 s).
 * Scraped every few seconds, Prometheus sees it up to one scrape and one evaluation later.
 */
export const RUN_SILENCE_FIRES_MS = (ALERT_CONDITIONS.runSilent.threshold + ALERT_CONDITIONS.runSilent.forS) * 1_000;
