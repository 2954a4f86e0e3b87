/**
 * The real {@link Scheduler}, over `setTimeout`. Timers stay ref'd: a pending run step
 * or token expiry is real work the process must not silently drop. Instead, the
 * server's `close()` calls {@link RealScheduler.cancelAll}, so shutdown never waits on
 * (or leaks) a timer.
 *
 * Node's setTimeout fires at once for delays above 2^31 - 1 ms (~24.8 days), which
 * would close a connection with a 30-day token immediately; long delays are chained
 * in hops of at most {@link TIMER_HOP_MS_MAX}.
 *
 * Ordering: timers due at the same ms run in the order they were set when they were
 * set with the same delay (Node keeps one FIFO list per duration); that is as close
 * as the real clock gets to the port's contract.
 */
import type { Scheduler, TimerHandle } from "../ports/scheduler.ts";

/** Longest single setTimeout hop, ms (Node's limit for a 32-bit signed delay). */
export const TIMER_HOP_MS_MAX = 2 ** 31 - 1;

/** A Scheduler that can also cancel everything it still holds. */
export interface RealScheduler extends Scheduler {
  /** Cancels every pending timer; later `after` calls still work. */
  cancelAll(): void;
  /** Number of timers set and not yet fired or cancelled. */
  pendingCount(): number;
}

/** Creates a real scheduler. */
export function createRealScheduler(): RealScheduler {
  const pending = new Set<Pending>();

  interface Pending {
    timeout: ReturnType<typeof setTimeout>;
  }

  function after(delayMs: number, callback: () => void): TimerHandle {
    if (!(delayMs >= 0)) throw new RangeError(`scheduler delay must be >= 0 ms, got ${String(delayMs)}`);
    const entry: Pending = { timeout: hop(delayMs) };
    pending.add(entry);

    function hop(remainingMs: number): ReturnType<typeof setTimeout> {
      const stepMs = Math.min(remainingMs, TIMER_HOP_MS_MAX);
      return setTimeout(() => {
        if (remainingMs > stepMs) {
          entry.timeout = hop(remainingMs - stepMs);
          return;
        }
        pending.delete(entry);
        callback();
      }, stepMs);
    }

    return {
      cancel: () => {
        if (!pending.delete(entry)) return;
        clearTimeout(entry.timeout);
      },
    };
  }

  return {
    after,
    cancelAll: () => {
      for (const entry of pending) clearTimeout(entry.timeout);
      pending.clear();
    },
    pendingCount: () => pending.size,
  };
}
