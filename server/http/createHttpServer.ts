/**
 * The HTTP face of the server: `GET /health`, `GET /metrics`, and the WebSocket
 * upgrade on `path` (default `/ws`), authenticated BEFORE the upgrade.
 *
 * Upgrade checks, in order; the first that fails answers with plain HTTP and no
 * WebSocket is opened:
 * 1. path (404), server closing (503), Origin allow-list when configured (403);
 * 2. token: header or query, verified HS256 with `exp` against the Clock (401);
 * 3. resume query `last_seq` + `epoch` (400);
 * 4. connection limits through `manager.admit` (429 per user, 503 in total).
 *
 * Every raw socket must finish its upgrade (or send its first plain request) within
 * `upgradeTimeoutMs`, or it is destroyed (slowloris).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer, type ServerOptions } from "ws";
import { CLIENT_FRAME_BYTES_MAX } from "../../protocol/limits.ts";
import { bindWsSocket, createWsSocketPort } from "../adapters/wsSocketPort.ts";
import { verifyAccessToken } from "../auth/verifyAccessToken.ts";
import type { ConnectionManager } from "../manager/createConnectionManager.ts";
import type { AdmitRefusal } from "../manager/ManagerDecision.ts";
import type { Clock } from "../ports/clock.ts";
import type { Scheduler, TimerHandle } from "../ports/scheduler.ts";
import { extractAccessToken } from "./extractAccessToken.ts";
import type { HealthReport } from "./createHealthTracker.ts";
import type { ServerMetrics } from "./createServerMetrics.ts";
import { parseResumeQuery } from "./parseResumeQuery.ts";
import { refuseUpgrade, type UpgradeRefusal } from "./refuseUpgrade.ts";

/** Default WebSocket path. */
export const WS_PATH_DEFAULT = "/ws";
/** Default time a raw socket has to complete its upgrade, ms. */
export const UPGRADE_TIMEOUT_MS_DEFAULT = 10_000;
/** Default time a server-initiated close waits for the peer's close frame before destroying the socket, ms. */
export const CLOSE_TIMEOUT_MS_DEFAULT = 1_000;

/** Options of {@link createHttpServer}. */
export interface HttpServerOptions {
  manager: ConnectionManager;
  clock: Clock;
  scheduler: Scheduler;
  /** HS256 key bytes (see jwtSecretKey). */
  secretKey: Uint8Array;
  metrics: ServerMetrics;
  health: () => HealthReport;
  /** WebSocket path (default {@link WS_PATH_DEFAULT}). */
  path?: string;
  /**
   * Browser origins allowed to open a WebSocket (exact `scheme://host[:port]`). When set,
   * a request whose `Origin` is not listed gets 403; requests without `Origin` (non-browser
   * clients, which cannot be cross-site attacked) pass. Unset: any origin.
   */
  allowedOrigins?: readonly string[];
  /** Default {@link UPGRADE_TIMEOUT_MS_DEFAULT}. */
  upgradeTimeoutMs?: number;
  /** Default {@link CLOSE_TIMEOUT_MS_DEFAULT}. */
  closeTimeoutMs?: number;
  /** A send `ws` accepted failed later; the socket is already closed with 1011. */
  onAsyncSendFailure?: (error: Error) => void;
  /** Fixed documents served on GET/HEAD by path (the `--dev` live viewer at `/`). Unset: none. */
  pages?: ReadonlyMap<string, StaticPage>;
}

/** A fixed document the HTTP server answers with (see {@link HttpServerOptions.pages}). */
export interface StaticPage {
  /** The Content-Type header, e.g. `text/html; charset=utf-8`. */
  contentType: string;
  body: string;
}

/** The HTTP server and what shutdown needs of it. */
export interface HttpServer {
  readonly server: Server;
  /** Refuses new upgrades with 503 from now on. */
  stopAccepting(): void;
  /** Resolves once every accepted WebSocket has closed (the manager closes them; closeTimeoutMs bounds each). */
  webSocketsClosed(): Promise<void>;
  /** Stops listening and drops every remaining HTTP connection. */
  close(): Promise<void>;
}

