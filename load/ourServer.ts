/**
 * The one seam between the load side and our server (docs/architecture.md): the only file
 * of `load/` that imports `server/`. The load side (the k6 scripts, `npm run load`, the
 * soak) speaks the protocol to any server; when a command runs against *our* server, this
 * file starts it, and it binds the real world the Node-side tools run on (wall clock,
 * timers, a fresh secret, token signing: the server's own code, so there is one signer
 * and one clock adapter). The architecture test (`importDirection.test.ts`, EDGE_IMPORTS)
 * allows these imports here and nowhere else in `load/`.
 */
import type { AgentEventDraft } from "../protocol/frames.ts";
import { randomSecret } from "../server/adapters/randomSecret.ts";
import { createRealClock } from "../server/adapters/realClock.ts";
import { createRealScheduler, type RealScheduler } from "../server/adapters/realScheduler.ts";
import { jwtSecretKey } from "../server/auth/jwtSecretKey.ts";
import { signAccessToken } from "../server/auth/signAccessToken.ts";
import { ALERT_CONDITIONS, RUN_SILENCE_FIRES_MS } from "../server/monitoring/alertConditions.ts";
import type { Clock } from "../server/ports/clock.ts";

/** What `startOurServer` starts. */
export interface OurServerOptions {
  /** HS256 secret the server verifies tokens with. */
  jwtSecret: string;
  /** Keep streams in this Redis (several instances share them); unset: in process. */
  redisUrl?: string;
  /** Connection caps raised for many clients of one user (the soak's devices). */
  limits?: { connectionsPerUserMax?: number; connectionsMax?: number };
  /** Collect prom-client's process metrics (default true; the soak turns them off). */
  processMetrics?: boolean;
}

/** Our server, started on 127.0.0.1 on a free port: what the load side may do with it. */
export interface OurServer {
  /** `ws://127.0.0.1:<port>/ws`. */
  webSocketUrl: string;
  /** `http://127.0.0.1:<port>` (its `/metrics` and `/health`). */
  httpUrl: string;
  /** Publishes one event into a user's stream, as the agent runtime would (the soak's steady rate). */
  publish(userId: string, draft: AgentEventDraft): void;
  /** The newest seq of a user's stream, or undefined when the user has none. */
  streamHeadSeq(userId: string): number | undefined;
  /** The manager's gauges: open connections, replay buffer size, frames sent. */
  stats(): { connections: number; replayEvents: number; replayBytes: number; framesSent: number };
  /** Graceful shutdown; resolves when every socket and timer is gone. */
  close(): Promise<void>;
}

/** Starts one instance of our server on 127.0.0.1, port 0. @throws when it cannot listen (or reach its Redis) */
export async function startOurServer(options: OurServerOptions): Promise<OurServer> {
  // Loaded on first use: the soak's client worker imports this file for the real clock and
  // timers and must not load the whole server (HTTP, metrics, Redis client) with them.
  const { createServer } = await import("../server/createServer.ts");
  const server = createServer({
    jwtSecret: options.jwtSecret,
    ...(options.redisUrl === undefined ? {} : { redisUrl: options.redisUrl }),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    ...(options.processMetrics === undefined ? {} : { processMetrics: options.processMetrics }),
  });
  try {
    const address = await server.listen({ host: "127.0.0.1", port: 0 });
    return {
      webSocketUrl: address.webSocketUrl,
      httpUrl: address.httpUrl,
      publish: (userId, draft) => server.manager.publish(userId, draft),
      streamHeadSeq: (userId) => server.manager.streamHead(userId)?.lastSeq,
      stats: () => server.manager.stats(),
      close: () => server.close(),
    };
  } catch (error) {
    await server.close();
    throw error;
  }
}

/** The wall clock and real timers (server/adapters), for Node-side load tools. */
export function realTime(): { clock: Clock; scheduler: RealScheduler } {
  return { clock: createRealClock(), scheduler: createRealScheduler() };
}

/** A fresh random JWT secret for a server started for one run. */
export function generatedSecret(): string {
  return randomSecret();
}

/** Signs a user's access token the way our server verifies it (HS256, `sub`, `exp`). */
export function signUserToken(userId: string, options: { jwtSecret: string; nowMs: number; ttlSeconds: number }): Promise<string> {
  return signAccessToken(userId, { secretKey: jwtSecretKey(options.jwtSecret), nowMs: options.nowMs, ttlSeconds: options.ttlSeconds });
}

/**
 * Our server's run-silence alert (monitoring/alerts.yml, as server/monitoring states it):
 * its name, and the shortest stall of a run's events that may fire it, ms. A stall the soak
 * plants in our server is judged against it.
 */
export const RUN_SILENT_ALERT: { readonly alert: string; readonly mayFireAfterMs: number } = {
  alert: ALERT_CONDITIONS.runSilent.alert,
  mayFireAfterMs: RUN_SILENCE_FIRES_MS,
};
