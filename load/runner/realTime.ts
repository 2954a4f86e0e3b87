/**
 * The runner's only door to wall-clock time and real timers. The house rule is
 * that time enters through thin adapters; the runner IS such an adapter (it
 * drives a real load test), so every other runner file reads time from here.
 */
export const realTime = {
  /** Monotonic milliseconds, for durations. */
  monotonicMs: (): number => performance.now(),
  /** Milliseconds since the Unix epoch, for event timestamps. */
  epochMs: (): number => Date.now(),
  /** Node's own setTimeout, never the per-VU shim the bundle sees. */
  setTimeout: (callback: () => void, delayMs: number): NodeJS.Timeout => setTimeout(callback, delayMs),
  clearTimeout: (handle: NodeJS.Timeout): void => clearTimeout(handle),
  setInterval: (callback: () => void, periodMs: number): NodeJS.Timeout => setInterval(callback, periodMs),
  clearInterval: (handle: NodeJS.Timeout): void => clearInterval(handle),
  /** Resolves after the current macrotask, letting I/O and timers run. */
  yieldToEventLoop: (): Promise<void> => new Promise((resolve) => setImmediate(resolve)),
  /** Calls back after the microtask queue has drained. */
  setImmediate: (callback: () => void): NodeJS.Immediate => setImmediate(callback),
  /** Resolves after `delayMs`, or as soon as `until` resolves (the timer is then cleared); never rejects. */
  delay: (delayMs: number, options: { until?: Promise<unknown> } = {}): Promise<void> =>
    new Promise((resolve) => {
      const handle = setTimeout(resolve, delayMs);
      void options.until?.then(() => {
        clearTimeout(handle);
        resolve();
      });
    }),
};
