/**
 * The server's bounds over real sockets, each at its edge: exactly at the limit passes,
 * one past is refused or closed. Connections per user and in total (429/503, also under
 * concurrent upgrades), the upgrade timeout against slowloris (a raw TCP socket with a
 * partial or trickled request), the origin allow-list against near-miss origins, the
 * per-connection message rate, the replay buffer's event and byte bounds (resume just
 * inside vs just outside), and stream eviction (streamIdleMs) ending in resync_required.
 * The exact-edge versions on virtual time are in managerLimitEdges.test.ts.
 */
import { connect as connectTcp, type Socket } from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import type { ServerOptions } from "../../server/createServer.ts";
import { startTestServer, tryUpgrade, upgradeUrl, waitFor, type TestClient, type TestServer } from "../server/serverTestKit.ts";
import { createTestChecker, feedChecker, HARDENING_SCRIPTS, metricValue, safetyMessages, scrapeMetrics } from "./hardeningKit.ts";

let servers: TestServer[] = [];
let clients: TestClient[] = [];

async function start(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const server = await startTestServer({ scripts: HARDENING_SCRIPTS, ...options });
  servers.push(server);
  return server;
}

async function connect(server: TestServer, userId: string, options: Parameters<TestServer["connect"]>[1] = {}): Promise<TestClient> {
  const client = await server.connect(userId, options);
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const client of clients) client.kill();
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
  clients = [];
});

/** Opens a raw TCP socket to the server and reports when the server closes it. */
async function rawSocket(server: TestServer): Promise<{ socket: Socket; openedAtMs: number; closedAtMs: () => number | null }> {
  const socket = connectTcp({ host: "127.0.0.1", port: server.address.port });
  let closedAtMs: number | null = null;
  socket.on("close", () => (closedAtMs = Date.now()));
  socket.on("error", () => {});
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  return { socket, openedAtMs: Date.now(), closedAtMs: () => closedAtMs };
}

describe("connections per user and in total", () => {
  test("connectionsPerUserMax = 3: ten concurrent upgrades open exactly 3, the other 7 get 429; a close frees a slot", async () => {
    const server = await start({ limits: { connectionsPerUserMax: 3 } });
    const token = await server.token("crowd");
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => tryUpgradeKeepOpen(server, token)));
    const opened = outcomes.filter((outcome) => outcome.status === 101);
    expect(opened).toHaveLength(3);
    expect(outcomes.filter((outcome) => outcome.status === 429)).toHaveLength(7);
    expect(server.server.manager.stats().connectionsByUser.get("crowd")).toBe(3);
    opened[0]?.close();
    await waitFor(() => server.server.manager.stats().connectionsByUser.get("crowd") === 2, 2_000, "the server to see the close");
    const again = await tryUpgradeKeepOpen(server, token);
    expect(again.status).toBe(101);
    expect((await tryUpgradeKeepOpen(server, token)).status).toBe(429);
    for (const outcome of [...opened, again]) outcome.close();
  });

  test("connectionsMax = 4 across users: the 4th opens, the 5th (another user) gets 503", async () => {
    const server = await start({ limits: { connectionsMax: 4 } });
    for (const userId of ["t1", "t2", "t3", "t4"]) await connect(server, userId);
    const outcome = await tryUpgrade(upgradeUrl(server.address.webSocketUrl, { token: await server.token("t5") }));
    expect(outcome).toMatchObject({ refused: true, status: 503 });
    const metrics = await scrapeMetrics(server);
    expect(metricValue(metrics, 'agent_ws_upgrade_refusals_total{status="503"}')).toBe(1);
  });
});

/** An upgrade whose socket stays open when it succeeds (tryUpgrade closes it at once). */
function tryUpgradeKeepOpen(server: TestServer, token: string): Promise<{ status: number; close: () => void }> {
  return connect(server, "unused", { token }).then(
    (client) => ({ status: 101, close: () => client.kill() }),
    (error: Error) => ({ status: Number(/refused with (\d+)/.exec(error.message)?.[1] ?? 0), close: () => {} }),
  );
}

