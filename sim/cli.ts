/**
 * `npm run sim -- …`: run one seed, sweep many, check determinism, replay a recorded
 * trace, or run a planted bug from the zoo. See docs/simulator.md for every flag.
 *
 * Exit codes (protocol/exitCodes.ts): 0 pass · 1 safety violation or a required timing budget missed · 2 bad usage (flag, scenario file, or a
 * --replay file that is not a readable trace) ·
 * 3 liveness failure · 4 crash · 5 nondeterminism (same seed, different trace).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { checkTrace } from "../protocol/checker/checkTrace.ts";
import { EXIT_CODES } from "../protocol/exitCodes.ts";
import { BUG_ZOO, findPlantedBug } from "./bugZoo/bugZoo.ts";
import type { PlantedBug } from "./bugZoo/PlantedBug.ts";
import { formatSimReport } from "./report/formatSimReport.ts";
import { runSimulation, type SimOutcome, type SimulationResult } from "./runSimulation.ts";
import { loadScenario, ScenarioError } from "./scenario/loadScenario.ts";
import type { Scenario } from "./scenario/scenarioSchema.ts";
import { describeMissedTiming } from "./settle/judgeRequiredTiming.ts";
import { integerOption, parseCliArguments, parseSeedRange, UsageError } from "./cliArguments.ts";
import { createProgress } from "./report/createProgress.ts";

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
  --replay FILE        re-check a recorded trace (JSONL) from this simulator or any client
  --out DIR            where results go (default results)
  -q, --quiet          no progress lines during a sweep (also under CI=true); failures still print
  --json               print the result as JSON instead of text: a run's or a sweep's summary,
                       a replay's verdict, or the bug zoo (--plant list)
  --help               this text

Exit codes: 0 pass, 1 safety violation or a required timing budget missed, 2 bad usage, 3 liveness failure, 4 crash, 5 nondeterminism.`;

interface CliOptions {
  seeds: number[];
  sweep: boolean;
  scenarioPaths: string[];
  faults: "off" | "on" | "heavy" | undefined;
  users: number | undefined;
  runs: number | undefined;
  plant: PlantedBug | undefined;
  checkDeterminism: boolean;
  outDir: string;
  json: boolean;
  /** No progress lines (failures still print). */
  quiet: boolean;
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
  replay: { type: "string" },
  out: { type: "string" },
  json: { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean" },
} as const;

