/**
 * Options of createChecker: the timing budgets of docs/protocol.md invariant 9 and a
 * bound on everything the checker remembers (STYLE rule 6). Every field is optional;
 * {@link CHECKER_DEFAULTS} holds the defaults.
 */

/** Tunables of the checker. Budgets are in ms; bounds are counts. */
export interface CheckerOptions {
  /** agent_started.ts minus the start_agent send time must be at most this (ms). Default 100. */
  startLatencyBudgetMs?: number;
  /** Largest silence between two consecutive events of a run that has not completed, on event ts (ms). Default 2000. */
  thinkingIntervalBudgetMs?: number;
  /** tool_completed.ts minus tool_executing.ts may exceed the declared duration by at most this (ms). Default 100. */
  toolDurationSlackMs?: number;
  /** The declared duration of a tool (ms), when known; undefined skips the tool duration check for that call. */
  toolDurationMs?: (toolName: string, runId: string) => number | undefined;
  /** A run must complete in less than this, agent_completed.ts minus agent_started.ts (ms). Default 30000. */
  runDurationBudgetMs?: number;
  /** Per-run override of runDurationBudgetMs (a scenario that says otherwise); undefined keeps the default. */
  runDurationBudgetMsForRun?: (runId: string) => number | undefined;
  /** The p99 of live delivery latency (receivedAtMs minus ts) must be under this (ms). Default 50. */
  deliveryLatencyP99BudgetMs?: number;
  /**
   * Events remembered per user to compare copies of one (epoch, seq) across connections
   * (seq_conflict). Past it the oldest are forgotten: a conflicting copy of an event
   * older than the newest this-many the user's connections received is not detected. Default 4096.
   */
  eventsRememberedPerUserMax?: number;
  /**
   * Delivery latency samples kept for exact percentiles. Past it a deterministic
   * reservoir (Algorithm R, fixed-seed xorshift) keeps a uniform sample of this size:
   * percentiles become estimates, `count` and `max` stay exact and `sampled` says so. Default 100000.
   */
  latencySamplesMax?: number;
  /** Violations stored. Past it they are still counted (and still fail the verdict) but not stored. Default 10000. */
  violationsMax?: number;
  /** Connections open at once. Past it a new connection is not tracked and its frames are ignored (counted). Default 100000. */
  connectionsOpenMax?: number;
  /** Devices tracked. Past it a new device is not tracked and its frames are ignored (counted). Default 100000. */
  devicesMax?: number;
  /** Users tracked. Past it a new user is not tracked and its frames are ignored (counted). Default 100000. */
  usersMax?: number;
  /**
   * Runs remembered per device view. Past it the oldest completed run is forgotten first;
   * a late event of a forgotten run is then judged as the first event of a new run. Default 1024.
   */
  runsRememberedPerDeviceMax?: number;
  /** Runs remembered per user (timing, cross-device identity). Past it the oldest are forgotten. Default 1024. */
  runsRememberedPerUserMax?: number;
  /** Tool executions remembered per run. Past it the oldest completed ones are forgotten first. Default 256. */
  executionsRememberedPerRunMax?: number;
  /**
   * Disjoint seq ranges kept per set (received, announced loss, flagged loss). Past it the
   * two ranges with the smallest hole between them merge, i.e. that hole is treated as
   * covered: a later late arrival in it counts as a duplicate, not a reorder. Default 256.
   */
  seqRangesPerSetMax?: number;
  /** Arrival times remembered per connection, for "the first copy came at" in duplicate messages. Default 1024. */
  arrivalTimesRememberedPerConnectionMax?: number;
  /** start_agent sends waiting for their agent_started, per user. Past it the oldest is dropped. Default 256. */
  pendingStartsPerUserMax?: number;
  /** request_ids remembered per user, to ignore a repeated start_agent. Default 1024. */
  requestIdsRememberedPerUserMax?: number;
  /** Epochs remembered per user (newest known seq of each). Default 16. */
  epochsRememberedPerUserMax?: number;
  /**
   * When a device's run appears without agent_started, suspect the server if the device has
   * a pending start_agent of its own and held every seq since sending it, and no connection
   * of the user received an earlier event of the run. The suspicion becomes a missing_start
   * violation at finish unless an earlier event of the run turns up (on any connection, or in
   * the emitted log): delivery to the user's connections is skewed, so another device may
   * get the run's agent_started after this one got its next event. Default true. See
   * _internals/checkDeviceRunEvent.ts for the residual risk.
   */
  attributeRunsToOwnStarts?: boolean;
  /**
   * Missing-start suspicions (attributeRunsToOwnStarts) waiting for finish, per user. Past it
   * the oldest is dropped unjudged: a server that omits agent_started may then go unreported
   * for that run, never the reverse. Default 256.
   */
  missingStartSuspicionsPerUserMax?: number;
  /**
   * Judge the timing budgets (invariant 9) and sample delivery latency. Default true. A
   * k6 VU turns it off: k6's own Trends time the events there, and the checker's
   * per-event cost must stay in microseconds (timing never changes a violation class).
   */
  measureTiming?: boolean;
}

