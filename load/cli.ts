/**
 * `npm run load -- <script> [options]`: finds the engine (`K6`, a path, else `k6` on
 * PATH, else the Node runner), reads `k6 version` and builds the bundle flavour of
 * `load/<script>.ts` for that k6 (load/k6Flavours.ts), starts our server on 127.0.0.1
 * (port 0, generated secret) unless `--target` names another (probed once first),
 * runs the bundle into a run folder of its own (`results/load/<script>-<time>/`: the
 * summary JSON and the engine's `--out json` time series, gzipped), stops the server
 * and exits with the engine's code (0 pass, 99 thresholds crossed: see
 * load/runner/README.md), or 3 when the run is INVALID (the generator fell behind).
 *
 * The engine always runs as a child process, so the load generator and our server
 * use separate cores, and both engines get the same flags and `-e` variables.
 */
import { execFileSync, spawn } from "node:child_process";
import { accessSync, constants as fsConstants, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { delimiter, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { checkResult, loadSummarySchema } from "../protocol/resultSchemas.ts";
import { generatedSecret, realTime, startOurServer, type OurServer } from "./ourServer.ts";
import { createMetricsRecorder } from "./soak/createMetricsRecorder.ts";
import { judgeAlerts } from "./soak/judgeAlerts.ts";
import { formatFired } from "./soak/judgeSoak.ts";
import { parseMetricsRecording } from "./soak/parseMetricsRecording.ts";
import { UsageError } from "../protocol/cli/UsageError.ts";
import { EXIT_CODES as PROJECT_EXIT_CODES } from "../protocol/exitCodes.ts";
import { bundleK6Script, findK6Scripts } from "./build.ts";
import { describeFlavourRange, flavourForVersion, flavourNamed, formatK6Version, K6_FLAVOURS, NEWEST_FLAVOUR, parseK6Version, SUPPORTED_K6_RANGE, type K6Flavour } from "./k6Flavours.ts";
import { runVerdict, type SummaryData } from "./lib/textSummary.ts";
import { newRunDirectory } from "./newRunDirectory.ts";
import { probeTarget } from "./probeTarget.ts";
import { createFlaggedSessionCollector } from "./collectFlaggedSessions.ts";
import { EXIT_CODES } from "./runner/exitCodes.ts";
import { parseDuration } from "./runner/options/parseDuration.ts";
import { parseEnvPairs as parseEnvPairsWith, parseNonNegativeInteger, parsePositiveInteger } from "./runner/options/parseCliValues.ts";

/** Exit codes of this command itself (protocol/exitCodes.ts); every other code is the engine's (k6's numbers, load/runner/exitCodes.ts). */
export const LOAD_CLI_EXIT_CODES = { usage: PROJECT_EXIT_CODES.usage, setupFailed: PROJECT_EXIT_CODES.failure, invalidRun: PROJECT_EXIT_CODES.invalidLoadRun } as const;

const REPOSITORY_ROOT = fileURLToPath(new URL("../", import.meta.url));
const LOAD_DIRECTORY = join(REPOSITORY_ROOT, "load");
const RUNNER_CLI = join(LOAD_DIRECTORY, "runner", "cli.ts");
/** tsx's loader, by absolute URL so the engine may run in any working directory. */
const TSX_LOADER = pathToFileURL(join(REPOSITORY_ROOT, "node_modules", "tsx", "dist", "loader.mjs")).href;
/** Where run folders go unless `--out` names the run folder itself. */
const RUNS_DIRECTORY = "results/load";

const USAGE = `Usage: npm run load -- <script> [options]

Runs one k6 script of load/ (golden-path, throughput, reconnect-storm, soak) with
real k6 (the K6 environment variable, a path, else \`k6\` on PATH; ${SUPPORTED_K6_RANGE}),
otherwise with the Node runner (load/runner), the fallback where no k6 exists.
The bundle flavour is chosen from \`k6 version\`.

Options:
  --target URL        server to load, ws://host:port/path (default: start our server
                      on 127.0.0.1, random port, generated secret, for this run only).
                      Repeat it for the instances of one server that share their streams
                      (e.g. behind Redis): VUs spread over them and every resume goes to
                      the next one (the script's TARGETS)
  --instances N       start N instances of our server sharing one Redis (needs --redis
                      or REDIS_URL), load them as with several --target (default 1)
  --redis URL         the Redis (redis://host:port[/db]) the --instances share
  --secret S          JWT secret the script signs its tokens with (default: JWT_SECRET;
                      generated when we start our own server). With --target and no
                      secret, TOKEN / TOKENS must be in the environment.
  --vus N             virtual users (overrides the script's)
  --duration D        test duration, e.g. 10s, 5m (overrides the script's)
  --iterations N      total iterations instead of a duration
  -e, --env KEY=VALUE extra __ENV for the script (repeatable), e.g. -e DROP_RESUME=1
  --out DIR           the run folder: <script>-summary.json and <script>-metrics.jsonl.gz
                      (default ${RUNS_DIRECTORY}/<script>-<date>T<time>, new for every run)
  --engine E          auto (default), k6 or node
  --record-max N      records of flagged sessions kept in <out>/traces/ (default 10; 0 none)
  --metrics-every-seconds N
                      with our server: scrape its /metrics this often into <out>/metrics.prom
                      and say which alert rules would have fired (default 5; 0 off)
  --flavour F         the bundle flavour (default: the one for the k6 in use): ${K6_FLAVOURS.map((flavour) => flavour.name).join(", ")}
  -q, --quiet         no progress lines (also when CI=true)
  -h, --help          this text

Exit codes: the engine's (0 pass, 99 thresholds crossed, 104 bad options, 107 script
error, 108 aborted: see load/runner/README.md); 3 INVALID (the load generator fell
behind: generator_lag over its threshold); 2 bad usage (an unreachable target, a k6
too old or not k6); 1 build or server failure.`;

/** The parsed command line. */
export interface LoadCommand {
  scriptName: string;
  /** The servers to load (instances of one server); empty: start ours. */
  targets: string[];
  /** Instances of our server to start when `targets` is empty. */
  instances: number;
  /** The Redis the instances share (required when instances > 1). */
  redisUrl: string | undefined;
  secret: string | undefined;
  vus: number | undefined;
  duration: string | undefined;
  iterations: number | undefined;
  env: Record<string, string>;
  /** The run folder, or undefined for a new one under results/load. */
  outDirectory: string | undefined;
  engine: "auto" | "k6" | "node";
  flavour: K6Flavour | undefined;
  /** Records of flagged sessions kept per run, at most. */
  recordMax: number;
  /** Scrape our server's /metrics this often into the run folder, seconds; 0 never. */
  metricsEverySeconds: number;
  quiet: boolean;
}

/** Where the command's output goes and what it reads (tests pass their own). */
export interface LoadIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  /** Working directory of the engine (relative --out paths resolve here). */
  cwd: string;
}

/** Parses argv (after `--`); `env` supplies REDIS_URL. @throws UsageError */
export function parseLoadArguments(argv: readonly string[], scriptNames: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): LoadCommand | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        target: { type: "string", multiple: true },
        instances: { type: "string" },
        redis: { type: "string" },
        secret: { type: "string" },
        vus: { type: "string" },
        duration: { type: "string" },
        iterations: { type: "string" },
        env: { type: "string", short: "e", multiple: true },
        out: { type: "string" },
        engine: { type: "string" },
        flavour: { type: "string" },
        "record-max": { type: "string" },
        "metrics-every-seconds": { type: "string" },
        quiet: { type: "boolean", short: "q" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help === true) return "help";
  if (positionals.length === 0) throw new UsageError(`missing the script to run: one of ${scriptNames.join(", ")}`);
  if (positionals.length > 1) throw new UsageError(`one script at a time, got: ${positionals.join(" ")}`);
  const scriptName = scriptNameOf(positionals[0] as string);
  if (!scriptNames.includes(scriptName)) {
    throw new UsageError(`unknown script "${positionals[0]}": the k6 scripts in load/ are ${scriptNames.join(", ")}`);
  }
  const targets = values.target ?? [];
  for (const target of targets) {
    if (!/^wss?:\/\/[^/\s,]+/.test(target) || target.includes(",")) {
      throw new UsageError(`--target must be a ws:// or wss:// URL such as ws://127.0.0.1:8080/ws (repeat --target for several), got "${target}"`);
    }
  }
  const instances = values.instances === undefined ? 1 : positiveInteger("--instances", values.instances);
  const redisUrl = values.redis ?? (env["REDIS_URL"] === "" ? undefined : env["REDIS_URL"]);
  if (values.redis !== undefined && !/^rediss?:\/\/[^/\s]+/.test(values.redis)) throw new UsageError(`--redis must be a redis:// URL such as redis://127.0.0.1:6379, got "${values.redis}"`);
  if (values.instances !== undefined && targets.length > 0) throw new UsageError("--instances starts our server; with --target you load yours: give one or the other");
  if (instances > 1 && redisUrl === undefined) {
    throw new UsageError(`--instances ${instances} needs a Redis for the instances to share their streams: --redis redis://host:port (or REDIS_URL)`);
  }
  if (values.secret === "") throw new UsageError("--secret must not be empty");
  if (values.duration !== undefined) {
    try {
      if (parseDuration(values.duration) <= 0) throw new Error("it must be positive");
    } catch (error) {
      throw new UsageError(`--duration expects a duration such as 30s, 5m or 1h30m, got "${values.duration}" (${(error as Error).message})`);
    }
  }
  if (values.duration !== undefined && values.iterations !== undefined) throw new UsageError("--duration and --iterations exclude each other");
  const engine = values.engine ?? "auto";
  if (engine !== "auto" && engine !== "k6" && engine !== "node") throw new UsageError(`--engine must be auto, k6 or node, got "${engine}"`);
  const flavour = values.flavour === undefined ? undefined : flavourNamed(values.flavour);
  if (values.flavour !== undefined && flavour === undefined) {
    throw new UsageError(`--flavour must be one of ${K6_FLAVOURS.map((known) => known.name).join(", ")}, got "${values.flavour}"`);
  }
  return {
    scriptName,
    targets,
    instances,
    redisUrl,
    secret: values.secret,
    vus: values.vus === undefined ? undefined : positiveInteger("--vus", values.vus),
    duration: values.duration,
    iterations: values.iterations === undefined ? undefined : positiveInteger("--iterations", values.iterations),
    env: parseEnvPairs(values.env ?? []),
    outDirectory: values.out,
    engine,
    flavour,
    recordMax: values["record-max"] === undefined ? 10 : nonNegativeInteger("--record-max", values["record-max"]),
    metricsEverySeconds: values["metrics-every-seconds"] === undefined ? 5 : nonNegativeInteger("--metrics-every-seconds", values["metrics-every-seconds"]),
    quiet: values.quiet === true,
  };
}