function parseCli(argv: string[]): CliOptions | { replay: string; json: boolean } | { list: true; json: boolean } | { help: true } {
  const values = parseCliArguments(argv, SIM_OPTIONS);
  const json = values.json === true;
  if (values.help === true) return { help: true };
  if (values.replay !== undefined) return { replay: values.replay, json };
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
  return {
    seeds,
    sweep: values.seeds !== undefined || count !== undefined || scenarioPaths.length > 1,
    scenarioPaths,
    faults,
    users: integerOption("users", values.users, { min: 1, max: 1_000 }),
    runs: integerOption("runs", values.runs, { min: 0, max: 1_000 }),
    plant,
    checkDeterminism: values["check-determinism"] === true,
    outDir: values.out ?? "results",
    json,
    quiet: values.quiet === true,
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

function runOnce(scenario: Scenario, seed: number, plant: PlantedBug | undefined, keepLines: boolean) {
  const hash = createHash("sha256");
  const lines: string[] = [];
  const startedAt = process.hrtime.bigint();
  const result = runSimulation(scenario, {
    seed,
    ...(plant === undefined ? {} : { plant }),
    onTraceLine: (line) => {
      hash.update(line);
      hash.update("\n");
      if (keepLines) lines.push(line);
    },
  });
  const realMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
  return { result, lines, traceSha256: hash.digest("hex"), realMs };
}

function writeResults(outDir: string, result: SimulationResult, run: { lines: string[]; traceSha256: string; realMs: number }, repro: string) {
  const dir = join(outDir, `sim-${result.scenario}-seed${result.seed}${result.plant === null ? "" : `-${result.plant}`}`);
  mkdirSync(dir, { recursive: true });
  const trace = join(dir, "trace.jsonl");
  const summary = join(dir, "summary.json");
  writeFileSync(trace, run.lines.length === 0 ? "" : `${run.lines.join("\n")}\n`);
  writeFileSync(summary, `${JSON.stringify({ kind: "sim", ...result, repro, traceSha256: run.traceSha256, realMs: Math.round(run.realMs) }, null, 2)}\n`);
  return { trace, summary };
}

function exitCodeOf(outcome: SimOutcome): number {
  return EXIT_CODES[outcome];
}

function single(scenario: Scenario, scenarioPath: string, options: CliOptions): number {
  const seed = options.seeds[0] as number;
  const run = runOnce(scenario, seed, options.plant, true);
  const repro = reproLine(seed, scenarioPath, options);
  const files = writeResults(options.outDir, run.result, run, repro);
  let code = exitCodeOf(run.result.outcome);
  if (options.checkDeterminism) {
    const again = runOnce(scenario, seed, options.plant, false);
    const same = again.traceSha256 === run.traceSha256;
    process.stderr.write(`determinism: seed ${seed} trace sha256 ${run.traceSha256.slice(0, 16)}… ${same ? "identical on a second run" : `DIFFERS on a second run (${again.traceSha256.slice(0, 16)}…)`}\n`);
    if (!same) code = EXIT_CODES.nondeterminism;
  }
  if (options.json) process.stdout.write(`${readFileSync(files.summary, "utf8")}`);
  else process.stdout.write(`${formatSimReport(run.result, { repro, files, realMs: run.realMs })}\nHTML report: npm run report -- ${dirname(files.summary)} --open\n`);
  return code;
}

function sweep(scenarios: Array<{ scenario: Scenario; path: string }>, options: CliOptions): number {
  const total = scenarios.length * options.seeds.length;
  const progress = createProgress({ total, label: "seeds", ...(options.quiet ? { quiet: true } : {}) });
  const failures: Array<{ seed: number; path: string; outcome: SimOutcome | "nondeterminism"; first: string; repro: string }> = [];
  let simMs = 0;
  const startedAt = process.hrtime.bigint();
  for (const { scenario, path } of scenarios) {
    for (const seed of options.seeds) {
      const run = runOnce(scenario, seed, options.plant, false);
      simMs += run.result.simTimeMs;
      let outcome: SimOutcome | "nondeterminism" = run.result.outcome;
      if (options.checkDeterminism && runOnce(scenario, seed, options.plant, false).traceSha256 !== run.traceSha256) outcome = "nondeterminism";
      if (outcome !== "pass") {
        const repro = reproLine(seed, path, options);
        const violation = run.result.verdict?.safety[0] ?? run.result.verdict?.liveness[0];
        const missed = run.result.requiredTiming?.failed[0];
        const timingLine = missed === undefined ? undefined : describeMissedTiming(missed);
        const first =
          run.result.crash?.split("\n")[0] ??
          (violation === undefined ? (run.result.livenessReason ?? timingLine ?? outcome) : `${violation.invariant} (${violation.kind}): ${violation.message}`);
        failures.push({ seed, path, outcome, first, repro });
        progress.note(`✗ ${basename(path)} seed ${seed}: ${outcome} — ${first}\n    ${repro}`);
      }
      progress.tick({ failures: failures.length });
    }
  }
  progress.done();
  const realMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
  const seedsPerSecond = total / (realMs / 1000);
  const lines = [
    `Sweep: ${total} seed run(s) over ${scenarios.length} scenario(s)${options.plant === undefined ? "" : `, planted bug ${options.plant.name}`}${options.checkDeterminism ? ", each run twice for determinism" : ""}`,
    `Throughput: ${seedsPerSecond.toFixed(1)} seeds/s, ${(simMs / 1000).toFixed(1)} s simulated in ${(realMs / 1000).toFixed(2)} s (${Math.round(simMs / realMs)}× real time)`,
    failures.length === 0 ? "Result: every seed passed" : `Result: ${failures.length} failing seed(s):`,
    ...failures.slice(0, 50).map((failure) => `  ${failure.outcome.padEnd(14)} ${failure.repro}\n      ${failure.first}`),
  ];
  if (failures.length > 50) lines.push(`  … and ${failures.length - 50} more`);
  mkdirSync(options.outDir, { recursive: true });
  const summaryPath = join(options.outDir, "sim-sweep-summary.json");
  writeFileSync(
    summaryPath,
    `${JSON.stringify({ kind: "sim-sweep", scenarios: scenarios.map((entry) => entry.path), seeds: total, plant: options.plant?.name ?? null, failures, seedsPerSecond, simMs, realMs: Math.round(realMs) }, null, 2)}\n`,
  );
  lines.push(`Summary: ${summaryPath}`);
  lines.push(`HTML report: npm run report -- ${options.outDir}`);
  process.stdout.write(options.json ? readFileSync(summaryPath, "utf8") : `${lines.join("\n")}\n`);
  if (failures.length === 0) return EXIT_CODES.pass;
  const worst = failures.map((failure) => (failure.outcome === "nondeterminism" ? EXIT_CODES.nondeterminism : exitCodeOf(failure.outcome)));
  return Math.min(...worst.filter((code) => code !== 0));
}

/** Re-checks a recorded trace. A file that is not a readable trace is a usage error naming its first bad line. */
function replay(path: string, options: { json: boolean }): number {
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
    process.stdout.write(`${JSON.stringify({ kind: "sim-replay", path, outcome, ...(recordedFrom === null ? {} : { recordedFrom }), ...verdict }, null, 2)}\n`);
    return EXIT_CODES[outcome];
  }
  const violations = [...verdict.safety, ...verdict.liveness];
  if (recordedFrom !== null) process.stdout.write(`Recorded live from ${recordedFrom.target} (npm run record${recordedFrom.startedAt === null ? "" : `, ${recordedFrom.startedAt}`}): no seed; this re-checks what its clients saw\n`);
  process.stdout.write(`Replay of ${path}: ${verdict.ok ? "PASSED" : "FAILED"} — ${verdict.counts.events} events on ${verdict.counts.connections} connection(s) of ${verdict.counts.users} user(s)\n`);
  for (const violation of violations.slice(0, 20)) process.stdout.write(`  [${violation.category}] ${violation.invariant} (${violation.kind}): ${violation.message}\n`);
  if (violations.length > 20) process.stdout.write(`  … and ${violations.length - 20} more\n`);
  return EXIT_CODES[outcome];
}

/**
 * The target of the live recording whose summary.json (source "live", written by
 * `npm run record`) sits beside the trace; null for any other trace.
 */
function liveRecordingBeside(tracePath: string): { target: string; startedAt: string | null } | null {
  let summary: unknown;
  try {
    summary = JSON.parse(readFileSync(join(dirname(tracePath), "summary.json"), "utf8"));
  } catch {
    return null;
  }
  const fields = typeof summary === "object" && summary !== null ? (summary as Record<string, unknown>) : {};
  if (fields["source"] !== "live" || typeof fields["target"] !== "string") return null;
  return { target: fields["target"], startedAt: typeof fields["startedAt"] === "string" ? fields["startedAt"] : null };
}

function main(argv: string[]): number {
  const options = parseCli(argv);
  if ("help" in options) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if ("list" in options) {
    if (options.json) {
      const bugs = BUG_ZOO.map((bug) => ({ name: bug.name, description: bug.description, expectedInvariant: bug.expectedInvariant, scenario: bug.scenario }));
      process.stdout.write(`${JSON.stringify(bugs, null, 2)}\n`);
      return 0;
    }
    for (const bug of BUG_ZOO) process.stdout.write(`${bug.name.padEnd(28)} ${bug.description}\n${"".padEnd(28)} caught as: ${bug.expectedInvariant}; try: npm run sim -- --plant ${bug.name} --count 20\n`);
    return 0;
  }
  if ("replay" in options) return replay(options.replay, { json: options.json });
  const scenarios = options.scenarioPaths.map((path) => ({ scenario: applyOverrides(loadScenario(path), options), path: relative(process.cwd(), path) || path }));
  if (!options.sweep) return single((scenarios[0] as { scenario: Scenario }).scenario, (scenarios[0] as { path: string }).path, options);
  return sweep(scenarios, options);
}

// `npm run sim | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError || error instanceof ScenarioError) {
    process.stderr.write(`sim: ${error.message}\n${error instanceof UsageError ? "Run with --help for usage.\n" : ""}`);
    process.exitCode = EXIT_CODES.usage;
  } else {
    throw error;
  }
}
