import { readFile } from "node:fs/promises";
import { resolve as resolvePath } from "node:path";
import { findUnsupportedImports, formatUnsupportedImports, listK6Imports } from "./bundleImports.ts";
import { EXIT_CODES, RunnerError, type ExitCode } from "./exitCodes.ts";
import { describeError } from "./executors/runIteration.ts";
import { plannedVuCount, runScenarios } from "./executors/runScenarios.ts";
import { bindThresholds, evaluateThresholds, THRESHOLD_EVALUATION_PERIOD_MS, type MetricThresholds } from "./metrics/thresholds.ts";
import { consolidateOptions, type ConsolidatedOptions, type OptionOverrides } from "./options/consolidateOptions.ts";
import { createExecutionTuple } from "./options/executionSegment.ts";
import { progressLine } from "./progressReporter.ts";
import { realTime } from "./realTime.ts";
import { createJsonOutput, type JsonOutput } from "./metrics/jsonOutput.ts";
import { looksLikeEsModule } from "./vu/commonJsBundle.ts";
import { createRunLogger } from "./runLogger.ts";
import { buildSummaryData, type SummaryData } from "./summary/summaryData.ts";
import { writeSummaryOutputs, summaryOutputs } from "./summaryOutputs.ts";
import { TestRun } from "./testRun.ts";
import { TestAbortedError } from "./vu/runContext.ts";
import type { ScopeOutcome } from "./vu/iterationScope.ts";

/** Options of `runBundle`; the command-line flags of `k6 run` map onto these. */
export interface RunBundleOptions extends OptionOverrides {
  /** `-e KEY=VALUE` entries: added to `__ENV`, over the system environment. */
  env?: Readonly<Record<string, string>>;
  /** Put the process environment into `__ENV` too (k6 run's default: true). */
  includeSystemEnv?: boolean;
  /** The "system" environment; defaults to `process.env`. */
  systemEnv?: Readonly<Record<string, string | undefined>>;
  /** `--summary-export`: also write k6's legacy JSON summary to this path. */
  summaryExport?: string;
  /** `--out json=PATH`: every sample as k6's json output writes it (gzipped when PATH ends in .gz). */
  outJson?: string;
  /** Directory relative paths (bundle, summary files) resolve against; defaults to `process.cwd()`. */
  cwd?: string;
  /** Where summary text for `stdout` goes; defaults to process.stdout. */
  stdout?: (text: string) => void;
  /** Where logs and progress go; defaults to process.stderr. */
  stderr?: (text: string) => void;
  /** Print a progress line this often (ms); 0 or absent: never. */
  progressIntervalMs?: number;
  /** Also print debug logs (console.debug). */
  verbose?: boolean;
  /** Write `handleSummary()` files and `--summary-export` (default true). */
  writeOutputs?: boolean;
  /** Aborting this stops the run like Ctrl+C stops k6 (exit 105). */
  signal?: AbortSignal;
  /** Samples a trend keeps for exact percentiles (see TrendSink). */
  trendSamplesMax?: number;
}

/** Everything a finished run reports; `exitCode` is what `k6 run` would exit with. */
export interface RunResult {
  exitCode: ExitCode;
  /** The data `handleSummary()` received; absent when the run failed before its test started. */
  summary: SummaryData | undefined;
  /** Metrics (or submetrics) with at least one failed threshold, sorted. */
  breachedThresholds: string[];
  /** What was (or, with `writeOutputs: false`, would have been) written: `stdout`, `stderr` or a file path -> content. */
  outputs: Record<string, string>;
  /** Why the run ended early or failed, if it did. */
  error: string | undefined;
}

/** Period of the `vus` / `vus_max` gauges, as in k6. */
const VUS_SAMPLE_PERIOD_MS = 1000;

/**
 * Runs an esbuild bundle of a k6 script the way `k6 run` would: init, setup,
 * the scenarios, teardown, thresholds, handleSummary. See load/runner/README.md.
 */
