/**
 * Flags of `npm run serve`, parsed into {@link ServeConfig}. Pure: reads only `argv`
 * and the environment it is given, so tests can call it directly.
 */
import type { ManagerLimits } from "../manager/managerLimits.ts";
import { parseCliArgs, parseIntegerFlag, UsageError } from "./parseCliArgs.ts";

/** Usage text of the serve CLI. */
export const SERVE_USAGE = `Usage: npm run serve -- [options]

Serves the agent event protocol (docs/protocol.md) over WebSocket, with /health and /metrics.
The HS256 secret comes from the JWT_SECRET environment variable (required unless --dev).

Options:
  --port <n>                     TCP port (default 8080; 0 picks a free one)
  --host <addr>                  address to bind (default 127.0.0.1)
  --path <path>                  WebSocket path (default /ws)
  --dev                          development mode: random JWT secret (unless JWT_SECRET is set),
                                 prints a token for user u1 and a ready-to-paste client command
  --replay-events-max <n>        events kept per user for resume (default 10000)
  --replay-bytes-max <n>         bytes kept per user for resume (default 16777216)
  --buffered-bytes-max <n>       unsent bytes per socket before a 4409 close (default 1048576)
  --heartbeat-ms <n>             ping interval, ms (default 15000)
  --connections-per-user-max <n> open connections per user (default 16)
  --connections-max <n>          open connections in total (default 20000)
  --messages-per-window-max <n>  client frames per second per connection before 1008 (default 200)
  --stream-idle-ms <n>           a disconnected user's stream is evicted after this idle time, ms (default 1800000)
  --users-retained-max <n>       streams kept for users with no open connection (default 10000)
  --departed-hold-ms <n>         a closed connection's ack floor holds its user's replay buffer this long, ms (default 600000)
  --scenario-dir <dir>           also serve the agentScripts of every scenarios/*.json there
                                 (clients pick one with start_agent's "scenario")
  --allowed-origin <origin>      allow browser upgrades only from this origin (repeatable)
  --upgrade-timeout-ms <n>       time a socket has to finish its upgrade, ms (default 10000)
  --close-timeout-ms <n>         time a closing socket waits for the peer, ms (default 1000)
  --redis <url>                  keep users' streams in Redis Streams (redis://host:port[/db]), shared
                                 with every instance on the same Redis (default: REDIS_URL, else in process);
                                 see docs/multi-instance.md
  --run-lease-ms <n>             with --redis: a dead instance's runs are ended by a survivor within
                                 1.5 x this, ms (default 10000)
  -h, --help                     show this help

Examples:
  JWT_SECRET=$(openssl rand -base64 32) npm run serve -- --port 8080
  npm run serve -- --dev --scenario-dir scenarios
  npm run serve -- --dev --port 8081 --redis redis://127.0.0.1:6379
`;

/** What the serve CLI was asked to do. */
export type ServeConfig =
  | { help: true }
  | {
      help: false;
      host: string;
      port: number;
      path: string;
      dev: boolean;
      /** The secret from JWT_SECRET, or undefined (only allowed with --dev). */
      jwtSecret: string | undefined;
      limits: Partial<ManagerLimits>;
      allowedOrigins: string[] | undefined;
      scenarioDir: string | undefined;
      upgradeTimeoutMs: number | undefined;
      closeTimeoutMs: number | undefined;
      /** From --redis or REDIS_URL; undefined keeps streams in this process. */
      redisUrl: string | undefined;
      runLeaseMs: number | undefined;
    };

const INTEGER_LIMIT_FLAGS = {
  "replay-events-max": "replayEventsMax",
  "replay-bytes-max": "replayBytesMax",
  "buffered-bytes-max": "bufferedBytesMax",
  "heartbeat-ms": "heartbeatMs",
  "connections-per-user-max": "connectionsPerUserMax",
  "connections-max": "connectionsMax",
  "messages-per-window-max": "messagesPerWindowMax",
  "stream-idle-ms": "streamIdleMs",
  "users-retained-max": "usersRetainedMax",
  "departed-hold-ms": "departedHoldMs",
} as const satisfies Record<string, keyof ManagerLimits>;

