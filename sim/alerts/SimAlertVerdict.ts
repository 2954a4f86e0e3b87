/**
 * What the simulator says about the checklist's four alert conditions (monitoring/alerts.yml)
 * for one run, as data: which alerts would have fired, and per condition what the run's own
 * counters showed. No Prometheus scrapes a simulation; see judgeSimAlerts.ts for what each
 * verdict is read from and why some are "not judged".
 */

/** The run's own counters the verdict is drawn from (virtual time, so the same seed gives the same numbers). */
export interface SimAlertCounters {
  /**
   * The longest any run in flight went without an event reaching the manager, ms: the
   * highest value `agent_ws_run_silence_seconds_max` (× 1000) took during the run, read
   * from the server's own RunSilenceTracker fed with every publish.
   */
  runSilenceMsMax: number;
  /** Frames the managers tried to write (written, failed, or refused as a slow consumer): `agent_ws_send_attempts_total`. */
  sendAttempts: number;
  /** Sends that failed: `agent_ws_send_failures_total`. */
  sendFailures: number;
  /** Upgrades refused because every slot was taken (`connections_total`). */
  poolRefusals: number;
  /** Most connections open on one manager at once. */
  connectionsPeak: number;
  /** The manager's `connectionsMax`. */
  connectionsMax: number;
  /** What the replay buffers held when the run ended, all users. */
  replayEventsAtEnd: number;
  replayBytesAtEnd: number;
  /** Virtual time the run lasted, ms (quiescence included). */
  durationMs: number;
}

/** How one condition came out: it would have fired, it could not have, or the run cannot tell. */
export type SimAlertState = "fired" | "quiet" | "not_judged";

/** One condition's verdict. */
export interface SimAlertCondition {
  /** The rule's name in monitoring/alerts.yml. */
  alert: string;
  /** The checklist's words for it. */
  checklist: string;
  state: SimAlertState;
  /** Why, with the numbers: what was seen against the rule's threshold, or why it was not judged. */
  detail: string;
}

/** The verdict of one run. */
export interface SimAlertVerdict {
  /** The alerts that would have fired, in checklist order; [] for "nothing". */
  fired: string[];
  /** All four conditions, in checklist order. */
  conditions: SimAlertCondition[];
  counters: SimAlertCounters;
}