export async function runBundle(bundlePath: string, options: RunBundleOptions = {}): Promise<RunResult> {
  const cwd = options.cwd ?? process.cwd();
  const stdout = options.stdout ?? ((text: string) => void process.stdout.write(text));
  const stderr = options.stderr ?? ((text: string) => void process.stderr.write(text));
  const startedMs = realTime.monotonicMs();
  const log = createRunLogger({ write: stderr, elapsedSeconds: () => (realTime.monotonicMs() - startedMs) / 1000, verbose: options.verbose ?? false });
  const absolutePath = resolvePath(cwd, bundlePath);
  const failed = (exitCode: ExitCode, message: string): RunResult => {
    log.error(message);
    return { exitCode, summary: undefined, breachedThresholds: [], outputs: {}, error: message };
  };

  let source: string;
  try {
    source = await readFile(absolutePath, "utf8");
  } catch (error) {
    return failed(EXIT_CODES.usageError, `cannot read the bundle ${absolutePath}: ${(error as Error).message}`);
  }
  if (looksLikeEsModule(source)) {
    return failed(EXIT_CODES.scriptException, `${absolutePath} is an ES module; the Node runner runs CommonJS bundles as k6 loads them (build them with npm run load:build)`);
  }
  const unsupported = findUnsupportedImports(listK6Imports(source));
  if (unsupported.length > 0) return failed(EXIT_CODES.scriptException, formatUnsupportedImports(unsupported));

  const run = new TestRun({ bundlePath: absolutePath, bundleSource: source, env: environment(options), log, ...(options.trendSamplesMax === undefined ? {} : { trendSamplesMax: options.trendSamplesMax }) });
  const onUnhandledRejection = (reason: unknown): void => log.error(`Uncaught (in promise) ${describeError(reason)}`, { source: "stacktrace" });
  process.on("unhandledRejection", onUnhandledRejection);
  const onExternalAbort = (): void => run.stop({ message: "test run was aborted because the runner received a signal", exitCode: EXIT_CODES.externalAbort });
  options.signal?.addEventListener("abort", onExternalAbort);
  let jsonOutput: JsonOutput | undefined;
  try {
    if (options.outJson !== undefined) {
      const output = createJsonOutput(resolvePath(cwd, options.outJson));
      jsonOutput = output;
      run.registry.onSample = (metric, value, tags) => output.sample(metric, value, { tags, timeMs: Date.now() });
    }
    return await execute(run, options, { cwd, stdout, stderr });
  } catch (error) {
    if (error instanceof RunnerError) return failed(error.exitCode, error.message);
    throw error;
  } finally {
    options.signal?.removeEventListener("abort", onExternalAbort);
    process.off("unhandledRejection", onUnhandledRejection);
    run.dispose();
    await jsonOutput?.close();
  }
}

