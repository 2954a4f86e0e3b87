/**
 * `npm run serve`: runs the agent event server until SIGINT/SIGTERM, then shuts down
 * gracefully (every client gets close 1001). See {@link SERVE_USAGE} for the flags.
 */
import { createRealClock } from "../adapters/realClock.ts";
import { randomSecret } from "../adapters/randomSecret.ts";
import { JWT_SECRET_BYTES_MIN_RECOMMENDED, jwtSecretKey } from "../auth/jwtSecretKey.ts";
import { signAccessToken } from "../auth/signAccessToken.ts";
import { createServer, type BoundAddress, type ServerOptions } from "../createServer.ts";
import type { AgentScript } from "../runtime/agentScript.ts";
import { DEFAULT_SCRIPTS } from "../runtime/defaultScripts.ts";
import { loadScenarioScripts, ScenarioScriptsError } from "./loadScenarioScripts.ts";
import { EXIT_CODES } from "../../protocol/exitCodes.ts";
import { EXIT_USAGE, UsageError } from "./parseCliArgs.ts";
import { parseServeArgs, SERVE_USAGE, type ServeConfig } from "./parseServeArgs.ts";
import type { StaticPage } from "../http/createHttpServer.ts";
import { bundleViewerPage } from "../viewer/bundleViewerPage.ts";
import { renderViewerHtml } from "../viewer/renderViewerHtml.ts";

/** The user `--dev` prints a token for. */
const DEV_USER_ID = "u1";
/** Lifetime of the `--dev` sample token, seconds. */
const DEV_TOKEN_TTL_SECONDS = 24 * 3_600;
/** The `--dev` live viewer's wait before reconnecting, ms. */
const VIEWER_RECONNECT_DELAY_MS = 1_000;
/** The `--dev` live viewer acks every this many events. */
const VIEWER_ACK_EVERY_EVENTS = 10;

async function main(): Promise<void> {
  let config: ServeConfig;
  try {
    config = parseServeArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`serve: ${error.message}\n${error.showUsage ? `\n${SERVE_USAGE}` : ""}`);
    process.exit(EXIT_USAGE);
  }
  if (config.help) {
    process.stdout.write(SERVE_USAGE);
    return;
  }

  const generatedSecret = config.jwtSecret === undefined ? randomSecret() : undefined;
  const jwtSecret = config.jwtSecret ?? (generatedSecret as string);
  if (Buffer.byteLength(jwtSecret) < JWT_SECRET_BYTES_MIN_RECOMMENDED) {
    process.stderr.write(`serve: warning: JWT_SECRET is shorter than ${JWT_SECRET_BYTES_MIN_RECOMMENDED} bytes; use a longer random secret (openssl rand -base64 32)\n`);
  }
  let scripts: Map<string, AgentScript> | undefined;
  if (config.scenarioDir !== undefined) {
    try {
      scripts = loadScenarioScripts(config.scenarioDir, DEFAULT_SCRIPTS);
    } catch (error) {
      if (!(error instanceof ScenarioScriptsError)) throw error;
      process.stderr.write(`serve: ${error.message}\n`);
      process.exit(EXIT_USAGE);
    }
  }
  const devToken = config.dev
    ? await signAccessToken(DEV_USER_ID, { secretKey: jwtSecretKey(jwtSecret), nowMs: createRealClock().nowMs(), ttlSeconds: DEV_TOKEN_TTL_SECONDS })
    : undefined;
  const pages = devToken === undefined ? undefined : await viewerPages(devToken, config.path);
  const options: ServerOptions = {
    jwtSecret,
    ...(pages === undefined ? {} : { pages }),
    ...(scripts === undefined ? {} : { scripts }),
    path: config.path,
    limits: config.limits,
    ...(config.allowedOrigins === undefined ? {} : { allowedOrigins: config.allowedOrigins }),
    ...(config.upgradeTimeoutMs === undefined ? {} : { upgradeTimeoutMs: config.upgradeTimeoutMs }),
    ...(config.closeTimeoutMs === undefined ? {} : { closeTimeoutMs: config.closeTimeoutMs }),
    ...(config.redisUrl === undefined ? {} : { redisUrl: config.redisUrl }),
    ...(config.runLeaseMs === undefined ? {} : { runLeaseMs: config.runLeaseMs }),
    onOrphanRunEnded: (run) => process.stdout.write(`serve: ended run ${run.runId} of user ${run.userId}: its instance ${run.owner} stopped\n`),
  };
  const server = createServer(options);
  let address: BoundAddress;
  try {
    address = await server.listen({ host: config.host, port: config.port });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(message.startsWith("cannot reach Redis") ? `serve: ${message} (is redis-server running? check --redis / REDIS_URL)\n` : `serve: cannot listen on ${config.host}:${config.port}: ${message}\n`);
    await server.close();
    process.exit(EXIT_CODES.failure);
  }

  process.stdout.write(`serve: listening on ${address.webSocketUrl}\n`);
  process.stdout.write(`serve: health ${address.httpUrl}/health, metrics ${address.httpUrl}/metrics\n`);
  process.stdout.write(`serve: streams: ${config.redisUrl === undefined ? "in this process" : `Redis Streams at ${config.redisUrl}, instance ${server.instanceId}`}\n`);
  process.stdout.write(`serve: agent scripts: ${[...(scripts ?? DEFAULT_SCRIPTS).keys()].join(", ")}\n`);
  if (devToken !== undefined) printDevHelp(address, { jwtSecret, generated: generatedSecret !== undefined, token: devToken });

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`serve: ${signal} again, exiting without waiting\n`);
      process.exit(EXIT_CODES.failure);
    }
    stopping = true;
    process.stdout.write(`serve: ${signal}: shutting down, closing ${server.manager.stats().connections} connection(s) with 1001\n`);
    server.close().then(
      () => {
        process.stdout.write("serve: stopped\n");
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`serve: shutdown failed: ${String(error)}\n`);
        process.exit(EXIT_CODES.failure);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

/** The live event viewer at `/` (docs/server.md), signed in as the dev user. */
async function viewerPages(token: string, wsPath: string): Promise<ReadonlyMap<string, StaticPage>> {
  const script = await bundleViewerPage();
  const html = renderViewerHtml({ token, userId: DEV_USER_ID, wsPath, reconnectDelayMs: VIEWER_RECONNECT_DELAY_MS, ackEveryEvents: VIEWER_ACK_EVERY_EVENTS }, script);
  return new Map([["/", { contentType: "text/html; charset=utf-8", body: html }]]);
}

function printDevHelp(address: BoundAddress, dev: { jwtSecret: string; generated: boolean; token: string }): void {
  const { jwtSecret, generated, token } = dev;
  const url = `${address.webSocketUrl}?token=${token}`;
  const lines = [
    generated ? `[dev] JWT_SECRET=${jwtSecret}   (random, for this process only; export it to mint more tokens)` : "[dev] using JWT_SECRET from the environment",
    `[dev] token for user ${DEV_USER_ID} (valid 24 h): ${token}`,
    `[dev] live viewer: ${address.httpUrl}/   (signed in as ${DEV_USER_ID}; start a run and watch its events)`,
    `[dev] connect:  websocat '${url}'`,
    `[dev]      or:  npx wscat -c '${url}'`,
    `[dev] then send: {"type":"start_agent","request_id":"req-1","agent_type":"performance_analyst","message":"Analyze my system performance"}`,
    `[dev] more tokens: JWT_SECRET=... npm run token -- --user u2 --ttl 1h`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`serve: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(EXIT_CODES.failure);
});