/** A k6 binary this CLI can drive: where it is, its version line and the flavour it needs. */
export interface K6Engine {
  path: string;
  versionLine: string;
  flavour: K6Flavour;
}

/**
 * The k6 to use: `K6` (a path) when set, else `k6` on PATH; undefined when neither
 * exists. @throws UsageError when `K6` is not an executable, when the binary's
 * `k6 version` does not read as k6, or when that k6 is older than every flavour.
 */
export function findK6(env: Readonly<Record<string, string | undefined>>): K6Engine | undefined {
  const explicit = env["K6"];
  let candidate: string | undefined;
  if (explicit !== undefined && explicit !== "") {
    if (!isExecutable(explicit)) throw new UsageError(`K6=${explicit} is not an executable file: point K6 at a k6 binary, or unset it to use k6 on PATH`);
    candidate = explicit;
  } else {
    candidate = (env["PATH"] ?? "")
      .split(delimiter)
      .filter((directory) => directory !== "")
      .map((directory) => join(directory, process.platform === "win32" ? "k6.exe" : "k6"))
      .find(isExecutable);
  }
  if (candidate === undefined) return undefined;
  let versionLine = "";
  try {
    versionLine = execFileSync(candidate, ["version"], { encoding: "utf8", timeout: 10_000, stdio: ["ignore", "pipe", "pipe"] }).split("\n")[0]?.trim() ?? "";
  } catch (error) {
    throw new UsageError(`${candidate} is not a k6 this can run: \`${candidate} version\` failed (${firstLine(error)}); set K6 to a k6 binary`);
  }
  const version = parseK6Version(versionLine);
  if (version === undefined) throw new UsageError(`${candidate} is not k6: \`version\` printed "${versionLine.slice(0, 80)}"; set K6 to a k6 binary`);
  const flavour = flavourForVersion(version);
  if (flavour === undefined) {
    throw new UsageError(`k6 ${formatK6Version(version)} (${candidate}) is too old: the scripts need ${SUPPORTED_K6_RANGE}; install a newer k6 or set K6 to one`);
  }
  return { path: candidate, versionLine, flavour };
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, fsConstants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split("\n")[0] ?? "";
}

