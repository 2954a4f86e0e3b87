/**
 * `npm run sim -- …`: run one seed, sweep many, check determinism, replay a recorded
 * trace, or run a planted bug from the zoo. See docs/simulator.md for every flag.
 *
 * Exit codes (protocol/exitCodes.ts): 0 pass · 1 safety violation or a required timing budget missed · 2 bad usage (flag, scenario file, or a
 * --replay file that is not a readable trace) ·
 * 3 liveness failure · 4 crash · 5 nondeterminism (same seed, different trace).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename, dirname, isAbsolute, join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { checkResult, replaySummarySchema, simSummarySchema, sweepSummarySchema } from "../protocol/resultSchemas.ts";
import { newRunDirectory } from "../load/newRunDirectory.ts";
import { checkTrace } from "../protocol/checker/checkTrace.ts";
import { EXIT_CODES } from "../protocol/exitCodes.ts";
import { BUG_ZOO, findPlantedBug } from "./bugZoo/bugZoo.ts";
import type { PlantedBug } from "./bugZoo/PlantedBug.ts";
import { formatSimReport } from "./report/formatSimReport.ts";
import type { SimOutcome, SimulationResult } from "./runSimulation.ts";
import { endQuietlyOnClosedStdout } from "./endQuietlyOnClosedStdout.ts";
import { loadScenario, ScenarioError } from "./scenario/loadScenario.ts";
import type { Scenario } from "./scenario/scenarioSchema.ts";
import { integerOption, parseCliArguments, parseSeedRange, UsageError } from "./cliArguments.ts";
import { createProgress } from "./report/createProgress.ts";
import { formatScenarioTable } from "./report/formatScenarioTable.ts";
import { createScenarioTally } from "./sweep/createScenarioTally.ts";
import { runSweep, SWEEP_JOBS_MAX } from "./sweep/runSweep.ts";
import { runHashed, type SweepSeedOutcome, type SweepSeedResult } from "./sweep/runSweepSeed.ts";
import type { SweepTask } from "./sweep/SweepSetup.ts";

const USAGE = `Usage: npm run sim -- [options]

  --seed N             run one seed (default 1); seeds are 0 to 4294967295
  --seeds A..B         sweep seeds A to B inclusive, or a list 3,7,42 (not with --seed)
  --count N            sweep N seeds starting at --seed
  --scenario FILE|all  scenario file (default scenarios/golden-path.json); "all" = every file in scenarios/
  --faults off|on|heavy  override the scenario's fault mix (on/heavy: the seed draws it)
  --users N            override the number of users
  --runs N             override runs per user
  --plant NAME|list    plant a bug from the zoo ("list" prints them)
  --check-determinism  run each seed twice and compare trace hashes
  --jobs N             threads for a sweep (default: the number of cores); 1 = in this process.
                       Results are the same whatever N is
  --replay FILE        re-check a recorded trace (JSONL) from this simulator or any client
  --out DIR            where results go (default results); a sweep writes its own folder
                       DIR/sweep/<scenario>-<time>/ with its summary and failing seeds' traces
  -q, --quiet          no progress lines during a sweep (also under CI=true); failures still print
  --fail-fast          stop a sweep at its first failing seed (its exit code; the summary is
                       partial). For mutation testing: killed or not is all it asks
  --json               print the result as JSON instead of text: a run's or a sweep's summary,
                       a replay's verdict, or the bug zoo (--plant list)
  --help               this text

Exit codes: 0 pass, 1 safety violation or a required timing budget missed, 2 bad usage, 3 liveness failure, 4 crash, 5 nondeterminism,
130 sweep interrupted by Ctrl-C (its partial summary is written).`;

/** Where the CLI writes: the process's streams, or a test's stand-ins (tests run the CLI in process). */
export interface SimIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

interface CliOptions {
  seeds: number[];
  sweep: boolean;
  scenarioPaths: string[];
  faults: "off" | "on" | "heavy" | undefined;
  users: number | undefined;
  runs: number | undefined;
  plant: PlantedBug | undefined;
  checkDeterminism: boolean;
  /** Threads for a sweep, 1 to SWEEP_JOBS_MAX. */
  jobs: number;
  outDir: string;
  json: boolean;
  /** No progress lines (failures still print). */
  quiet: boolean;
  /** Stop a sweep at its first failing seed. */
  failFast: boolean;
}

