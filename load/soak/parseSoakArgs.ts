/**
 * Flags of `npm run soak`, parsed into {@link SoakConfig}. Pure: reads only `argv` and
 * the environment it is given, so tests call it directly.
 */
import { parseCliArgs, parseIntegerFlag, UsageError } from "../../server/cli/parseCliArgs.ts";

/** Usage text of the soak CLI. */
export const SOAK_USAGE = `Usage: npm run soak -- [options]

Holds many WebSocket connections against the agent event server for a long time,
drops each of them abruptly every few seconds (each resumes with last_seq/epoch),
publishes events at a steady rate into every user, and reports delivery, duplicates,
isolation, heap over time and latency. Writes <out>/soak-summary.json (kind "soak").
Exit codes: 0 every goal met · 1 a goal missed · 2 bad usage · 4 crash.

Options:
  --minutes <n>            how long to soak (default 10)
  --seconds <n>            ... or in seconds (instead of --minutes)
  --users <n>              users (default 200)
  --connections <n>        connections, spread evenly over the users (default 1000)
  --drop-every-ms <n>      each connection is closed abruptly about this often,
                           jittered ±50% (default 15000); 0 never drops
  --rate <n>               events per second offered, all users together (default 500)
  --reconnect-delay-ms <n> mean wait before a dropped client resumes (default 250)
  --ack-delay-ms <n>       clients ack what they have held this long (default 15000);
                           acks let the server trim replay buffers (one device's ack
                           trims for all of its user's devices), the delay keeps the
                           events a sibling device needs after its drop: a device away
                           longer than this may meet resync_required
  --seed <n>               seed of the drop and reconnect jitter (default 1)
  --out <dir>              where soak-summary.json goes (default results)
  --metrics-every-seconds <n>
                           scrape the server's /metrics this often into
                           <out>/metrics.prom, for the alert rules (default 5; 0 off)
  --stall-seconds <n>      plant a fault: publish nothing for this long, runs left
                           open (in-process server only; default 0, none)
  --stall-at-seconds <n>   when the planted stall starts, into the load (default 10)
  --target <ws-url>        soak a running server instead of one started in-process
                           (events then come from start_agent runs; heap is not measured)
  --secret <s>             JWT secret for --target (default: JWT_SECRET)
  -h, --help               show this help

Examples:
  npm run soak -- --minutes 10
  npm run soak -- --seconds 20 --users 40 --connections 200 --drop-every-ms 3000
`;

/** What the soak CLI was asked to do. */
export type SoakConfig =
  | { help: true }
  | {
      help: false;
      durationMs: number;
      users: number;
      connections: number;
      dropEveryMs: number;
      ratePerSecond: number;
      reconnectDelayMs: number;
      ackDelayMs: number;
      seed: number;
      outDir: string;
      /** A running server's WebSocket URL, or undefined to start one in-process. */
      target: string | undefined;
      /** JWT secret for --target. */
      secret: string | undefined;
      /** Interval of the /metrics recording into <out>/metrics.prom, ms; 0 records nothing. */
      metricsEveryMs: number;
      /** A planted publishing stall (in-process server only), or null. */
      stall: { atMs: number; durationMs: number } | null;
    };

/** Longest soak, minutes (a week): a bound on the loop, not a recommendation. */
export const SOAK_MINUTES_MAX = 7 * 24 * 60;

