/**
 * Runs in flight and when each last had an event, as the manager sees them: a run
 * enters with any event of its `run_id` and leaves with its `agent_completed`. What the
 * "no events for 60 s during an agent run" alert reads (`agent_ws_run_silence_seconds_max`).
 *
 * The manager feeds it (not the runtime) because a stall anywhere before the manager
 * (the runtime, a bridge, an injected publish wrapper, the soak publisher) shows here
 * as silence, and events published straight into the manager count too.
 *
 * The map is kept in last-event order (touching a run re-inserts it), so the first entry
 * is always the run silent the longest: reading the longest silence is O(1). Time comes
 * in as an argument: this file reads no clock.
 */
export class RunSilenceTracker {
  readonly #runsTrackedMax: number;
  /** Key `userId \0 runId` (run ids are only unique per user in general) → last event time, ms. */
  readonly #lastEventMsByRun = new Map<string, number>();
  #runsForgotten = 0;

  /** `runsTrackedMax`: runs in flight held at once; one more forgets the run silent the longest (counted in {@link runsForgotten}). */
  constructor(options: { runsTrackedMax: number }) {
    this.#runsTrackedMax = options.runsTrackedMax;
  }

  /** An event of `runId` for `userId` was published at `nowMs`; `completed` when it is the run's `agent_completed`. */
  observe(userId: string, runId: string, options: { nowMs: number; completed: boolean }): void {
    const key = `${userId}\u0000${runId}`;
    this.#lastEventMsByRun.delete(key);
    if (options.completed) return;
    this.#lastEventMsByRun.set(key, options.nowMs);
    if (this.#lastEventMsByRun.size > this.#runsTrackedMax) {
      this.#lastEventMsByRun.delete(this.#lastEventMsByRun.keys().next().value as string);
      this.#runsForgotten += 1;
    }
  }

  /** Runs that had an event and no `agent_completed` yet. */
  get runsInFlight(): number {
    return this.#lastEventMsByRun.size;
  }

  /** Runs forgotten because more than `runsTrackedMax` were in flight (never completed runs pile up this way). */
  get runsForgotten(): number {
    return this.#runsForgotten;
  }

  /** Time since the last event of the run silent the longest, ms; 0 with no run in flight. */
  longestSilenceMs(nowMs: number): number {
    const oldest = this.#lastEventMsByRun.values().next();
    return oldest.done === true ? 0 : Math.max(0, nowMs - oldest.value);
  }
}