interface Io {
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

async function execute(run: TestRun, options: RunBundleOptions, io: Io): Promise<RunResult> {
  const initVu = await run.loadVu(0, 0);
  const consolidated = consolidate(initVu.exports["options"], options);
  for (const warning of consolidated.warnings) run.log.warn(warning);
  run.setTestOptions(consolidated.testOptionsView);
  if (consolidated.userAgent !== undefined) run.userAgent = consolidated.userAgent;
  run.tuple = configOrThrow(() => createExecutionTuple({ segment: consolidated.executionSegment, sequence: consolidated.executionSegmentSequence }));
  for (const scenario of consolidated.scenarios) {
    if (typeof initVu.exports[scenario.exec] !== "function") {
      throw new RunnerError(`executor ${scenario.name}: function '${scenario.exec}' not found in exports`, EXIT_CODES.invalidConfig);
    }
  }
  await run.pool.initialize(plannedVuCount(consolidated.scenarios, run.tuple));
  const thresholds = configOrThrow(() => bindThresholds(run.registry, consolidated.thresholds));

  run.testStartedMs = realTime.monotonicMs();
  const stopPeriodicWork = startPeriodicWork(run, thresholds, options, io);
  let runError: { message: string; exitCode: ExitCode } | undefined;
  try {
    runError = await runLifecycle(run, consolidated, initVu.exports);
  } finally {
    stopPeriodicWork();
  }
  if (run.counters.completed === 0 && runError === undefined) {
    run.log.warn("No script iterations fully finished, consider making the test duration longer");
  }

  const verdict = evaluateThresholds(thresholds, run.testRunDurationMs(), { ignoreEmptySinks: false });
  if (verdict.breached.length > 0) run.log.error(`thresholds on metrics '${verdict.breached.join(", ")}' have been crossed`);
  const overflowed = run.registry.overflowedTrends();
  if (overflowed.length > 0) run.log.warn(`percentiles of ${overflowed.join(", ")} use only the first samples (trendSamplesMax reached)`);
  const summary = buildSummaryData({
    registry: run.registry,
    thresholds,
    rootGroup: run.groups.root,
    trendStats: consolidated.summaryTrendStats,
    summaryTimeUnit: consolidated.summaryTimeUnit,
    testRunDurationMs: run.testRunDurationMs(),
    setupData: run.setupDataJson === undefined ? undefined : JSON.parse(run.setupDataJson),
    isStdOutTTY: process.stdout.isTTY === true,
    isStdErrTTY: process.stderr.isTTY === true,
  });
  const outputs = await summaryOutputs(run, summary, {
    hasHandleSummary: typeof initVu.exports["handleSummary"] === "function",
    timeoutMs: consolidated.handleSummaryTimeoutMs,
    summaryExport: options.summaryExport,
  });
  if (options.writeOutputs !== false) await writeSummaryOutputs(outputs, { ...io, log: run.log });

  const exitCode: ExitCode =
    runError?.exitCode ?? (run.failedMark !== undefined ? EXIT_CODES.markedAsFailed : verdict.breached.length > 0 ? EXIT_CODES.thresholdsFailed : EXIT_CODES.ok);
  return {
    exitCode,
    summary,
    breachedThresholds: verdict.breached,
    outputs,
    error: runError?.message ?? run.failedMark ?? (verdict.breached.length > 0 ? `thresholds on metrics '${verdict.breached.join(", ")}' have been crossed` : undefined),
  };
}

/** setup → scenarios → teardown, as k6's scheduler runs them; returns the error that ends the run, if any. */
async function runLifecycle(run: TestRun, options: ConsolidatedOptions, exports: Readonly<Record<string, unknown>>): Promise<{ message: string; exitCode: ExitCode } | undefined> {
  if (typeof exports["setup"] === "function") {
    const setup = await runLifecycleFunction(run, "setup", options.setupTimeoutMs, () => undefined);
    if (setup.error !== undefined) return setup.error;
    if (setup.value !== undefined) run.setupDataJson = setupDataJson(setup.value);
  }
  await runScenarios(options.scenarios, run);
  const stopped = run.stopReason;
  if (typeof exports["teardown"] === "function") {
    const teardown = await runLifecycleFunction(run, "teardown", options.teardownTimeoutMs, () =>
      run.setupDataJson === undefined ? undefined : JSON.parse(run.setupDataJson),
    );
    if (stopped === undefined && teardown.error !== undefined) return teardown.error;
  }
  return stopped === undefined ? undefined : { message: stopped.message, exitCode: stopped.exitCode };
}

/** Runs setup or teardown in its own VU 0 instance, in group `::setup` / `::teardown`, within `timeoutMs`. */
async function runLifecycleFunction(
  run: TestRun,
  name: "setup" | "teardown",
  timeoutMs: number,
  argument: () => unknown,
): Promise<{ value: unknown; error: { message: string; exitCode: ExitCode } | undefined }> {
  const vu = await run.loadVu(0, 0);
  const fn = vu.exports[name] as (data: unknown) => unknown;
  let timedOut = false;
  const timer = realTime.setTimeout(() => {
    timedOut = true;
    vu.interrupt();
  }, timeoutMs);
  const outcome: ScopeOutcome = await vu.runScoped(() => fn(argument()), { groupPath: `::${name}` });
  realTime.clearTimeout(timer);
  if (timedOut) {
    const exitCode = name === "setup" ? EXIT_CODES.setupTimeout : EXIT_CODES.teardownTimeout;
    return { value: undefined, error: { message: `${name}() execution timed out after ${timeoutMs / 1000} seconds`, exitCode } };
  }
  const failure = outcome.failure;
  if (failure === undefined) return { value: outcome.value, error: undefined };
  if (failure.error instanceof TestAbortedError) {
    return { value: undefined, error: { message: failure.error.message, exitCode: EXIT_CODES.scriptAborted } };
  }
  run.log.error(describeError(failure.error), { source: "stacktrace" });
  return { value: undefined, error: { message: `${name}() threw: ${(failure.error as Error)?.message ?? String(failure.error)}`, exitCode: EXIT_CODES.scriptException } };
}

function startPeriodicWork(run: TestRun, thresholds: readonly MetricThresholds[], options: RunBundleOptions, io: Io): () => void {
  const handles: NodeJS.Timeout[] = [];
  handles.push(realTime.setInterval(() => run.sampleVus(), VUS_SAMPLE_PERIOD_MS));
  if (thresholds.some((entry) => entry.thresholds.some((threshold) => threshold.definition.abortOnFail))) {
    handles.push(
      realTime.setInterval(() => {
        const verdict = evaluateThresholds(thresholds, run.testRunDurationMs(), { ignoreEmptySinks: true });
        if (!verdict.shouldAbort) return;
        run.stop({
          message: `thresholds on metrics '${verdict.breached.join(", ")}' were crossed; at least one has abortOnFail enabled, stopping test prematurely`,
          exitCode: EXIT_CODES.thresholdsFailed,
        });
      }, THRESHOLD_EVALUATION_PERIOD_MS),
    );
  }
  const progressMs = options.progressIntervalMs ?? 0;
  if (progressMs > 0) handles.push(realTime.setInterval(() => io.stderr(`${progressLine(run)}\n`), progressMs));
  return () => {
    for (const handle of handles) realTime.clearInterval(handle);
    if (progressMs > 0) io.stderr(`${progressLine(run)}\n`);
  };
}

/** setup()'s result as JSON, the form k6 hands it to VUs in. @throws RunnerError (107) when it is not serialisable. */
function setupDataJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw new RunnerError(`setup() returned data that cannot be turned into JSON: ${(error as Error).message}`, EXIT_CODES.scriptException, { cause: error });
  }
}

function consolidate(scriptOptions: unknown, overrides: OptionOverrides): ConsolidatedOptions {
  return configOrThrow(() => consolidateOptions(scriptOptions, overrides));
}

function configOrThrow<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof RunnerError) throw error;
    throw new RunnerError((error as Error).message, EXIT_CODES.invalidConfig, { cause: error });
  }
}

function environment(options: RunBundleOptions): Record<string, string> {
  const env: Record<string, string> = {};
  if (options.includeSystemEnv !== false) {
    for (const [key, value] of Object.entries(options.systemEnv ?? process.env)) if (value !== undefined) env[key] = value;
  }
  return { ...env, ...options.env };
}
