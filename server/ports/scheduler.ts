/**
 * Timer port. Everything that happens later in the manager or the runtime is
 * scheduled through this, never through `setTimeout` (STYLE rule 1).
 */
export interface TimerHandle {
  /** Cancels the timer; cancelling twice, or after it fired, does nothing. */
  cancel(): void;
}

/** Schedules callbacks on the real or the virtual clock. */
export interface Scheduler {
  /** Runs `callback` once after `delayMs` (>= 0). Timers due at the same time run in the order they were set. */
  after(delayMs: number, callback: () => void): TimerHandle;
}
