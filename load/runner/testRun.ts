import { readFileSync } from "node:fs";
import { EXIT_CODES, RunnerError, type ExitCode } from "./exitCodes.ts";
import type { ExecutionControl, IterationCounters } from "./executors/executionControl.ts";
import { registerBuiltinMetrics, type BuiltinMetrics } from "./metrics/builtinMetrics.ts";
import { MetricRegistry } from "./metrics/metricRegistry.ts";
import { createExecutionTuple, globalIndexOf, type ExecutionTuple } from "./options/executionSegment.ts";
import { realTime } from "./realTime.ts";
import type { RunLogger } from "./runLogger.ts";
import { createVuModules } from "./shims/vuModules.ts";
import { isSupportedK6Module } from "./supportedK6Modules.ts";
import { GroupTree } from "./summary/groupTree.ts";
import type { ExecutionStats, RunContext, TerminableSocket } from "./vu/runContext.ts";
import { compileCommonJsBundle, type CompiledBundle } from "./vu/commonJsBundle.ts";
import { VirtualUser } from "./vu/virtualUser.ts";
import { VuPool } from "./vu/vuPool.ts";

/** Why the run is stopping early, and the exit code that goes with it. */
export interface StopReason {
  message: string;
  exitCode: ExitCode;
}

let runCounter = 0;

/**
 * The state of one `runBundle` call: metrics, groups, VU instances, the stop
 * switch. It is both the `RunContext` the shims see and the
 * `ExecutionControl` the executors see.
 */
export class TestRun implements RunContext, ExecutionControl {
  readonly runId: string;
  readonly registry: MetricRegistry;
  readonly builtin: BuiltinMetrics;
  readonly groups = new GroupTree();
  readonly log: RunLogger;
  readonly sockets = new Set<TerminableSocket>();
  readonly counters: IterationCounters = { completed: 0, interrupted: 0 };
  readonly pool: VuPool;
  userAgent = "k6-node-runner (k6-compatible)";
  tuple: ExecutionTuple = createExecutionTuple({});
  /** Set once the test (setup onwards) has started. */
  testStartedMs: number | undefined = undefined;
  /** The first reason the run stopped early. */
  stopReason: StopReason | undefined = undefined;
  /** Set by `exec.test.fail()`. */
  failedMark: string | undefined = undefined;
  /** setup()'s result as JSON; each VU parses its own copy. */
  setupDataJson: string | undefined = undefined;
  private options: Readonly<Record<string, unknown>> = {};
  private readonly bundlePath: string;
  private readonly bundleSource: string | undefined;
  private bundle: CompiledBundle | undefined = undefined;
  private readonly env: Readonly<Record<string, string>>;
  private readonly stopListeners = new Set<() => void>();
  private readonly warned = new Set<string>();
  private instanceCounter = 0;

  constructor(setup: { bundlePath: string; bundleSource?: string; env: Readonly<Record<string, string>>; log: RunLogger; trendSamplesMax?: number }) {
    runCounter += 1;
    this.runId = `${process.pid}-${runCounter}`;
    this.bundlePath = setup.bundlePath;
    this.bundleSource = setup.bundleSource;
    this.env = setup.env;
    this.log = setup.log;
    this.registry = new MetricRegistry(setup.trendSamplesMax === undefined ? {} : { trendSamplesMax: setup.trendSamplesMax });
    this.builtin = registerBuiltinMetrics(this.registry);
    this.pool = new VuPool((idInInstance) => this.loadVu(idInInstance, globalIndexOf(this.tuple, idInInstance)), {
      onLend: () => this.sampleVus(),
    });
  }

  /**
   * Imports a fresh instance of the bundle for a VU (its init context runs now).
   * @throws RunnerError (exit 107) when the init context throws.
   */
  async loadVu(idInInstance: number, idInTest: number): Promise<VirtualUser> {
    this.instanceCounter += 1;
    const vuTag = `${this.runId}.${this.instanceCounter}`;
    const vu = new VirtualUser({ instanceKey: vuTag, idInInstance, idInTest, env: this.env });
    const modules = createVuModules(vu, this);
    try {
      this.bundle ??= compileCommonJsBundle(this.bundleSource ?? readFileSync(this.bundlePath, "utf8"), { filename: this.bundlePath });
      vu.exports = this.bundle.instantiate({
        require: (specifier) => {
          // k6's own words for a module it does not have.
          if (!isSupportedK6Module(specifier)) throw new Error(`unknown module: ${specifier}`);
          return modules.module(specifier);
        },
        globals: modules.globals(),
      });
    } catch (error) {
      const where = idInInstance === 0 ? "the init context" : `the init context of VU ${idInInstance}`;
      throw new RunnerError(`${where} threw: ${(error as Error)?.stack ?? String(error)}`, EXIT_CODES.scriptException, { cause: error });
    } finally {
      vu.initializing = false;
    }
    return vu;
  }

  /** Sets what `exec.test.options` returns. */
  setTestOptions(options: Readonly<Record<string, unknown>>): void {
    this.options = options;
  }

  /** Stops the run early: executors start nothing new and interrupt what runs. The first reason wins. */
  stop(reason: StopReason): void {
    if (this.stopReason !== undefined) return;
    this.stopReason = reason;
    if (reason.exitCode !== EXIT_CODES.scriptAborted) this.log.error(reason.message);
    for (const listener of [...this.stopListeners]) listener();
  }

  /** Milliseconds since setup started (0 before). */
  testRunDurationMs(): number {
    return this.testStartedMs === undefined ? 0 : realTime.monotonicMs() - this.testStartedMs;
  }

  /** Emits the `vus` and `vus_max` gauges (on every VU loan and every second while scenarios run). */
  sampleVus(): void {
    if (this.testStartedMs === undefined) return;
    this.registry.addSample(this.builtin.vus, this.pool.activeCount, {});
    this.registry.addSample(this.builtin.vus_max, this.pool.initializedCount, {});
  }

  /** Terminates sockets still open and forgets the VU instances. */
  dispose(): void {
    for (const socket of this.sockets) socket.terminate();
    this.sockets.clear();
    this.stopListeners.clear();
  }

  // RunContext

  testOptions(): Readonly<Record<string, unknown>> {
    return this.options;
  }

  executionStats(): ExecutionStats {
    return {
      vusActive: this.pool.activeCount,
      vusInitialized: this.pool.initializedCount,
      iterationsCompleted: this.counters.completed,
      iterationsInterrupted: this.counters.interrupted,
      currentTestRunDurationMs: this.testRunDurationMs(),
    };
  }

  abortTest(reason: string): void {
    this.log.error(reason, { source: "script" });
    this.stop({ message: reason, exitCode: EXIT_CODES.scriptAborted });
  }

  markFailed(reason: string): void {
    this.log.error(reason, { source: "script" });
    this.failedMark ??= reason;
  }

  warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.log.warn(message);
  }

  // ExecutionControl

  isStopping(): boolean {
    return this.stopReason !== undefined;
  }

  onStopping(listener: () => void): () => void {
    if (this.stopReason !== undefined) {
      listener();
      return () => undefined;
    }
    this.stopListeners.add(listener);
    return () => this.stopListeners.delete(listener);
  }

  setupDataFor(vu: VirtualUser): unknown {
    if (this.setupDataJson === undefined) return undefined;
    vu.setupDataCopy ??= { value: JSON.parse(this.setupDataJson) };
    return vu.setupDataCopy.value;
  }
}
