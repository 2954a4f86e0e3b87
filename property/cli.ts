/**
 * `npm run prop -- …`: deep property searches outside vitest, with the same property
 * definitions the test suite runs at its CI budget. See property/README.md.
 *
 * Exit codes: 0 every property held · 1 a property failed (its counterexample and repro
 * are printed) · 2 bad usage.
 */
import { endQuietlyOnClosedStdout } from "../sim/endQuietlyOnClosedStdout.ts";
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { integerOption, parseCliArguments, UsageError } from "../sim/cliArguments.ts";
import { createProgress } from "../sim/report/createProgress.ts";
import { loadScenario, ScenarioError } from "../sim/scenario/loadScenario.ts";
import type { ScenarioInput } from "../sim/scenario/scenarioSchema.ts";
import { formatBugZooTable, measureBugZoo, writeBugZooReport, BUG_ZOO_REPORT_PATH } from "./bugZoo/measureBugZoo.ts";
import { checkProperty, COUNTEREXAMPLE_DIRECTORY } from "./harness/checkProperty.ts";
import { formatPropertyReport } from "./harness/formatPropertyReport.ts";
import { ALL_PLANTED_BUGS, findPlant } from "./plantedBugs/findPlant.ts";
import { ALL_PROPERTIES, findProperty, SCENARIO_PROPERTIES, type AnyPropertyDefinition } from "./properties/allProperties.ts";

const EXIT_CODES = { held: 0, failed: 1, usage: 2 } as const;

/** Most runs one command accepts per property. */
const RUNS_MAX = 100_000_000;

const USAGE = `Usage: npm run prop -- [options]

  --property NAME   run one property (default: every property); see --list
  --runs N          fast-check runs per property (default: each property's CI budget)
  --seed N          fast-check seed (default: random, printed; negative ones paste back as --seed -5);
                    with --scenario, the simulator seed (default 1)
  --path P          fast-check path: with --seed, replays exactly one shrunk counterexample
  --replay-path R   fc.commands' replayPath (manager-model counterexamples print it), with --path
  --plant NAME      inject a planted bug (BUG_ZOO or property/plantedBugs) to watch a property catch it
  --scenario FILE   judge one scenario file with a simulator property (--property required)
  --bug-zoo         measure every BUG_ZOO bug's runs-to-detection; writes ${BUG_ZOO_REPORT_PATH}
  --out DIR         where counterexamples and bug-zoo.json go (default results: ${COUNTEREXAMPLE_DIRECTORY}/, ${BUG_ZOO_REPORT_PATH})
  -q, --quiet       no progress lines
  --list            list the properties and the planted bugs
  --help            this text

Progress goes to stderr: redrawn with an ETA in a terminal, a line every few seconds
otherwise; none with -q or under CI=true. Exit codes: 0 held, 1 a property failed, 2 bad usage.`;

interface CliOptions {
  properties: AnyPropertyDefinition[];
  runs: number | undefined;
  seed: number | undefined;
  path: string | undefined;
  replayPath: string | undefined;
  plant: ReturnType<typeof findPlant>;
  scenario: string | undefined;
  bugZoo: boolean;
  /** Folder for counterexample files. */
  counterexampleDirectory: string;
  /** Where --bug-zoo writes its table. */
  bugZooReportPath: string;
  /** No progress lines. */
  quiet: boolean;
}

/** The flags of `npm run prop` (node:util parseArgs' table). */
const PROP_OPTIONS = {
  property: { type: "string" },
  runs: { type: "string" },
  seed: { type: "string" },
  path: { type: "string" },
  "replay-path": { type: "string" },
  plant: { type: "string" },
  scenario: { type: "string" },
  "bug-zoo": { type: "boolean" },
  out: { type: "string" },
  quiet: { type: "boolean", short: "q" },
  list: { type: "boolean" },
  help: { type: "boolean" },
} as const;

