/**
 * `k6 run` for esbuild bundles of our k6 scripts, on Node, for CI machines
 * without k6. Flags mirror `k6 run`'s names for the subset supported and
 * override the script's options the same way.
 *
 *   tsx load/runner/cli.ts run [--vus N] [--duration 30s] [--iterations N]
 *       [-e KEY=VALUE]... [--summary-export path] <bundle.js>
 *
 * Exit codes: see exitCodes.ts (0 ok, 99 thresholds failed, 104 bad options,
 * 105 signal, 107 script exception or unsupported import, 108 test.abort(),
 * 110 test.fail(), 255 bad command line).
 */
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { EXIT_CODES, type ExitCode } from "./exitCodes.ts";
import { realTime } from "./realTime.ts";
import { runBundle, type RunBundleOptions } from "./runBundle.ts";
import { parseEnvPairs as parseEnvPairsWith, parsePositiveInteger } from "./options/parseCliValues.ts";

/** How often the progress line is printed when not in CI (ms). */
export const PROGRESS_INTERVAL_MS = 2000;

const USAGE = `Usage: tsx load/runner/cli.ts run [flags] <bundle.js>

Runs an esbuild bundle of a k6 script like \`k6 run\`, on Node.

Flags:
  -u, --vus N                            number of virtual users (overrides options.vus)
  -d, --duration DURATION                test duration, e.g. 30s (replaces the script's execution options)
  -i, --iterations N                     total iterations (replaces the script's execution options)
  -e, --env KEY=VALUE                    add KEY to __ENV (repeatable)
      --summary-export PATH              write k6's legacy JSON summary to PATH
  -o, --out json=PATH                    every sample as k6's json output (gzipped when PATH ends in .gz)
      --summary-trend-stats LIST         trend stats in the summary, e.g. avg,p(95),p(99)
      --execution-segment SEGMENT        this instance's segment, e.g. 0:1/2
      --execution-segment-sequence SEQ  all segments, e.g. 0,1/2,1
      --no-system-env                    do not copy the process environment into __ENV
  -q, --quiet                            no progress line (also when CI=true)
  -v, --verbose                          show debug logs
  -h, --help                             show this help
`;

/** A command line that cannot be run. */
class UsageError extends Error {}

/** Parses `argv` (without node and script) into the bundle path and runBundle options. @throws UsageError */
export function parseRunArguments(argv: readonly string[], environment: Readonly<Record<string, string | undefined>>): { bundlePath: string; options: RunBundleOptions } | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        vus: { type: "string", short: "u" },
        duration: { type: "string", short: "d" },
        iterations: { type: "string", short: "i" },
        env: { type: "string", short: "e", multiple: true },
        "summary-export": { type: "string" },
        out: { type: "string", short: "o", multiple: true },
        "summary-trend-stats": { type: "string" },
        "execution-segment": { type: "string" },
        "execution-segment-sequence": { type: "string" },
        "no-system-env": { type: "boolean" },
        quiet: { type: "boolean", short: "q" },
        verbose: { type: "boolean", short: "v" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help === true) return "help";
  const [command, bundlePath, ...extra] = positionals;
  if (command !== "run") throw new UsageError(command === undefined ? "missing command: run" : `unknown command "${command}" (only "run" is supported)`);
  if (bundlePath === undefined) throw new UsageError("missing the bundle to run, e.g. load/dist/smoke.js");
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(" ")}`);

  const options: RunBundleOptions = {
    env: parseEnvPairs(values.env ?? []),
    includeSystemEnv: values["no-system-env"] !== true,
    verbose: values.verbose === true,
    progressIntervalMs: values.quiet === true || environment["CI"] === "true" ? 0 : PROGRESS_INTERVAL_MS,
  };
  if (values.vus !== undefined) options.vus = positiveInteger("--vus", values.vus);
  if (values.iterations !== undefined) options.iterations = positiveInteger("--iterations", values.iterations);
  if (values.duration !== undefined) options.duration = values.duration;
  if (values["summary-export"] !== undefined) options.summaryExport = values["summary-export"];
  for (const output of values.out ?? []) {
    if (!output.startsWith("json=") || output.length === "json=".length) throw new UsageError(`--out supports json=PATH only (k6's json output), got "${output}"`);
    options.outJson = output.slice("json=".length);
  }
  if (values["summary-trend-stats"] !== undefined) options.summaryTrendStats = values["summary-trend-stats"].split(",").map((stat) => stat.trim());
  if (values["execution-segment"] !== undefined) options.executionSegment = values["execution-segment"];
  if (values["execution-segment-sequence"] !== undefined) options.executionSegmentSequence = values["execution-segment-sequence"];
  return { bundlePath, options };
}

/** Runs the CLI; resolves with the process exit code. */
export async function main(argv: readonly string[]): Promise<ExitCode> {
  let command;
  try {
    command = parseRunArguments(argv, process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`error: ${error.message}\n\n${USAGE}`);
    return EXIT_CODES.usageError;
  }
  if (command === "help") {
    process.stdout.write(USAGE);
    return EXIT_CODES.ok;
  }
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) process.exit(EXIT_CODES.externalAbort);
    process.stderr.write(`received ${signal}, stopping the test (press Ctrl+C again to exit now)\n`);
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const result = await runBundle(command.bundlePath, { ...command.options, signal: controller.signal });
    return result.exitCode;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

function parseEnvPairs(pairs: readonly string[]): Record<string, string> {
  return parseEnvPairsWith(pairs, (message) => new UsageError(message));
}

function positiveInteger(flag: string, text: string): number {
  return parsePositiveInteger(flag, text, (message) => new UsageError(message));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (exitCode) => {
      process.exitCode = exitCode;
      // Let stdout drain, but do not wait on anything a script left behind.
      realTime.setTimeout(() => process.exit(exitCode), 1000).unref();
    },
    (error: unknown) => {
      process.stderr.write(`k6 node runner crashed: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
