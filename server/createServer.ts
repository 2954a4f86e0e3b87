/**
 * The composition root: binds the real clock, scheduler and ids to the connection
 * manager and the agent runtime, and puts the HTTP/WebSocket server in front.
 * Everything a test needs to start a real server on 127.0.0.1 port 0, and what
 * `npm run serve` runs.
 */
import type { AddressInfo } from "node:net";
import type { AgentEventDraft } from "../protocol/frames.ts";
import { createCryptoIdSource } from "./adapters/cryptoIdSource.ts";
import { createRealClock } from "./adapters/realClock.ts";
import { createRealScheduler } from "./adapters/realScheduler.ts";
import { createRedisBroker, type RedisBroker } from "./adapters/createRedisBroker.ts";
import { createRedisRequestClaims } from "./adapters/createRedisRequestClaims.ts";
import { createRunLeases, RUN_LEASE_MS_DEFAULT, type RunLeases } from "./adapters/createRunLeases.ts";
import { jwtSecretKey } from "./auth/jwtSecretKey.ts";
import { createHealthTracker, type HealthReport } from "./http/createHealthTracker.ts";
import { createHttpServer, type StaticPage } from "./http/createHttpServer.ts";
import { createServerMetrics, type ServerMetrics } from "./http/createServerMetrics.ts";
import {
  createConnectionManager,
  type ConnectionManager,
  type ManagerObserver,
  type ManagerParts,
} from "./manager/createConnectionManager.ts";
import { resolveManagerLimits, type ManagerLimits } from "./manager/managerLimits.ts";
import type { Clock } from "./ports/clock.ts";
import type { Scheduler } from "./ports/scheduler.ts";
import type { AgentScript } from "./runtime/agentScript.ts";
import { createAgentRuntime, type AgentRuntime, type AgentRuntimeLimits } from "./runtime/createAgentRuntime.ts";

/** Options of {@link createServer}. Only `jwtSecret` is required. */
export interface ServerOptions {
  /** HS256 secret (the `JWT_SECRET` environment variable in production). */
  jwtSecret: string;
  /** WebSocket path (default `/ws`). */
  path?: string;
  /** Manager limits (replay bounds, buffered bytes, heartbeat, connection caps, rate limit). */
  limits?: Partial<ManagerLimits>;
  /** Runtime limits (thinking interval, run duration cap, runs per user). */
  runtimeLimits?: Partial<AgentRuntimeLimits>;
  /** Agent scripts by name (default: the built-in `golden-path` and `quick`). */
  scripts?: ReadonlyMap<string, AgentScript>;
  /** Script for `start_agent` without `scenario`. */
  defaultScriptName?: string;
  /** Fixed documents served on GET/HEAD by path (see createHttpServer); the `--dev` live viewer. Unset: none. */
  pages?: ReadonlyMap<string, StaticPage>;
  /** Origin allow-list for browser upgrades (see createHttpServer). Unset: any origin. */
  allowedOrigins?: readonly string[];
  /** Time a raw socket has to complete its upgrade, ms (default 10 000). */
  upgradeTimeoutMs?: number;
  /** Time a server-initiated close waits for the peer before destroying the socket, ms (default 1 000). */
  closeTimeoutMs?: number;
  /** Look-back of /health's DEGRADED status, ms (default 60 000). */
  degradedWindowMs?: number;
  /** Cap on distinct `user` labels in /metrics (default 1 000). */
  metricsUserLabelsMax?: number;
  /** Collect prom-client's default process metrics (default true). */
  processMetrics?: boolean;
  /** The clock (default: the real one). Tests may shift it; timers stay real. */
  clock?: Clock;
  /**
   * `redis://host:port[/db]`: keep every user's stream in Redis Streams, shared with the other
   * instances on the same Redis (docs/multi-instance.md). Unset: in this process, as always.
   */
  redisUrl?: string;
  /** Prefix of every Redis key and channel (default `aep`); instances that share streams share it. */
  redisKeyPrefix?: string;
  /**
   * With `redisUrl`: this instance's lease over its runs, ms (default 10 000). A run whose
   * instance died is ended by a survivor within 1.5 × this (see adapters/createRunLeases.ts).
   */
  runLeaseMs?: number;
  /** With `redisUrl`: a run of a dead instance was ended here (logs, tests). */
  onOrphanRunEnded?: (run: { runId: string; userId: string; owner: string }) => void;
  /** Extra observer of the manager's decisions and deliveries (logs, tests). */
  observer?: ManagerObserver;
  /**
   * Replacement parts of the connection manager, for the bug zoo and tests only
   * (a real server that misbehaves on purpose, e.g. for the k6 scripts' tests).
   * Production leaves this unset.
   */
  managerParts?: ManagerParts;
  /**
   * Wraps the runtime's publish port, for the bug zoo and tests only (events
   * dropped, held or reordered before the manager sees them). Production leaves
   * this unset.
   */
  wrapPublish?: (publish: RuntimePublish, context: { scheduler: Scheduler }) => RuntimePublish;
}