function parseCli(argv: string[]): CliOptions | { help: true } | { list: true } {
  const values = parseCliArguments(argv, PROP_OPTIONS);
  if (values.help === true) return { help: true };
  if (values.list === true) return { list: true };
  const runs = integerOption("runs", values.runs, { min: 1, max: RUNS_MAX });
  const seed = integerOption("seed", values.seed, { min: -(2 ** 31), max: 2 ** 32 - 1 });
  if (values.path !== undefined && !/^\d+(:\d+)*$/.test(values.path)) throw new UsageError(`--path must look like 3:0:1 (fast-check prints it), got "${values.path}"`);
  if (values.path !== undefined && seed === undefined) throw new UsageError("--path needs the --seed it was printed with");
  if (values["replay-path"] !== undefined && values.path === undefined) throw new UsageError("--replay-path needs the --seed and --path it was printed with");
  let properties = [...ALL_PROPERTIES];
  if (values.property !== undefined) {
    const property = findProperty(values.property);
    if (property === undefined) throw new UsageError(`--property: unknown property "${values.property}"; known: ${ALL_PROPERTIES.map((candidate) => candidate.name).join(", ")}`);
    properties = [property];
  }
  const plant = values.plant === undefined ? undefined : findPlant(values.plant);
  if (values.plant !== undefined && plant === undefined) throw new UsageError(`--plant: unknown bug "${values.plant}"; known: ${ALL_PLANTED_BUGS.map((bug) => bug.name).join(", ")}`);
  if (values.scenario !== undefined) {
    if (values.property === undefined) throw new UsageError("--scenario needs --property (a simulator property)");
    if (!SCENARIO_PROPERTIES.some((property) => property.name === values.property)) {
      throw new UsageError(`--scenario: property "${values.property}" does not run scenarios; these do: ${SCENARIO_PROPERTIES.map((property) => property.name).join(", ")}`);
    }
    if (values.path !== undefined || values.runs !== undefined) throw new UsageError("--scenario runs one simulation: it takes --seed (the simulator's) and --plant, not --runs or --path");
  }
  if (values["bug-zoo"] === true && (values.property !== undefined || values.plant !== undefined || values.scenario !== undefined || values.path !== undefined)) {
    throw new UsageError("--bug-zoo measures every BUG_ZOO bug with the safety property (safety-multi-instance for the multi-instance ones); it takes only --runs and --seed");
  }
  if (values.out === "") throw new UsageError("--out needs a folder name");
  return {
    properties,
    runs,
    seed,
    path: values.path,
    replayPath: values["replay-path"],
    plant,
    scenario: values.scenario,
    bugZoo: values["bug-zoo"] === true,
    counterexampleDirectory: values.out === undefined ? COUNTEREXAMPLE_DIRECTORY : join(values.out, basename(COUNTEREXAMPLE_DIRECTORY)),
    bugZooReportPath: values.out === undefined ? BUG_ZOO_REPORT_PATH : join(values.out, basename(BUG_ZOO_REPORT_PATH)),
    quiet: values.quiet === true,
  };
}

/** Where the CLI writes: the process's streams, or a test's stand-ins (tests run the CLI in process). */
export interface PropIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

function list(io: PropIo): void {
  io.stdout("Properties (npm run prop -- --property NAME):\n");
  for (const property of ALL_PROPERTIES) {
    io.stdout(`  ${property.name.padEnd(26)} CI budget ${String(property.defaultRuns).padStart(4)} runs · ${property.guards}\n`);
  }
  io.stdout("\nPlanted bugs (--plant NAME):\n");
  for (const bug of ALL_PLANTED_BUGS) io.stdout(`  ${bug.name.padEnd(34)} caught as ${bug.expectedInvariant}\n`);
}