/** Parses the soak's argv; throws a UsageError naming the flag. */
export function parseSoakArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): SoakConfig {
  const { values } = parseCliArgs(argv, {
    minutes: { type: "string" },
    seconds: { type: "string" },
    users: { type: "string" },
    connections: { type: "string" },
    "drop-every-ms": { type: "string" },
    rate: { type: "string" },
    "reconnect-delay-ms": { type: "string" },
    "ack-delay-ms": { type: "string" },
    seed: { type: "string" },
    out: { type: "string" },
    target: { type: "string" },
    secret: { type: "string" },
    "metrics-every-seconds": { type: "string" },
    "stall-seconds": { type: "string" },
    "stall-at-seconds": { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help === true) return { help: true };
  if (values.minutes !== undefined && values.seconds !== undefined) throw new UsageError("give --minutes or --seconds, not both");
  const durationMs =
    values.seconds !== undefined
      ? parseIntegerFlag("seconds", values.seconds, { min: 1, max: SOAK_MINUTES_MAX * 60 }) * 1_000
      : parseIntegerFlag("minutes", values.minutes ?? "10", { min: 1, max: SOAK_MINUTES_MAX }) * 60_000;
  const users = parseIntegerFlag("users", values.users ?? "200", { min: 1, max: 100_000 });
  const connections = parseIntegerFlag("connections", values.connections ?? "1000", { min: 1, max: 100_000 });
  if (connections < users) throw new UsageError(`--connections (${connections}) must be at least --users (${users}): every user holds at least one connection`);
  const target = values.target;
  if (target !== undefined && !/^wss?:\/\//.test(target)) throw new UsageError(`--target must be a ws:// or wss:// URL, got "${target}"`);
  const secret = values.secret ?? (env["JWT_SECRET"] === "" ? undefined : env["JWT_SECRET"]);
  if (target !== undefined && secret === undefined) {
    throw new UsageError("--target needs the server's JWT secret: pass --secret or set JWT_SECRET", { showUsage: false });
  }
  if (target === undefined && values.secret !== undefined) throw new UsageError("--secret only goes with --target (the in-process server makes its own)");
  const stallSeconds = parseIntegerFlag("stall-seconds", values["stall-seconds"] ?? "0", { min: 0, max: SOAK_MINUTES_MAX * 60 });
  const stallAtSeconds = parseIntegerFlag("stall-at-seconds", values["stall-at-seconds"] ?? "10", { min: 0, max: SOAK_MINUTES_MAX * 60 });
  if (stallSeconds > 0 && target !== undefined) throw new UsageError("--stall-seconds needs the in-process server (drop --target): a remote server's runs cannot be held");
  if (stallSeconds > 0 && stallAtSeconds * 1_000 >= durationMs) throw new UsageError(`--stall-at-seconds (${stallAtSeconds}) must fall inside the soak (${durationMs / 1_000} s)`);
  if (stallSeconds === 0 && values["stall-at-seconds"] !== undefined) throw new UsageError("--stall-at-seconds only goes with --stall-seconds");
  return {
    help: false,
    durationMs,
    users,
    connections,
    dropEveryMs: parseIntegerFlag("drop-every-ms", values["drop-every-ms"] ?? "15000", { min: 0, max: 86_400_000 }),
    ratePerSecond: parseIntegerFlag("rate", values.rate ?? "500", { min: 1, max: 1_000_000 }),
    reconnectDelayMs: parseIntegerFlag("reconnect-delay-ms", values["reconnect-delay-ms"] ?? "250", { min: 0, max: 60_000 }),
    ackDelayMs: parseIntegerFlag("ack-delay-ms", values["ack-delay-ms"] ?? "15000", { min: 1, max: 3_600_000 }),
    seed: parseIntegerFlag("seed", values.seed ?? "1", { min: 0, max: Number.MAX_SAFE_INTEGER }),
    outDir: values.out ?? "results",
    target,
    secret,
    metricsEveryMs: parseIntegerFlag("metrics-every-seconds", values["metrics-every-seconds"] ?? "5", { min: 0, max: 3_600 }) * 1_000,
    stall: stallSeconds === 0 ? null : { atMs: stallAtSeconds * 1_000, durationMs: stallSeconds * 1_000 },
  };
}

/** The command line that repeats this soak (what the report prints). */
export function soakReproduceLine(config: Extract<SoakConfig, { help: false }>): string {
  const duration = config.durationMs % 60_000 === 0 ? `--minutes ${config.durationMs / 60_000}` : `--seconds ${config.durationMs / 1_000}`;
  const target = config.target === undefined ? "" : ` --target ${config.target}`;
  const stall = config.stall === null ? "" : ` --stall-seconds ${config.stall.durationMs / 1_000} --stall-at-seconds ${config.stall.atMs / 1_000}`;
  return `npm run soak -- ${duration} --users ${config.users} --connections ${config.connections} --drop-every-ms ${config.dropEveryMs} --rate ${config.ratePerSecond} --seed ${config.seed}${target}${stall}`;
}