describe("upgrade timeout (slowloris)", () => {
  const upgradeTimeoutMs = 400;

  test("a partial upgrade request is dropped after upgradeTimeoutMs, not before; an upgraded connection is untouched", async () => {
    const server = await start({ upgradeTimeoutMs });
    const healthy = await connect(server, "patient");
    const partial = await rawSocket(server);
    partial.socket.write(`GET /ws?token=${await server.token("loris")} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n`);
    await waitFor(() => partial.closedAtMs() !== null, upgradeTimeoutMs + 2_000, "the partial upgrade to be dropped");
    const heldMs = (partial.closedAtMs() as number) - partial.openedAtMs;
    // The server starts its timer at its own `connection` event, a moment before the client sees `connect`.
    expect(heldMs).toBeGreaterThanOrEqual(upgradeTimeoutMs - 50);
    expect(heldMs).toBeLessThan(upgradeTimeoutMs + 1_000);
    // The upgraded connection outlived the timeout and still serves.
    expect(healthy.closeCode).toBeNull();
    const runId = await healthy.startRun("after-slowloris");
    await waitFor(() => healthy.runCompleted(runId), 2_000, "a run after the timeout");
  });

  test("a request trickled one byte at a time is bounded by the total time, not by idleness", async () => {
    const server = await start({ upgradeTimeoutMs });
    const trickle = await rawSocket(server);
    const request = `GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nX-Padding: ${"a".repeat(200)}\r\n`;
    let index = 0;
    const interval = setInterval(() => {
      if (trickle.closedAtMs() !== null || index >= request.length) return;
      trickle.socket.write(request[index] as string);
      index += 1;
    }, 20);
    try {
      await waitFor(() => trickle.closedAtMs() !== null, upgradeTimeoutMs + 2_000, "the trickled upgrade to be dropped");
    } finally {
      clearInterval(interval);
    }
    expect(index).toBeLessThan(request.length);
    expect((trickle.closedAtMs() as number) - trickle.openedAtMs).toBeLessThan(upgradeTimeoutMs + 1_000);
  });

  test("many slowloris sockets at once do not stop a real client from connecting", async () => {
    const server = await start({ upgradeTimeoutMs });
    const lorises = await Promise.all(Array.from({ length: 50 }, () => rawSocket(server)));
    for (const loris of lorises) loris.socket.write("GET /ws HTTP/1.1\r\n");
    const client = await connect(server, "bystander");
    const runId = await client.startRun("amid-lorises");
    await waitFor(() => client.runCompleted(runId), 2_000, "a run amid the slowloris sockets");
    await waitFor(() => lorises.every((loris) => loris.closedAtMs() !== null), upgradeTimeoutMs + 2_000, "every slowloris socket to be dropped");
  });
});

describe("origin allow-list", () => {
  test.each([
    ["the listed origin", "https://app.example", false],
    ["a listed origin with its port", "http://localhost:5173", false],
    ["another host", "https://evil.example", true],
    ["a suffix attack", "https://app.example.evil.example", true],
    ["a prefix attack", "https://evil-app.example", true],
    ["the listed host over http", "http://app.example", true],
    ["the listed host on another port", "https://app.example:8443", true],
    ["a trailing slash", "https://app.example/", true],
    ["a path", "https://app.example/chat", true],
    ["the literal null origin (sandboxed frames, file://)", "null", true],
    ["the listed port's neighbour", "http://localhost:5174", true],
  ])("%s (%s): refused=%s", async (_name, origin, refused) => {
    const server = await start({ allowedOrigins: ["https://app.example", "http://localhost:5173"] });
    const outcome = await tryUpgrade(upgradeUrl(server.address.webSocketUrl, { token: await server.token("browser") }), { origin });
    expect(outcome).toMatchObject(refused ? { refused: true, status: 403 } : { refused: false });
  });
});

describe("message rate per connection", () => {
  test("messagesPerWindowMax frames in one window are all answered and the socket stays open; one more closes with 1008", async () => {
    const messagesPerWindowMax = 20;
    // A long window, so the burst can never straddle two windows (the window edge itself is tested on virtual time).
    const server = await start({ limits: { messagesPerWindowMax, messageWindowMs: 60_000 } });
    const client = await connect(server, "chatty");
    for (let index = 0; index < messagesPerWindowMax; index += 1) client.send(`{"type":"nope-${index}"}`);
    await waitFor(() => client.ofType("protocol_error").length === messagesPerWindowMax, 2_000, "an answer to every frame");
    expect(client.closeCode).toBeNull();
    client.send(`{"type":"one-too-many"}`);
    await client.waitForClose();
    expect(client.closeCode).toBe(1008);
    expect(client.ofType("protocol_error")).toHaveLength(messagesPerWindowMax);
    expect(metricValue(await scrapeMetrics(server), "agent_ws_rate_limited_closes_total")).toBe(1);
  });
});