const ONE_DAY_MS = 86_400_000;

/** Parses serve's argv; throws a UsageError with a sentence naming the flag or variable. */
export function parseServeArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ServeConfig {
  const { values } = parseCliArgs(argv, {
    port: { type: "string" },
    host: { type: "string" },
    path: { type: "string" },
    dev: { type: "boolean" },
    "replay-events-max": { type: "string" },
    "replay-bytes-max": { type: "string" },
    "buffered-bytes-max": { type: "string" },
    "heartbeat-ms": { type: "string" },
    "connections-per-user-max": { type: "string" },
    "connections-max": { type: "string" },
    "messages-per-window-max": { type: "string" },
    "stream-idle-ms": { type: "string" },
    "users-retained-max": { type: "string" },
    "departed-hold-ms": { type: "string" },
    "allowed-origin": { type: "string", multiple: true },
    "scenario-dir": { type: "string" },
    "upgrade-timeout-ms": { type: "string" },
    "close-timeout-ms": { type: "string" },
    redis: { type: "string" },
    "run-lease-ms": { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help === true) return { help: true };

  const path = values.path ?? "/ws";
  if (!path.startsWith("/") || /[?#\s]/.test(path)) throw new UsageError(`--path must start with / and contain no ?, # or spaces, got "${path}"`);
  const host = values.host ?? "127.0.0.1";
  if (host.length === 0) throw new UsageError("--host must not be empty");
  const dev = values.dev === true;
  const secret = env["JWT_SECRET"];
  const jwtSecret = secret === undefined || secret === "" ? undefined : secret;
  if (jwtSecret === undefined && !dev) {
    throw new UsageError(
      "JWT_SECRET is not set: the server needs it to verify tokens.\n" +
        "  Set it:   JWT_SECRET=$(openssl rand -base64 32) npm run serve\n" +
        "  Or try:   npm run serve -- --dev   (random secret and a sample token, for development only)",
      { showUsage: false },
    );
  }

  const limits: Partial<ManagerLimits> = {};
  for (const [flag, limit] of Object.entries(INTEGER_LIMIT_FLAGS)) {
    const text = values[flag as keyof typeof INTEGER_LIMIT_FLAGS];
    if (text !== undefined) limits[limit] = parseIntegerFlag(flag, text, { min: 1, max: Number.MAX_SAFE_INTEGER });
  }
  const optionalMs = (flag: "upgrade-timeout-ms" | "close-timeout-ms") => {
    const text = values[flag];
    return text === undefined ? undefined : parseIntegerFlag(flag, text, { min: 1, max: ONE_DAY_MS });
  };
  const origins = values["allowed-origin"];
  const redisUrl = parseRedisUrl(values.redis, env["REDIS_URL"]);
  if (values["run-lease-ms"] !== undefined && redisUrl === undefined) throw new UsageError("--run-lease-ms needs --redis (or REDIS_URL): without Redis a run lives and dies with its only instance");
  return {
    help: false,
    host,
    port: values.port === undefined ? 8080 : parseIntegerFlag("port", values.port, { min: 0, max: 65_535 }),
    path,
    dev,
    jwtSecret,
    limits,
    allowedOrigins: origins === undefined ? undefined : [...origins],
    scenarioDir: values["scenario-dir"],
    upgradeTimeoutMs: optionalMs("upgrade-timeout-ms"),
    closeTimeoutMs: optionalMs("close-timeout-ms"),
    redisUrl,
    runLeaseMs: values["run-lease-ms"] === undefined ? undefined : parseIntegerFlag("run-lease-ms", values["run-lease-ms"], { min: 300, max: ONE_DAY_MS }),
  };
}

function parseRedisUrl(flag: string | undefined, variable: string | undefined): string | undefined {
  const [text, source] = flag !== undefined ? [flag, "--redis"] : [variable === "" ? undefined : variable, "REDIS_URL"];
  if (text === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${source} must be a URL like redis://127.0.0.1:6379, got "${text}"`);
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    throw new UsageError(`${source} must start with redis:// or rediss://, got "${text}"`);
  }
  return text;
}