/** Options with every default filled in. */
export type ResolvedCheckerOptions = Required<Omit<CheckerOptions, "toolDurationMs" | "runDurationBudgetMsForRun">> &
  Pick<CheckerOptions, "toolDurationMs" | "runDurationBudgetMsForRun">;

/** The defaults of {@link CheckerOptions}: docs/protocol.md's seed budgets and the bounds. */
export const CHECKER_DEFAULTS = {
  startLatencyBudgetMs: 100,
  thinkingIntervalBudgetMs: 2000,
  toolDurationSlackMs: 100,
  runDurationBudgetMs: 30_000,
  deliveryLatencyP99BudgetMs: 50,
  eventsRememberedPerUserMax: 4096,
  latencySamplesMax: 100_000,
  violationsMax: 10_000,
  connectionsOpenMax: 100_000,
  devicesMax: 100_000,
  usersMax: 100_000,
  runsRememberedPerDeviceMax: 1024,
  runsRememberedPerUserMax: 1024,
  executionsRememberedPerRunMax: 256,
  seqRangesPerSetMax: 256,
  arrivalTimesRememberedPerConnectionMax: 1024,
  pendingStartsPerUserMax: 256,
  requestIdsRememberedPerUserMax: 1024,
  epochsRememberedPerUserMax: 16,
  attributeRunsToOwnStarts: true,
  missingStartSuspicionsPerUserMax: 256,
  measureTiming: true,
} as const satisfies Required<Omit<CheckerOptions, "toolDurationMs" | "runDurationBudgetMsForRun">>;

/** Fills in the defaults; a bound below 1 is raised to 1 (a checker that remembers nothing cannot check). */
export function resolveCheckerOptions(options: CheckerOptions = {}): ResolvedCheckerOptions {
  const resolved: ResolvedCheckerOptions = { ...CHECKER_DEFAULTS };
  for (const key of Object.keys(CHECKER_DEFAULTS) as (keyof typeof CHECKER_DEFAULTS)[]) {
    const value = options[key];
    if (value !== undefined) (resolved as Record<string, unknown>)[key] = value;
  }
  for (const key of Object.keys(resolved) as (keyof ResolvedCheckerOptions)[]) {
    if (key.endsWith("Max") && typeof resolved[key] === "number") {
      (resolved as Record<string, unknown>)[key] = Math.max(1, Math.floor(resolved[key] as number));
    }
  }
  if (options.toolDurationMs !== undefined) resolved.toolDurationMs = options.toolDurationMs;
  if (options.runDurationBudgetMsForRun !== undefined) resolved.runDurationBudgetMsForRun = options.runDurationBudgetMsForRun;
  return resolved;
}

/**
 * The options of the checker inside a k6 VU (load/lib/streamChecker.ts): one device's
 * stream, checked as it arrives, with timing off (k6's Trends time the events there).
 * `test/protocol/vuCheckerDifferential.test.ts` proves this path finds the same
 * violation classes as the full checker on whole traces (bug zoo, sweep seeds).
 */
export const VU_CHECKER_OPTIONS: Readonly<CheckerOptions> = Object.freeze({ measureTiming: false });
