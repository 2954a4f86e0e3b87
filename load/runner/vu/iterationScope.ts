import { realTime } from "../realTime.ts";

/**
 * A k6 resource an iteration must wait for before it can end: an open
 * WebSocket, a pending timer or interval, a sleep.
 */
export interface PendingWork {
  /** Stops the work without delivering anything more to the script (the iteration failed or was interrupted). */
  cancel(): void;
}

/** How a scope ended. */
export interface ScopeOutcome {
  /** Set when the script threw (in the function or any callback); the first exception wins. */
  failure: { error: unknown } | undefined;
  /** True when the runner cut the scope short (gracefulStop, test abort). */
  interrupted: boolean;
  /** What the function returned (awaited), when it settled before the scope ended. */
  value: unknown;
}

/**
 * One run of a script function (an iteration, `setup`, `teardown`,
 * `handleSummary`) with k6's event-loop semantics: the scope ends when the
 * function has returned (its promise settled) AND every WebSocket, timer and
 * sleep it started is done. Like k6's event loop, a promise nothing can
 * settle any more (no pending work, microtasks drained) does not keep it alive.
 *
 * Callbacks the script registered (socket events, timers) run through
 * `invoke`, so an exception in any of them fails the iteration as in k6, and
 * nothing reaches the script after the scope has ended.
 */
export class IterationScope {
  /** Resolves once, when the scope ends. */
  readonly finished: Promise<ScopeOutcome>;
  private resolveFinished: (outcome: ScopeOutcome) => void = () => undefined;
  private readonly pending = new Set<PendingWork>();
  private functionSettled = false;
  private value: unknown = undefined;
  private failure: { error: unknown } | undefined = undefined;
  private ended = false;
  private idleCheckScheduled = false;
  /** Script callbacks running now; the scope cannot end in the middle of one (it may start more work). */
  private callbacksRunning = 0;

  constructor() {
    this.finished = new Promise((resolve) => {
      this.resolveFinished = resolve;
    });
  }

  /** False once the scope has ended; late callbacks check this and drop themselves. */
  get isOpen(): boolean {
    return !this.ended;
  }

  /** Calls the script function and follows whatever it returns. */
  start(run: () => unknown): void {
    let result: unknown;
    try {
      result = run();
    } catch (error) {
      this.fail(error);
      return;
    }
    if (isThenable(result)) {
      result.then(
        (value) => {
          this.value = value;
          this.functionSettled = true;
          this.checkDone();
        },
        (error: unknown) => this.fail(error),
      );
      this.checkDone();
      return;
    }
    this.value = result;
    this.functionSettled = true;
    this.checkDone();
  }

  /** Registers work the scope waits for; cancels it at once when the scope already ended. */
  track(work: PendingWork): void {
    if (this.ended) {
      work.cancel();
      return;
    }
    this.pending.add(work);
  }

  /** Marks `work` as done; the scope may end now. */
  untrack(work: PendingWork): void {
    if (!this.pending.delete(work)) return;
    this.checkDone();
  }

  /** Runs a script callback that belongs to this scope; a throw (or rejection) fails the scope. */
  invoke(callback: () => unknown): void {
    if (this.ended) return;
    this.callbacksRunning += 1;
    try {
      const result = callback();
      if (isThenable(result)) result.then(undefined, (error: unknown) => this.fail(error));
    } catch (error) {
      this.fail(error);
    } finally {
      this.callbacksRunning -= 1;
    }
    this.checkDone();
  }

  /** Ends the scope with `error` (the first failure wins); pending work is cancelled. */
  fail(error: unknown): void {
    if (this.ended) return;
    this.failure = { error };
    this.end(false);
  }

  /** Ends the scope early on the runner's behalf; pending work is cancelled. */
  interrupt(): void {
    if (this.ended) return;
    this.end(true);
  }

  private checkDone(): void {
    if (this.ended || this.pending.size > 0 || this.callbacksRunning > 0) return;
    if (this.functionSettled) {
      this.end(false);
      return;
    }
    if (this.idleCheckScheduled) return;
    // The function's promise is still pending and nothing k6 can deliver is
    // left. Let the microtask queue drain (setImmediate runs after it); if
    // still idle, the promise can never settle: end like k6's event loop.
    this.idleCheckScheduled = true;
    realTime.setImmediate(() => {
      this.idleCheckScheduled = false;
      if (!this.ended && this.pending.size === 0) this.end(false);
    });
  }

  private end(interrupted: boolean): void {
    this.ended = true;
    const leftovers = [...this.pending];
    this.pending.clear();
    for (const work of leftovers) work.cancel();
    this.resolveFinished({ failure: this.failure, interrupted, value: this.value });
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function";
}
