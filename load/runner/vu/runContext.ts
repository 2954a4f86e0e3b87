import type { BuiltinMetrics } from "../metrics/builtinMetrics.ts";
import type { MetricRegistry } from "../metrics/metricRegistry.ts";
import type { RunLogger } from "../runLogger.ts";
import type { GroupTree } from "../summary/groupTree.ts";

/** Live counters of the run, as `k6/execution`'s `instance` reports them. */
export interface ExecutionStats {
  vusActive: number;
  vusInitialized: number;
  iterationsCompleted: number;
  iterationsInterrupted: number;
  currentTestRunDurationMs: number;
}

/** A socket the run must be able to kill at the end, whatever state its VU is in. */
export interface TerminableSocket {
  terminate(): void;
}

/**
 * What every VU's shim modules share within one run: the metric registry
 * (so custom metrics aggregate across VUs), the group/check tree, the logger,
 * and the few run-wide controls the script can reach (`exec.test.abort()`).
 */
export interface RunContext {
  readonly registry: MetricRegistry;
  readonly builtin: BuiltinMetrics;
  readonly groups: GroupTree;
  readonly log: RunLogger;
  /** The User-Agent header of WebSocket handshakes (options.userAgent, or the runner's own). */
  readonly userAgent: string;
  /** Every socket opened during the run, so the end of the run can terminate stragglers. */
  readonly sockets: Set<TerminableSocket>;
  /** The consolidated options as `exec.test.options` exposes them. */
  testOptions(): Readonly<Record<string, unknown>>;
  executionStats(): ExecutionStats;
  /** `exec.test.abort(reason)`: stop the run now; exit code 108. */
  abortTest(reason: string): void;
  /** `exec.test.fail(reason)`: let the run finish, then exit with 110. */
  markFailed(reason: string): void;
  /** Logs `message` as a warning the first time `key` is seen in this run. */
  warnOnce(key: string, message: string): void;
}

/** Thrown into the script by `exec.test.abort()` so the current function stops where it is. */
export class TestAbortedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "TestAbortedError";
  }
}