/** Bundles this process has built: names each one's temporary file. */
let bundleBuildCount = 0;

/** Runs the command; resolves with the exit code. */
export async function main(argv: readonly string[], io: LoadIo = processIo()): Promise<number> {
  const { scripts } = await findK6Scripts(LOAD_DIRECTORY);
  const scriptNames = scripts.map((path) => scriptNameOf(relative(LOAD_DIRECTORY, path)));
  let command: LoadCommand | "help";
  let k6: K6Engine | undefined;
  try {
    command = parseLoadArguments(argv, scriptNames, io.env);
    if (command !== "help") {
      requireCredentials(command, io.env);
      k6 = command.engine === "node" ? undefined : findK6(io.env);
      if (command.engine === "k6" && k6 === undefined) {
        throw new UsageError("--engine k6 but no k6 found: set K6 to a k6 binary or put k6 on PATH (https://grafana.com/docs/k6/latest/set-up/install-k6/)");
      }
      if (k6 !== undefined && command.flavour !== undefined && command.flavour !== k6.flavour) {
        throw new UsageError(
          `--flavour ${command.flavour.name} is for ${describeFlavourRange(command.flavour)}, not ${k6.versionLine}: leave --flavour out and ${k6.flavour.name} is used`,
        );
      }
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`load: ${error.message} (npm run load -- --help for usage)\n`);
    return LOAD_CLI_EXIT_CODES.usage;
  }
  if (command === "help") {
    io.stdout(`${USAGE}\n`);
    return 0;
  }

  const flavour = k6?.flavour ?? command.flavour ?? NEWEST_FLAVOUR;
  const bundlePath = join(LOAD_DIRECTORY, "dist", flavour.name, `${command.scriptName}.js`);
  try {
    // Always rebuilt (esbuild takes ~0.1 s), into a temporary file renamed over the
    // bundle: a run already reading the old bundle is never handed a half-written one.
    // The counter keeps two runs started in the same millisecond by one process apart.
    bundleBuildCount += 1;
    const temporaryPath = `${bundlePath}.${process.pid}.${bundleBuildCount}.tmp`;
    await bundleK6Script(join(LOAD_DIRECTORY, `${command.scriptName}.ts`), temporaryPath, { flavour });
    renameSync(temporaryPath, bundlePath);
  } catch (error) {
    io.stderr(`load: building load/${command.scriptName}.ts failed: ${(error as Error).message}\n`);
    return LOAD_CLI_EXIT_CODES.setupFailed;
  }
  io.stdout(
    k6 === undefined
      ? `engine: node runner (no k6 found: set K6 or put k6 on PATH; real k6 is the engine for real load), bundle ${relative(io.cwd, bundlePath)}\n`
      : `engine: ${k6.versionLine} (${k6.path}), bundle ${relative(io.cwd, bundlePath)}\n`,
  );

  const servers: OurServer[] = [];
  let serverHttpUrl = "";
  const targets = [...command.targets];
  let secret = command.secret ?? (targets.length === 0 ? undefined : io.env["JWT_SECRET"]);
  if (targets.length === 0) {
    secret ??= generatedSecret();
    try {
      for (let instance = 0; instance < command.instances; instance += 1) {
        const server = await startOurServer({ jwtSecret: secret, ...(command.redisUrl === undefined ? {} : { redisUrl: command.redisUrl }) });
        servers.push(server);
        targets.push(server.webSocketUrl);
        if (instance === 0) serverHttpUrl = server.httpUrl;
      }
    } catch (error) {
      await Promise.all(servers.map((server) => server.close()));
      const message = (error as Error).message;
      io.stderr(`load: cannot start our server on 127.0.0.1: ${message}${message.startsWith("cannot reach Redis") ? " (is redis-server running? check --redis / REDIS_URL)" : ""}\n`);
      return LOAD_CLI_EXIT_CODES.setupFailed;
    }
    io.stdout(
      servers.length === 1
        ? `target: ${targets[0]} (our server, started for this run with a generated secret${command.redisUrl === undefined ? "" : `, streams in Redis at ${command.redisUrl}`})\n`
        : `targets: ${targets.join(", ")} (${servers.length} instances of our server sharing Redis at ${command.redisUrl}, started for this run with a generated secret)\n`,
    );
  } else {
    const token = command.env["TOKEN"] ?? io.env["TOKEN"] ?? (command.env["TOKENS"] ?? io.env["TOKENS"])?.split(",")[0];
    for (const target of targets) {
      const problem = await probeTarget(target, secret === undefined ? { token: token ?? "" } : { secret });
      if (problem !== undefined) {
        io.stderr(`load: ${problem}\n`);
        return LOAD_CLI_EXIT_CODES.usage;
      }
    }
    io.stdout(`${targets.length === 1 ? "target" : "targets"}: ${targets.join(", ")} (answered a probe connection)\n`);
  }

  const outDirectory = command.outDirectory === undefined ? newRunDirectory(RUNS_DIRECTORY, { name: command.scriptName, cwd: io.cwd, nowMs: Date.now() }) : resolve(io.cwd, command.outDirectory);
  mkdirSync(outDirectory, { recursive: true });
  const summaryPath = join(outDirectory, `${command.scriptName}-summary.json`);
  const metricsPath = join(outDirectory, `${command.scriptName}-metrics.jsonl.gz`);
  const scriptEnv: Record<string, string> = { ...command.env, SUMMARY_DIR: outDirectory };
  if (targets.length === 1) scriptEnv["TARGET"] = targets[0] as string;
  else scriptEnv["TARGETS"] = targets.join(",");
  if (command.vus !== undefined) scriptEnv["VUS"] = String(command.vus);
  if (secret !== undefined) scriptEnv["JWT_SECRET"] = secret;
  const quiet = command.quiet || io.env["CI"] === "true";
  const engineArguments = [
    "run",
    ...(command.vus === undefined ? [] : ["--vus", String(command.vus)]),
    ...(command.duration === undefined ? [] : ["--duration", command.duration]),
    ...(command.iterations === undefined ? [] : ["--iterations", String(command.iterations)]),
    ...(quiet ? ["--quiet"] : []),
    "--out",
    `json=${metricsPath}`,
    ...Object.entries(scriptEnv).flatMap(([key, value]) => ["-e", `${key}=${value}`]),
    bundlePath,
  ];
  const traces = createFlaggedSessionCollector(join(outDirectory, "traces"), { recordsMax: command.recordMax, target: targets.join(","), scriptName: command.scriptName });
  const [executable, ...prefix] = k6 === undefined ? [process.execPath, "--import", TSX_LOADER, RUNNER_CLI] : [k6.path];
  io.stdout(`run: ${[k6 === undefined ? "tsx load/runner/cli.ts" : "k6", ...engineArguments.map((argument) => maskSecret(argument, secret))].join(" ")}\n`);

  // Our own server's /metrics, recorded during the run and judged by the alert rules
  // afterwards (monitoring/alerts.yml, with promtool): "would this run have paged?"
  const metricsRecording = join(outDirectory, "metrics.prom");
  const recorder =
    servers.length === 0 || command.metricsEverySeconds === 0
      ? undefined
      : createMetricsRecorder({ ...realTime(), url: `${serverHttpUrl}/metrics`, path: metricsRecording, everyMs: command.metricsEverySeconds * 1000 });
  recorder?.start();
  let exitCode: number;
  try {
    exitCode = await runEngine(executable as string, [...prefix, ...engineArguments], io, traces);
  } finally {
    await recorder?.stop();
    if (servers.length > 1) io.stdout(`frames sent per instance: ${servers.map((server) => server.stats().framesSent).join(", ")}\n`);
    await Promise.all(servers.map((server) => server.close()));
  }
  if (recorder !== undefined) {
    const verdict = await judgeAlerts(parseMetricsRecording(readFileSync(metricsRecording, "utf8")), { intervalMs: command.metricsEverySeconds * 1000 });
    // Data first: the verdict joins the run's summary (field `alerts`), where the HTML report reads it.
    if (existsSync(summaryPath)) {
      const summary = checkResult(loadSummarySchema, JSON.parse(readFileSync(summaryPath, "utf8")) as Record<string, unknown>, summaryPath);
      writeFileSync(summaryPath, `${JSON.stringify(checkResult(loadSummarySchema, { ...summary, alerts: verdict }, summaryPath), null, 2)}\n`);
    }
    io.stdout(`metrics: ${shownPath(metricsRecording, io.cwd)} (${recorder.counts().scrapes} scrapes${servers.length > 1 ? `, instance 1 of ${servers.length}` : ""}); ${verdict.judged ? `would have alerted: ${formatFired(verdict)}` : `alerts not judged: ${verdict.reason}`}\n`);
  }
  // Only this run's files: the folder is new, so nothing older can be named here.
  if (existsSync(summaryPath)) io.stdout(`summary: ${shownPath(summaryPath, io.cwd)}\n`);
  if (existsSync(metricsPath)) io.stdout(`time series: ${shownPath(metricsPath, io.cwd)}\n`);
  if (traces.written.length > 0) {
    const first = shownPath(traces.written[0] as string, io.cwd);
    io.stdout(
      `traces: ${traces.written.length} flagged session(s) recorded in ${shownPath(join(outDirectory, "traces"), io.cwd)}${traces.dropped > 0 ? ` (${traces.dropped} more not kept: --record-max)` : ""}; replay one: npm run sim -- --replay ${first}\n`,
    );
  }
  if (existsSync(summaryPath) && exitCode === EXIT_CODES.thresholdsFailed) {
    const verdict = runVerdict(JSON.parse(readFileSync(summaryPath, "utf8")) as SummaryData);
    if (verdict === "INVALID") {
      io.stdout(`exit code ${LOAD_CLI_EXIT_CODES.invalidRun} (INVALID: the load generator fell behind; see generator_lag in the summary)\n`);
      return LOAD_CLI_EXIT_CODES.invalidRun;
    }
  }
  io.stdout(`exit code ${exitCode}${describeExitCode(exitCode)}\n`);
  return exitCode;
}