/** The agent runtime's publish port: one event draft for one user. */
export type RuntimePublish = (userId: string, draft: AgentEventDraft) => void;

/** Where a server listens. */
export interface ListenOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
}

/** The address a server is bound to. */
export interface BoundAddress {
  host: string;
  port: number;
  /** `ws://host:port/path`, ready for a client. */
  webSocketUrl: string;
  /** `http://host:port`. */
  httpUrl: string;
}

/** A running (or ready to run) server. */
export interface AgentEventServer {
  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(options?: ListenOptions): Promise<BoundAddress>;
  /**
   * Graceful shutdown: refuses new upgrades, stops the runtime, closes every client
   * with 1001, waits for the sockets (each bounded by closeTimeoutMs), closes HTTP and
   * cancels every timer. Idempotent; resolves when done.
   */
  close(): Promise<void>;
  health(): HealthReport;
  readonly manager: ConnectionManager;
  readonly runtime: AgentRuntime;
  readonly metrics: ServerMetrics;
  /** This instance's id (names its run lease in Redis). */
  readonly instanceId: string;
  /** Runs of dead instances this one ended (0 without Redis). */
  orphanRunsEnded(): number;
}

/** Builds the server from its parts; call `listen()` to start it. */
export function createServer(options: ServerOptions): AgentEventServer {
  const secretKey = jwtSecretKey(options.jwtSecret);
  const clock = options.clock ?? createRealClock();
  const scheduler = createRealScheduler();
  // Run ids are keys shared by every instance on one Redis (leases, the checker's runs): tagged with the instance.
  const ids = createCryptoIdSource({ tagRunIds: options.redisUrl !== undefined });
  const { instanceId } = ids;
  const path = options.path ?? "/ws";
  const limits = resolveManagerLimits(options.limits);

  const redisBroker: RedisBroker | undefined =
    options.redisUrl === undefined
      ? undefined
      : createRedisBroker({
          url: options.redisUrl,
          ids,
          instanceId,
          replayEventsMax: limits.replayEventsMax,
          replayBytesMax: limits.replayBytesMax,
          streamIdleMs: limits.streamIdleMs,
          ...(options.redisKeyPrefix === undefined ? {} : { keyPrefix: options.redisKeyPrefix }),
        });

  // The metrics and health read the manager and runtime at request time, after both exist.
  const snapshot = () => ({ manager: manager.stats(), runtime: runtime.stats(), broker: manager.broker.stats() });
  const metrics = createServerMetrics({
    snapshot,
    ...(options.metricsUserLabelsMax === undefined ? {} : { userLabelsMax: options.metricsUserLabelsMax }),
    ...(options.processMetrics === undefined ? {} : { processMetrics: options.processMetrics }),
  });
  const healthTracker = createHealthTracker({
    clock,
    snapshot,
    ...(options.degradedWindowMs === undefined ? {} : { degradedWindowMs: options.degradedWindowMs }),
  });
  const extra = options.observer ?? {};

  const manager: ConnectionManager = createConnectionManager({
    clock,
    scheduler,
    ids,
    limits,
    ...(options.managerParts === undefined ? {} : { parts: options.managerParts }),
    ...(redisBroker === undefined ? {} : { broker: redisBroker }),
    onCommand: (command) => runtime.handleCommand(command),
    observer: {
      decision(decision) {
        metrics.observeDecision(decision);
        healthTracker.observeDecision(decision);
        extra.decision?.(decision);
      },
      delivered(userId, seq, lagMs) {
        metrics.observeDelivered(userId, seq, lagMs);
        extra.delivered?.(userId, seq, lagMs);
      },
    },
  });
  const publishToManager: RuntimePublish = (userId, draft) => {
    manager.publish(userId, draft);
  };
  // One lease for the leases and the claims: a claim held by a dead instance is won a lease later.
  const runLeaseMs = options.runLeaseMs ?? RUN_LEASE_MS_DEFAULT;
  const leases: RunLeases | undefined =
    redisBroker === undefined
      ? undefined
      : createRunLeases({
          redis: redisBroker.redis,
          keyPrefix: redisBroker.keyPrefix,
          runsKey: redisBroker.runsKey,
          runToolsKey: redisBroker.runToolsKey,
          instanceId,
          clock,
          scheduler,
          publish: publishToManager,
          leaseMs: runLeaseMs,
          ...(options.onOrphanRunEnded === undefined ? {} : { onOrphanEnded: options.onOrphanRunEnded }),
        });
  const runtime: AgentRuntime = createAgentRuntime({
    clock,
    scheduler,
    ids,
    publish: options.wrapPublish === undefined ? publishToManager : options.wrapPublish(publishToManager, { scheduler }),
    ...(options.scripts === undefined ? {} : { scripts: options.scripts }),
    ...(options.defaultScriptName === undefined ? {} : { defaultScriptName: options.defaultScriptName }),
    ...(options.runtimeLimits === undefined ? {} : { limits: options.runtimeLimits }),
    // Several instances share request ids through Redis: a start re-sent on another instance starts no second run.
    ...(redisBroker === undefined
      ? {}
      : {
          requestClaims: createRedisRequestClaims({
            redis: redisBroker.redis,
            keyPrefix: redisBroker.keyPrefix,
            instanceId,
            leaseMs: runLeaseMs,
            afterAppendsSent: (send) => redisBroker.afterAppendsSent(send),
          }),
        }),
  });
  const http = createHttpServer({
    manager,
    clock,
    scheduler,
    secretKey,
    metrics,
    health: () => healthTracker.report(),
    path,
    ...(options.allowedOrigins === undefined ? {} : { allowedOrigins: options.allowedOrigins }),
    ...(options.upgradeTimeoutMs === undefined ? {} : { upgradeTimeoutMs: options.upgradeTimeoutMs }),
    ...(options.closeTimeoutMs === undefined ? {} : { closeTimeoutMs: options.closeTimeoutMs }),
    ...(options.pages === undefined ? {} : { pages: options.pages }),
    onAsyncSendFailure: () => healthTracker.sendFailedAsync(),
  });

  let closing: Promise<void> | null = null;

  async function shutDown(): Promise<void> {
    healthTracker.markShuttingDown();
    http.stopAccepting();
    runtime.stop();
    manager.shutdown();
    await http.webSocketsClosed();
    await http.close();
    await leases?.stop();
    await manager.broker.close();
    scheduler.cancelAll();
  }

  return {
    async listen(listenOptions = {}) {
      const host = listenOptions.host ?? "127.0.0.1";
      const port = listenOptions.port ?? 8080;
      if (redisBroker !== undefined) {
        try {
          await redisBroker.ready();
        } catch (error) {
          await redisBroker.close();
          throw new Error(`cannot reach Redis at ${options.redisUrl}: ${error instanceof Error ? error.message : String(error)}`);
        }
        await leases?.start();
      }
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error) => reject(error);
        http.server.once("error", onError);
        http.server.listen(port, host, () => {
          http.server.off("error", onError);
          resolve();
        });
      });
      const address = http.server.address() as AddressInfo;
      const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
      return {
        host: address.address,
        port: address.port,
        webSocketUrl: `ws://${urlHost}:${address.port}${path}`,
        httpUrl: `http://${urlHost}:${address.port}`,
      };
    },
    close: () => (closing ??= shutDown()),
    health: () => healthTracker.report(),
    manager,
    runtime,
    metrics,
    instanceId,
    orphanRunsEnded: () => leases?.orphansEnded ?? 0,
  };
}