/** Appended to a --seed error for a negative value: those seeds are fast-check's, not the simulator's. */
const SEED_NEGATIVE_HINT = "(simulator seeds are non-negative; a negative seed is fast-check's: npm run prop -- --seed N)";

/** The flags of `npm run sim` (node:util parseArgs' table). */
const SIM_OPTIONS = {
  seed: { type: "string" },
  seeds: { type: "string" },
  count: { type: "string" },
  scenario: { type: "string" },
  faults: { type: "string" },
  users: { type: "string" },
  runs: { type: "string" },
  plant: { type: "string" },
  "check-determinism": { type: "boolean" },
  jobs: { type: "string" },
  replay: { type: "string" },
  out: { type: "string" },
  json: { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
  "fail-fast": { type: "boolean" },
  help: { type: "boolean" },
} as const;

function parseCli(argv: string[]): CliOptions | { replay: string; json: boolean } | { list: true; json: boolean } | { help: true } {
  const values = parseCliArguments(argv, SIM_OPTIONS);
  const json = values.json === true;
  if (values.help === true) return { help: true };
  const jobsGiven = integerOption("jobs", values.jobs, { min: 1, max: SWEEP_JOBS_MAX });
  const jobsNotForThis = `--jobs N applies to a sweep (--seeds, --count or --scenario all)`;
  if (values.replay !== undefined) {
    if (jobsGiven !== undefined) throw new UsageError(`${jobsNotForThis}, not to --replay`);
    return { replay: values.replay, json };
  }
  if (values.plant === "list") return { list: true, json };
  const seed = integerOption("seed", values.seed, { min: 0, max: 2 ** 32 - 1, negativeHint: SEED_NEGATIVE_HINT }) ?? 1;
  const count = integerOption("count", values.count, { min: 1, max: 10_000_000 });
  if (values.seeds !== undefined && count !== undefined) throw new UsageError("--seeds and --count cannot be used together");
  if (values.seeds !== undefined && values.seed !== undefined) {
    throw new UsageError(`--seed and --seeds cannot be used together: --seeds ${values.seeds} names every seed (use --seed N --count K for K seeds from N)`);
  }
  const seeds = values.seeds !== undefined ? parseSeedRange(values.seeds) : Array.from({ length: count ?? 1 }, (_, index) => seed + index);
  const faults = values.faults;
  if (faults !== undefined && faults !== "off" && faults !== "on" && faults !== "heavy") {
    throw new UsageError(`--faults must be off, on or heavy, got "${faults}"`);
  }
  let plant: PlantedBug | undefined;
  if (values.plant !== undefined) {
    plant = findPlantedBug(values.plant);
    if (plant === undefined) throw new UsageError(`--plant: unknown bug "${values.plant}"; known: ${BUG_ZOO.map((bug) => bug.name).join(", ")}`);
  }
  const scenarioArgument = values.scenario ?? (plant === undefined ? "scenarios/golden-path.json" : `scenarios/${plant.scenario}.json`);
  const scenarioPaths =
    scenarioArgument === "all"
      ? readdirSync("scenarios").filter((name) => name.endsWith(".json")).sort().map((name) => join("scenarios", name))
      : [scenarioArgument];
  const sweep = values.seeds !== undefined || count !== undefined || scenarioPaths.length > 1;
  if (jobsGiven !== undefined && !sweep) throw new UsageError(`${jobsNotForThis}; one seed runs in this process: add --count N or --seeds A..B`);
  const failFast = values["fail-fast"] === true;
  if (failFast && !sweep) throw new UsageError("--fail-fast applies to a sweep (--seeds, --count or --scenario all); one seed already stops at its end");
  return {
    seeds,
    sweep,
    scenarioPaths,
    faults,
    users: integerOption("users", values.users, { min: 1, max: 1_000 }),
    runs: integerOption("runs", values.runs, { min: 0, max: 1_000 }),
    plant,
    checkDeterminism: values["check-determinism"] === true,
    jobs: jobsGiven ?? Math.min(availableParallelism(), SWEEP_JOBS_MAX),
    outDir: values.out ?? "results",
    json,
    quiet: values.quiet === true,
    failFast,
  };
}

function applyOverrides(scenario: Scenario, options: CliOptions): Scenario {
  return {
    ...scenario,
    ...(options.faults === undefined ? {} : { faults: options.faults }),
    ...(options.users === undefined ? {} : { users: options.users, devicesPerUser: Array.isArray(scenario.devicesPerUser) ? 1 : scenario.devicesPerUser }),
    ...(options.runs === undefined ? {} : { runsPerUser: options.runs }),
  };
}

/** The one line that reproduces a run. */
export function reproLine(seed: number, scenarioPath: string, options: Pick<CliOptions, "faults" | "users" | "runs" | "plant">): string {
  const parts = ["npm run sim --", `--seed ${seed}`, `--scenario ${scenarioPath}`];
  if (options.faults !== undefined) parts.push(`--faults ${options.faults}`);
  if (options.users !== undefined) parts.push(`--users ${options.users}`);
  if (options.runs !== undefined) parts.push(`--runs ${options.runs}`);
  if (options.plant !== undefined) parts.push(`--plant ${options.plant.name}`);
  return parts.join(" ");
}

/** {@link runHashed}, timed with the wall clock (the CLI edge: the simulator itself never reads it). */
function runOnce(scenario: Scenario, seed: number, plant: PlantedBug | undefined, keepLines: boolean) {
  const startedAt = process.hrtime.bigint();
  const run = runHashed(scenario, seed, { ...(plant === undefined ? {} : { plant }), keepLines });
  return { ...run, realMs: Number(process.hrtime.bigint() - startedAt) / 1e6 };
}

/**
 * Writes a run's trace.jsonl and summary.json into `outDir`/sim-<scenario>-seed<N>[-<plant>]/.
 * A sweep's seed has no `realMs`: its files are the same whatever thread or --jobs ran it.
 */
function writeResults(outDir: string, result: SimulationResult, run: { lines: string[]; traceSha256: string; realMs?: number }, repro: string) {
  const dir = join(outDir, `sim-${result.scenario}-seed${result.seed}${result.plant === null ? "" : `-${result.plant}`}`);
  mkdirSync(dir, { recursive: true });
  const trace = join(dir, "trace.jsonl");
  const summary = join(dir, "summary.json");
  writeFileSync(trace, run.lines.length === 0 ? "" : `${run.lines.join("\n")}\n`);
  const realMs = run.realMs === undefined ? {} : { realMs: Math.round(run.realMs) };
  writeFileSync(summary, `${JSON.stringify(checkResult(simSummarySchema, { kind: "sim", ...result, repro, traceSha256: run.traceSha256, ...realMs }, summary), null, 2)}\n`);
  return { trace, summary };
}

function exitCodeOf(outcome: SimOutcome): number {
  return EXIT_CODES[outcome];
}

function single(scenario: Scenario, scenarioPath: string, options: CliOptions, io: SimIo): number {
  const seed = options.seeds[0] as number;
  const run = runOnce(scenario, seed, options.plant, true);
  const repro = reproLine(seed, scenarioPath, options);
  const files = writeResults(options.outDir, run.result, run, repro);
  let code = exitCodeOf(run.result.outcome);
  if (options.checkDeterminism) {
    const again = runOnce(scenario, seed, options.plant, false);
    const same = again.traceSha256 === run.traceSha256;
    io.stderr(`determinism: seed ${seed} trace sha256 ${run.traceSha256.slice(0, 16)}… ${same ? "identical on a second run" : `DIFFERS on a second run (${again.traceSha256.slice(0, 16)}…)`}\n`);
    if (!same) code = EXIT_CODES.nondeterminism;
  }
  if (options.json) io.stdout(`${readFileSync(files.summary, "utf8")}`);
  else io.stdout(`${formatSimReport(run.result, { repro, files, realMs: run.realMs })}\nHTML report: npm run report -- ${dirname(files.summary)} --open\n`);
  return code;
}

/** Failing seeds of one sweep whose trace and summary are written; past it, the summary counts those not kept (their repro lines remake them). */
const SWEEP_FAILING_TRACES_KEPT_MAX = 100;

/** A failing seed in the sweep summary. */
interface SweepFailure {
  seed: number;
  path: string;
  outcome: SweepSeedOutcome;
  first: string;
  repro: string;
  /** Its trace, relative to the sweep's folder; null past SWEEP_FAILING_TRACES_KEPT_MAX. */
  trace: string | null;
}

/** Where a path is shown: relative to the working directory when inside it. */
function displayPath(path: string): string {
  const inside = relative(process.cwd(), path);
  return inside === "" || inside.startsWith("..") || isAbsolute(inside) ? path : inside;
}

/**
 * Runs every seed of every scenario on `options.jobs` threads, writing into a new folder of
 * its own under `<out>/sweep/` the traces of failing seeds (as they come, in seed order) and,
 * at the end, sim-sweep-summary.json. Ctrl-C stops dispatching: the running seeds finish, the
 * partial summary is written and the exit code is 130.
 */
async function sweep(scenarios: Array<{ scenario: Scenario; path: string }>, options: CliOptions, io: SimIo): Promise<number> {
  const tasks: SweepTask[] = scenarios.flatMap((_, scenarioIndex) => options.seeds.map((seed) => ({ scenarioIndex, seed })));
  const total = tasks.length;
  const startedAtMs = Date.now();
  const name = `${scenarios.length === 1 ? basename((scenarios[0] as { path: string }).path, ".json") : "all"}${options.plant === undefined ? "" : `-${options.plant.name}`}`;
  const sweepDir = newRunDirectory(join(options.outDir, "sweep"), { name, cwd: process.cwd(), nowMs: startedAtMs });
  const progress = createProgress({ total, label: "seeds", stream: { write: io.stderr, isTTY: process.stderr.isTTY }, ...(options.quiet ? { quiet: true } : {}) });
  const tally = createScenarioTally(scenarios.map((entry) => entry.path));
  const failures: SweepFailure[] = [];
  let tracesNotKept = 0;
  let simMs = 0;
  const onResult = (seedResult: SweepSeedResult, task: SweepTask) => {
    const path = (scenarios[task.scenarioIndex] as { path: string }).path;
    const repro = reproLine(task.seed, path, options);
    simMs += seedResult.simTimeMs;
    tally.add(task.scenarioIndex, { seed: task.seed, passed: seedResult.failure === null, repro });
    if (seedResult.failure !== null) {
      let trace: string | null = null;
      if (failures.length < SWEEP_FAILING_TRACES_KEPT_MAX) {
        const files = writeResults(sweepDir, seedResult.failure.result, { lines: seedResult.failure.traceLines, traceSha256: seedResult.failure.traceSha256 }, repro);
        trace = relative(sweepDir, files.trace);
      } else {
        tracesNotKept += 1;
      }
      failures.push({ seed: task.seed, path, outcome: seedResult.outcome, first: seedResult.failure.first, repro, trace });
      progress.note(`✗ ${basename(path)} seed ${task.seed}: ${seedResult.outcome} — ${seedResult.failure.first}\n    ${repro}`);
      if (options.failFast && !interrupt.signal.aborted) {
        stoppedAtFirstFailure = true;
        interrupt.abort();
      }
    }
    progress.tick({ failures: failures.length });
  };
  const interrupt = new AbortController();
  let stoppedAtFirstFailure = false;
  // A second Ctrl-C quits at once. Said explicitly: under tsx another SIGINT listener (its relay) stays, so the default exit would not happen.
  const quitNow = () => process.exit(EXIT_CODES.interrupted);
  const onSigint = () => {
    progress.note(`Interrupted: no new seeds; finishing the running ones, then writing the partial summary (Ctrl-C again to quit without it)`);
    interrupt.abort();
    process.once("SIGINT", quitNow);
  };
  process.once("SIGINT", onSigint);
  const startedAt = process.hrtime.bigint();
  let ran;
  try {
    ran = await runSweep(tasks, {
      jobs: options.jobs,
      setup: { scenarios: scenarios.map((entry) => entry.scenario), plantName: options.plant?.name ?? null, checkDeterminism: options.checkDeterminism },
      onResult,
      signal: interrupt.signal,
      yieldToEventLoop: () => new Promise((resolve) => setImmediate(resolve)),
    });
  } finally {
    process.removeListener("SIGINT", onSigint);
    process.removeListener("SIGINT", quitNow);
  }
  progress.done();
  const realMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
  const seedsPerSecond = ran.completed / (realMs / 1000);
  const perScenario = tally.rows();
  const summaryPath = join(sweepDir, "sim-sweep-summary.json");
  const summary = {
    kind: "sim-sweep",
    scenarios: scenarios.map((entry) => entry.path),
    seeds: ran.completed,
    seedsPlanned: total,
    partial: ran.interrupted,
    stoppedAtFirstFailure,
    plant: options.plant?.name ?? null,
    checkDeterminism: options.checkDeterminism,
    failures,
    tracesNotKept,
    perScenario,
    simMs,
    // Wall-clock figures: the only fields that differ between two runs of the same sweep (with --jobs).
    jobs: Math.min(options.jobs, total),
    seedsPerSecond,
    realMs: Math.round(realMs),
  };
  writeFileSync(summaryPath, `${JSON.stringify(checkResult(sweepSummarySchema, summary, summaryPath), null, 2)}\n`);
  const threads = options.jobs === 1 ? "in this process" : `on ${summary.jobs} threads`;
  const lines = [
    `Sweep: ${ran.completed} seed run(s) over ${scenarios.length} scenario(s) ${threads}${options.plant === undefined ? "" : `, planted bug ${options.plant.name}`}${options.checkDeterminism ? ", each run twice for determinism" : ""}`,
    `Throughput: ${seedsPerSecond.toFixed(1)} seeds/s, ${(simMs / 1000).toFixed(1)} s simulated in ${(realMs / 1000).toFixed(2)} s (${Math.round(simMs / realMs)}× real time)`,
    formatScenarioTable(perScenario),
    failures.length === 0 ? "Result: every seed passed" : `Result: ${failures.length} failing seed(s):`,
    ...failures.slice(0, 50).map((failure) => `  ${failure.outcome.padEnd(14)} ${failure.repro}\n      ${failure.first}`),
  ];
  if (failures.length > 50) lines.push(`  … and ${failures.length - 50} more`);
  if (failures.length > 0) lines.push(`Failing seeds' traces: ${displayPath(sweepDir)}/sim-*/trace.jsonl${tracesNotKept > 0 ? ` (the first ${SWEEP_FAILING_TRACES_KEPT_MAX}; ${tracesNotKept} more not kept)` : ""}`);
  lines.push(`Summary: ${displayPath(summaryPath)}`);
  lines.push(`HTML report: npm run report -- ${displayPath(sweepDir)}`);
  if (stoppedAtFirstFailure) lines.push(`Stopped at the first failing seed (--fail-fast): ${ran.completed} of ${total} seed runs`);
  else if (ran.interrupted) lines.push(`Interrupted by Ctrl-C: partial summary of ${ran.completed} of ${total} seed runs written to ${displayPath(summaryPath)}`);
  io.stdout(options.json ? readFileSync(summaryPath, "utf8") : `${lines.join("\n")}\n`);
  if (ran.interrupted && !stoppedAtFirstFailure) {
    if (options.json) io.stderr(`Interrupted by Ctrl-C: partial summary of ${ran.completed} of ${total} seed runs written to ${displayPath(summaryPath)}\n`);
    return EXIT_CODES.interrupted;
  }
  if (failures.length === 0) return EXIT_CODES.pass;
  const worst = failures.map((failure) => (failure.outcome === "nondeterminism" ? EXIT_CODES.nondeterminism : exitCodeOf(failure.outcome)));
  return Math.min(...worst.filter((code) => code !== 0));
}

/** Re-checks a recorded trace. A file that is not a readable trace is a usage error naming its first bad line. */
function replay(path: string, options: { json: boolean }, io: SimIo): number {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`--replay: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const verdict = checkTrace(text);
  const traceFormat = "a trace is JSONL as protocol/trace.ts describes, like the trace.jsonl npm run sim writes";
  if (verdict.lines.total === 0) throw new UsageError(`--replay ${path}: the file is empty: not a trace (${traceFormat})`);
  const firstProblem = verdict.traceProblems[0];
  if (firstProblem !== undefined) {
    const more = verdict.lines.unreadable > 1 ? ` (and ${verdict.lines.unreadable - 1} more unreadable line(s))` : "";
    throw new UsageError(`--replay ${path}: line ${firstProblem.lineNumber}: ${firstProblem.message}${more}. Is the file truncated or not a trace? (${traceFormat})`);
  }
  if (verdict.lines.checked === 0) throw new UsageError(`--replay ${path}: no open, send, recv or close line, so nothing a client saw: not a client trace (${traceFormat})`);
  const outcome = verdict.ok ? "pass" : verdict.safety.length > 0 ? "safety" : "liveness";
  const recordedFrom = liveRecordingBeside(path);
  if (options.json) {
    const summary = checkResult(replaySummarySchema, { kind: "sim-replay", path, outcome, ...(recordedFrom === null ? {} : { recordedFrom }), ...verdict }, "the --replay --json output");
    io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
    return EXIT_CODES[outcome];
  }
  const violations = [...verdict.safety, ...verdict.liveness];
  if (recordedFrom !== null) io.stdout(`Recorded live from ${recordedFrom.target} (npm run record${recordedFrom.startedAt === null ? "" : `, ${recordedFrom.startedAt}`}): no seed; this re-checks what its clients saw\n`);
  io.stdout(`Replay of ${path}: ${verdict.ok ? "PASSED" : "FAILED"} — ${verdict.counts.events} events on ${verdict.counts.connections} connection(s) of ${verdict.counts.users} user(s)\n`);
  for (const violation of violations.slice(0, 20)) io.stdout(`  [${violation.category}] ${violation.invariant} (${violation.kind}): ${violation.message}\n`);
  if (violations.length > 20) io.stdout(`  … and ${violations.length - 20} more\n`);
  return EXIT_CODES[outcome];
}

/**
 * The target of the live recording whose summary.json (source "live", written by
 * `npm run record`) sits beside the trace; null for any other trace.
 */
function liveRecordingBeside(tracePath: string): { target: string; startedAt: string | null } | null {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(join(dirname(tracePath), "summary.json"), "utf8"));
  } catch {
    return null;
  }
  const parsed = simSummarySchema.safeParse(json);
  if (!parsed.success || parsed.data.source !== "live" || parsed.data.target === null) return null;
  const startedAt = parsed.data["startedAt"];
  return { target: parsed.data.target, startedAt: typeof startedAt === "string" ? startedAt : null };
}

/**
 * The whole command: parses `argv`, runs, and returns the exit code; a usage or scenario
 * error is one line on stderr and exit 2. Tests call it in process with their own `io`.
 */
export async function main(argv: readonly string[], io: SimIo = processIo()): Promise<number> {
  try {
    return await runCommand(argv, io);
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof ScenarioError)) throw error;
    io.stderr(`sim: ${error.message}\n${error instanceof UsageError ? "Run with --help for usage.\n" : ""}`);
    return EXIT_CODES.usage;
  }
}

async function runCommand(argv: readonly string[], io: SimIo): Promise<number> {
  const options = parseCli([...argv]);
  if ("help" in options) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if ("list" in options) {
    if (options.json) {
      const bugs = BUG_ZOO.map((bug) => ({ name: bug.name, description: bug.description, expectedInvariant: bug.expectedInvariant, scenario: bug.scenario }));
      io.stdout(`${JSON.stringify(bugs, null, 2)}\n`);
      return 0;
    }
    for (const bug of BUG_ZOO) io.stdout(`${bug.name.padEnd(28)} ${bug.description}\n${"".padEnd(28)} caught as: ${bug.expectedInvariant}; try: npm run sim -- --plant ${bug.name} --count 20\n`);
    return 0;
  }
  if ("replay" in options) return replay(options.replay, { json: options.json }, io);
  const scenarios = options.scenarioPaths.map((path) => ({ scenario: applyOverrides(loadScenario(path), options), path: relative(process.cwd(), path) || path }));
  if (!options.sweep) return single((scenarios[0] as { scenario: Scenario }).scenario, (scenarios[0] as { path: string }).path, options, io);
  return sweep(scenarios, options, io);
}

function processIo(): SimIo {
  return { stdout: (text) => void process.stdout.write(text), stderr: (text) => void process.stderr.write(text) };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  endQuietlyOnClosedStdout();
  process.exitCode = await main(process.argv.slice(2));
}
