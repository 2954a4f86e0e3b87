import type { BuiltinMetrics } from "../metrics/builtinMetrics.ts";
import type { MetricRegistry } from "../metrics/metricRegistry.ts";
import type { ExecutionTuple } from "../options/executionSegment.ts";
import type { RunLogger } from "../runLogger.ts";
import type { VirtualUser } from "../vu/virtualUser.ts";
import type { VuPool } from "../vu/vuPool.ts";

/** Counters the progress line and `exec.instance` report. */
export interface IterationCounters {
  completed: number;
  interrupted: number;
}

/** What executors need from the run: VUs, metrics, the abort switch, the setup data. */
export interface ExecutionControl {
  readonly pool: VuPool;
  readonly tuple: ExecutionTuple;
  readonly registry: MetricRegistry;
  readonly builtin: BuiltinMetrics;
  readonly log: RunLogger;
  readonly counters: IterationCounters;
  /** True once the run is aborting (test.abort, abortOnFail threshold, signal): start nothing new. */
  isStopping(): boolean;
  /** Calls `listener` when the run starts aborting; returns an unsubscribe function. */
  onStopping(listener: () => void): () => void;
  /** The argument of the default/exec function for `vu` (its own copy of the setup data). */
  setupDataFor(vu: VirtualUser): unknown;
}