describe("replay buffer bounds: resume just inside vs just outside", () => {
  /** Publishes `count` events for `userId` straight into the manager (no connection open). */
  function publish(server: TestServer, userId: string, count: number): void {
    for (let index = 0; index < count; index += 1) {
      server.server.manager.publish(userId, { type: "partial_result", run_id: "r-fixed", data: { agent_id: "a-fixed", content: "same size every time" } });
    }
  }

  test("replayEventsMax = 5, 8 events: resume after seq 3 is lossless (4..8); after seq 2 it is resync_required, then 4..8", async () => {
    const server = await start({ limits: { replayEventsMax: 5 } });
    publish(server, "ev", 8);
    const epoch = server.server.manager.streamHead("ev")?.epoch as string;
    const inside = await connect(server, "ev", { resume: { lastSeq: 3, epoch } });
    await waitFor(() => inside.lastSeq() === 8, 2_000, "the replay");
    expect(inside.frames.map((frame) => frame.type)).toEqual(["connected", ...Array(5).fill("partial_result")]);
    expect(inside.events().map((event) => event.seq)).toEqual([4, 5, 6, 7, 8]);
    const outside = await connect(server, "ev", { resume: { lastSeq: 2, epoch } });
    await waitFor(() => outside.lastSeq() === 8, 2_000, "the replay");
    expect(outside.frames[1]).toEqual({ type: "resync_required", epoch, oldest_seq: 4, last_seq: 8 });
    expect(outside.events().map((event) => event.seq)).toEqual([4, 5, 6, 7, 8]);
  });

  test("replayBytesMax = exactly 3 events' bytes: 3 are kept; resume after seq 3 is lossless, after seq 2 is resync_required", async () => {
    // Measure one event's size on a probe server: same user id length, epoch length, seq width and ts width.
    const probe = await start();
    publish(probe, "by", 1);
    const eventBytes = probe.server.manager.stats().replayBytes;
    const server = await start({ limits: { replayBytesMax: 3 * eventBytes } });
    publish(server, "by", 6);
    expect(server.server.manager.stats()).toMatchObject({ replayEvents: 3, replayBytes: 3 * eventBytes });
    const epoch = server.server.manager.streamHead("by")?.epoch as string;
    const inside = await connect(server, "by", { resume: { lastSeq: 3, epoch } });
    await waitFor(() => inside.lastSeq() === 6, 2_000, "the replay");
    expect(inside.ofType("resync_required")).toEqual([]);
    expect(inside.events().map((event) => event.seq)).toEqual([4, 5, 6]);
    const outside = await connect(server, "by", { resume: { lastSeq: 2, epoch } });
    await waitFor(() => outside.lastSeq() === 6, 2_000, "the replay");
    expect(outside.frames[1]).toEqual({ type: "resync_required", epoch, oldest_seq: 4, last_seq: 6 });
  });

  test("replayBytesMax one byte under 3 events keeps only 2", async () => {
    const probe = await start();
    publish(probe, "by", 1);
    const eventBytes = probe.server.manager.stats().replayBytes;
    const server = await start({ limits: { replayBytesMax: 3 * eventBytes - 1 } });
    publish(server, "by", 6);
    expect(server.server.manager.stats()).toMatchObject({ replayEvents: 2, replayBytes: 2 * eventBytes });
  });
});

describe("stream eviction (streamIdleMs) over real sockets", () => {
  test("a user gone past streamIdleMs loses its stream; the resume gets resync_required with a new epoch, and the checker sees no violation", async () => {
    const server = await start({ limits: { streamIdleMs: 150 } });
    const checker = createTestChecker();
    const first = await connect(server, "napper");
    feedChecker(checker, first, { userId: "napper", deviceId: "laptop", connectionId: "laptop#1" });
    const runId = await first.startRun("before-nap");
    await waitFor(() => first.runCompleted(runId), 2_000, "the run");
    const epoch = first.connected.epoch as string;
    const lastSeq = first.lastSeq();
    await first.close();
    await waitFor(() => server.decisions.some((decision) => decision.kind === "stream_evicted"), 3_000, "the eviction");
    expect(server.decisions.find((decision) => decision.kind === "stream_evicted")).toMatchObject({ userId: "napper", epoch, lastSeq, reason: "idle_timeout" });

    const resume = { lastSeq, epoch };
    const back = await connect(server, "napper", { resume });
    feedChecker(checker, back, { userId: "napper", deviceId: "laptop", connectionId: "laptop#2", resume });
    expect(back.frames[1]).toEqual({ type: "resync_required", epoch: back.connected.epoch, oldest_seq: 1, last_seq: 0 });
    expect(back.connected.epoch).not.toBe(epoch);
    const nextRun = await back.startRun("after-nap");
    await waitFor(() => back.runCompleted(nextRun), 2_000, "a run on the new stream");
    expect(safetyMessages(checker)).toEqual([]);
    const verdict = checker.finish({ atMs: Date.now(), requireRunsComplete: true });
    expect(verdict.ok).toBe(true);
    expect(metricValue(await scrapeMetrics(server), 'agent_ws_streams_evicted_total{reason="idle_timeout"}')).toBe(1);
  });
});