/** Creates the HTTP server (not yet listening). */
export function createHttpServer(options: HttpServerOptions): HttpServer {
  const { manager, clock, scheduler, metrics } = options;
  const path = options.path ?? WS_PATH_DEFAULT;
  const upgradeTimeoutMs = options.upgradeTimeoutMs ?? UPGRADE_TIMEOUT_MS_DEFAULT;
  const allowedOrigins = options.allowedOrigins === undefined ? null : new Set(options.allowedOrigins);
  const upgradeTimers = new WeakMap<Duplex, TimerHandle>();
  const rawSockets = new Set<Socket>();
  let accepting = true;

  // @types/ws lags ws 8.23: `closeTimeout` exists in ws but not in its types.
  const wssOptions: ServerOptions & { closeTimeout: number } = {
    noServer: true,
    maxPayload: CLIENT_FRAME_BYTES_MAX,
    perMessageDeflate: false,
    closeTimeout: options.closeTimeoutMs ?? CLOSE_TIMEOUT_MS_DEFAULT,
  };
  const wss = new WebSocketServer(wssOptions);

  const server = createServer({ headersTimeout: Math.min(upgradeTimeoutMs, 60_000), requestTimeout: 300_000 }, (request, response) => {
    cancelUpgradeTimer(request.socket);
    // A rejected promise here would be unhandled and end the process: every failure answers 500 instead.
    serveRequest(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
      response.end(`internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    });
  });

  server.on("connection", (socket: Socket) => {
    rawSockets.add(socket);
    upgradeTimers.set(socket, scheduler.after(upgradeTimeoutMs, () => socket.destroy()));
    socket.once("close", () => {
      rawSockets.delete(socket);
      cancelUpgradeTimer(socket);
    });
  });

  server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node removes its own error listener from upgraded sockets; an unhandled error would crash the process.
    socket.on("error", () => socket.destroy());
    handleUpgrade(request, socket, head).catch(() => socket.destroy());
  });

  function cancelUpgradeTimer(socket: Duplex): void {
    upgradeTimers.get(socket)?.cancel();
    upgradeTimers.delete(socket);
  }

  async function serveRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // Node's parser accepts request targets that URL rejects (`GET //[`): that is bad input, a 400.
    const target = request.url ?? "/";
    if (!URL.canParse(target, "http://localhost")) {
      response.writeHead(400, { "Content-Type": "text/plain; charset=utf-8" }).end("bad request target\n");
      return;
    }
    const url = new URL(target, "http://localhost");
    if (url.pathname === "/health" || url.pathname === "/metrics") {
      if (request.method !== "GET" && request.method !== "HEAD") {
        response.writeHead(405, { Allow: "GET, HEAD", "Content-Type": "text/plain; charset=utf-8" }).end("method not allowed\n");
        return;
      }
      if (url.pathname === "/health") {
        const body = JSON.stringify(options.health());
        response.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-store" }).end(body);
        return;
      }
      try {
        const body = await metrics.render();
        response.writeHead(200, { "Content-Type": metrics.registry.contentType }).end(body);
      } catch (error) {
        response.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" }).end(`metrics failed: ${String(error)}\n`);
      }
      return;
    }
    const page = options.pages?.get(url.pathname);
    if (page !== undefined && (request.method === "GET" || request.method === "HEAD")) {
      response.writeHead(200, { "Content-Type": page.contentType, "Cache-Control": "no-store" }).end(request.method === "GET" ? page.body : undefined);
      return;
    }
    const status = url.pathname === path ? 426 : 404;
    const body = status === 426 ? `this path only serves WebSocket upgrades\n` : "not found\n";
    response.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" }).end(body);
  }

  function refuse(socket: Duplex, refusal: UpgradeRefusal): void {
    metrics.upgradeRefused(refusal.status);
    refuseUpgrade(socket, refusal);
  }

  async function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (url.pathname !== path) return refuse(socket, { status: 404, body: `no WebSocket endpoint at ${url.pathname.slice(0, 64)}; use ${path}` });
    if (!accepting) return refuse(socket, SHUTTING_DOWN_REFUSAL);
    const origin = request.headers.origin;
    if (allowedOrigins !== null && origin !== undefined && !allowedOrigins.has(origin)) {
      return refuse(socket, { status: 403, body: "origin not allowed" });
    }

    const found = extractAccessToken(request.headers.authorization, url.searchParams);
    const verified = found.ok ? await verifyAccessToken(found.token, { secretKey: options.secretKey, nowMs: clock.nowMs() }) : found;
    if (socket.destroyed) return;
    if (!verified.ok) {
      metrics.authFailed(verified.reason);
      refuseUpgrade(socket, { status: 401, body: `unauthorized: ${verified.message}`, headers: { "WWW-Authenticate": 'Bearer realm="agent-events"' } });
      return;
    }

    const resume = parseResumeQuery(url.searchParams);
    if (!resume.ok) return refuse(socket, { status: 400, body: `bad resume request: ${resume.message}` });
    if (!accepting) return refuse(socket, SHUTTING_DOWN_REFUSAL);
    const refusal = manager.admit(verified.userId);
    if (refusal !== null) {
      metrics.admissionRefused(refusal);
      return refuse(socket, admitRefusalResponse(refusal));
    }

    wss.handleUpgrade(request, socket, head, (ws: WebSocket) => {
      cancelUpgradeTimer(socket);
      const port = createWsSocketPort(ws, {
        onAsyncSendFailure: (error) => {
          metrics.sendFailedAsync();
          options.onAsyncSendFailure?.(error);
        },
      });
      const identity = verified.expiresAtMs === undefined ? { userId: verified.userId } : { userId: verified.userId, expiresAtMs: verified.expiresAtMs };
      const handlers = manager.accept(port, identity, resume.resume);
      if (handlers === null) {
        // The manager refused (a race with another upgrade past the limit) and closed it with 1013.
        ws.on("error", () => {});
        return;
      }
      bindWsSocket(ws, handlers, { onError: (error) => metrics.wsError(error.code ?? "unknown") });
    });
  }

  return {
    server,
    stopAccepting() {
      accepting = false;
    },
    async webSocketsClosed() {
      const open = [...wss.clients].filter((ws) => ws.readyState !== WebSocket.CLOSED);
      await Promise.all(open.map((ws) => new Promise<void>((resolve) => ws.once("close", () => resolve()))));
    },
    async close() {
      accepting = false;
      const closed = new Promise<void>((resolve) => {
        if (!server.listening) resolve();
        else server.close(() => resolve());
      });
      for (const ws of wss.clients) ws.terminate();
      // Keep-alive HTTP, half-sent upgrades and upgraded sockets all hold server.close() open.
      for (const socket of rawSockets) socket.destroy();
      await closed;
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

const SHUTTING_DOWN_REFUSAL: UpgradeRefusal = { status: 503, body: "server is shutting down", headers: { "Retry-After": "1" } };

function admitRefusalResponse(refusal: AdmitRefusal): UpgradeRefusal {
  switch (refusal) {
    case "connections_per_user":
      return { status: 429, body: "too many connections for this user", headers: { "Retry-After": "5" } };
    case "connections_total":
      return { status: 503, body: "server is at its connection limit", headers: { "Retry-After": "5" } };
    case "shutting_down":
      return SHUTTING_DOWN_REFUSAL;
    case "broker_unavailable":
      return { status: 503, body: "the stream broker is unreachable: retry later", headers: { "Retry-After": "2" } };
  }
}