/** Judges one scenario file with one simulator property (what a counterexample's `npm run prop` line does). */
async function judgeScenarioFile(options: CliOptions & { scenario: string }, io: PropIo): Promise<number> {
  const property = options.properties[0] as AnyPropertyDefinition;
  loadScenario(options.scenario);
  const scenario = JSON.parse(readFileSync(options.scenario, "utf8")) as ScenarioInput;
  const seed = options.seed ?? 1;
  const verdict = await property.check({ seed, scenario }, { plant: options.plant });
  const subject = `Property ${property.name} on ${options.scenario} with simulator seed ${seed}${options.plant === undefined ? "" : ` and planted bug ${options.plant.name}`}`;
  if (verdict.failure === undefined) {
    io.stdout(`${subject}: HOLDS${verdict.exercised ? "" : " (the case does not reach what the property is about)"}\n`);
    return EXIT_CODES.held;
  }
  io.stdout(`${subject}: FAILS\n  ${verdict.failure.replaceAll("\n", "\n  ")}\n  trace: npm run sim -- --seed ${seed} --scenario ${options.scenario} writes it under results/\n`);
  return EXIT_CODES.failed;
}

async function runProperties(options: CliOptions, io: PropIo): Promise<number> {
  let failed = 0;
  for (const property of options.properties) {
    const numRuns = options.runs ?? property.defaultRuns;
    const progress = createProgress({ total: options.path === undefined ? numRuns : 1, label: `${property.name} runs`, stream: { write: io.stderr, isTTY: process.stderr.isTTY }, ...(options.quiet ? { quiet: true } : {}) });
    let failures = 0;
    const { report } = await checkProperty(property, {
      numRuns,
      directory: options.counterexampleDirectory,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.path === undefined ? {} : { path: options.path }),
      ...(options.replayPath === undefined ? {} : { replayPath: options.replayPath }),
      ...(options.plant === undefined ? {} : { plant: options.plant }),
      onCase: ({ failed: caseFailed }) => {
        if (failures > 0) return;
        if (caseFailed) {
          failures = 1;
          progress.note(`${property.name}: a case failed; shrinking…`);
        }
        progress.tick({ failures });
      },
    });
    progress.done();
    io.stdout(`${formatPropertyReport(report)}\n`);
    if (!report.ok) failed += 1;
  }
  if (options.properties.length > 1) io.stdout(`${options.properties.length - failed} of ${options.properties.length} properties held\n`);
  return failed === 0 ? EXIT_CODES.held : EXIT_CODES.failed;
}

async function bugZoo(options: CliOptions, io: PropIo): Promise<number> {
  const report = await measureBugZoo({
    directory: options.counterexampleDirectory,
    ...(options.runs === undefined ? {} : { numRuns: options.runs }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    onRow: (row) => io.stderr(`  ${row.bug}: ${row.runsToDetection === null ? "not caught" : `caught after ${row.runsToDetection} run(s) as ${row.caughtAs ?? "?"}`}\n`),
  });
  writeBugZooReport(report, options.bugZooReportPath);
  io.stdout(`${formatBugZooTable(report)}\nWritten: ${options.bugZooReportPath}\n`);
  return report.rows.every((row) => row.runsToDetection !== null) ? EXIT_CODES.held : EXIT_CODES.failed;
}

/**
 * The whole command: parses `argv`, runs, and returns the exit code; a usage or scenario
 * error is one line on stderr and exit 2. Tests call it in process with their own `io`.
 */
export async function main(argv: readonly string[], io: PropIo = processIo()): Promise<number> {
  try {
    return await runCommand([...argv], io);
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof ScenarioError)) throw error;
    io.stderr(`prop: ${error.message}\n${error instanceof UsageError ? "Run with --help for usage.\n" : ""}`);
    return EXIT_CODES.usage;
  }
}

async function runCommand(argv: string[], io: PropIo): Promise<number> {
  const options = parseCli(argv);
  if ("help" in options) {
    io.stdout(`${USAGE}\n`);
    return EXIT_CODES.held;
  }
  if ("list" in options) {
    list(io);
    return EXIT_CODES.held;
  }
  if (options.bugZoo) return bugZoo(options, io);
  if (options.scenario !== undefined) return judgeScenarioFile({ ...options, scenario: options.scenario }, io);
  return runProperties(options, io);
}

function processIo(): PropIo {
  return { stdout: (text) => void process.stdout.write(text), stderr: (text) => void process.stderr.write(text) };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  endQuietlyOnClosedStdout();
  process.exitCode = await main(process.argv.slice(2));
}