function requireCredentials(command: LoadCommand, env: Readonly<Record<string, string | undefined>>): void {
  if (command.targets.length === 0 || command.secret !== undefined) return;
  const given = (name: string) => Boolean(env[name]) || Boolean(command.env[name]);
  if (given("JWT_SECRET") || given("TOKEN") || given("TOKENS")) return;
  throw new UsageError("--target needs credentials: --secret S (the server's JWT secret), JWT_SECRET in the environment, or TOKEN / TOKENS (one token per VU)");
}

/**
 * Spawns the engine, forwarding its output line by line except the records of flagged
 * sessions, which go to `traces`; resolves with its exit code (105 when a
 * signal ended it).
 */
function runEngine(executable: string, args: readonly string[], io: LoadIo, traces: { line(line: string): boolean }): Promise<number> {
  return new Promise((resolvePromise) => {
    const child = spawn(executable, args, {
      cwd: io.cwd,
      env: { ...io.env } as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const forward = (write: (text: string) => void) => {
      let partial = "";
      return {
        data(chunk: Buffer): void {
          const lines = (partial + chunk.toString("utf8")).split("\n");
          partial = lines.pop() ?? "";
          for (const line of lines) if (!traces.line(line)) write(`${line}\n`);
        },
        end(): void {
          if (partial !== "" && !traces.line(partial)) write(partial);
          partial = "";
        },
      };
    };
    const stdout = forward(io.stdout);
    const stderr = forward(io.stderr);
    child.stdout.on("data", stdout.data);
    child.stderr.on("data", stderr.data);
    // Ctrl+C reaches the engine too (same process group) and stops the test with a
    // summary; a second one would kill it at once, so SIGINT is not forwarded. SIGTERM
    // (a CI cancel, say) may reach only us: pass it on.
    const ignoreSignal = (): void => undefined;
    const forwardSignal = (): void => void child.kill("SIGTERM");
    process.on("SIGINT", ignoreSignal);
    process.on("SIGTERM", forwardSignal);
    child.on("error", (error) => {
      io.stderr(`load: cannot start ${executable}: ${error.message}\n`);
    });
    child.on("close", (code, signal) => {
      stdout.end();
      stderr.end();
      process.off("SIGINT", ignoreSignal);
      process.off("SIGTERM", forwardSignal);
      resolvePromise(code ?? (signal === null ? LOAD_CLI_EXIT_CODES.setupFailed : EXIT_CODES.externalAbort));
    });
  });
}

function describeExitCode(code: number): string {
  const names: Record<number, string> = {
    [EXIT_CODES.ok]: " (pass: every threshold held)",
    [EXIT_CODES.thresholdsFailed]: " (thresholds crossed)",
    [EXIT_CODES.invalidConfig]: " (invalid options)",
    [EXIT_CODES.externalAbort]: " (stopped by a signal)",
    [EXIT_CODES.scriptException]: " (script error)",
    [EXIT_CODES.scriptAborted]: " (the script aborted the test)",
  };
  return names[code] ?? "";
}

/** `path` relative to `cwd` when it lies inside it, else absolute. */
function shownPath(path: string, cwd: string): string {
  const shown = relative(cwd, path);
  return shown === "" || shown.startsWith("..") || isAbsolute(shown) ? path : shown;
}

function scriptNameOf(argument: string): string {
  return argument.replace(/\\/g, "/").replace(/^(\.\/)?load\//, "").replace(/^dist\//, "").replace(/\.(ts|js)$/, "");
}

function parseEnvPairs(pairs: readonly string[]): Record<string, string> {
  return parseEnvPairsWith(pairs, (message) => new UsageError(message));
}

function nonNegativeInteger(flag: string, text: string): number {
  return parseNonNegativeInteger(flag, text, (message) => new UsageError(message));
}

function positiveInteger(flag: string, text: string): number {
  return parsePositiveInteger(flag, text, (message) => new UsageError(message));
}

function maskSecret(argument: string, secret: string | undefined): string {
  return secret !== undefined && argument === `JWT_SECRET=${secret}` ? "JWT_SECRET=***" : argument;
}

let defaultIo: LoadIo | undefined;
function processIo(): LoadIo {
  defaultIo ??= {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
  };
  return defaultIo;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (exitCode) => {
      process.exitCode = exitCode;
    },
    (error: unknown) => {
      process.stderr.write(`load crashed: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = LOAD_CLI_EXIT_CODES.setupFailed;
    },
  );
}
