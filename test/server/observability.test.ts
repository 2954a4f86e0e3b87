/**
 * GET /health and GET /metrics on a real server that has served a run, refused a
 * token and answered a bad frame.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestServer, tryUpgrade, upgradeUrl, waitFor, type TestClient, type TestServer } from "./serverTestKit.ts";

describe("health and metrics", () => {
  let server: TestServer;
  let clients: TestClient[];
  beforeAll(async () => {
    server = await startTestServer({ processMetrics: true, metricsUserLabelsMax: 2 });
    clients = [await server.connect("m1"), await server.connect("m2"), await server.connect("m3")];
    const [first] = clients as [TestClient];
    const runId = await first.startRun("metrics-run");
    await waitFor(() => first.runCompleted(runId), 2_000, "the run");
    first.send("{oops");
    await waitFor(() => first.ofType("protocol_error").length === 1, 2_000, "the protocol_error");
    await tryUpgrade(server.address.webSocketUrl);
    await tryUpgrade(upgradeUrl(server.address.webSocketUrl, { token: "not-a-jwt" }));
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await server.close();
  });

  test("GET /health reports status and counts as JSON", async () => {
    const response = await fetch(`${server.address.httpUrl}/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/application\/json/);
    const health = (await response.json()) as Record<string, unknown>;
    expect(health).toMatchObject({
      status: "ACTIVE",
      degradedReasons: [],
      connections: 3,
      users: 3,
      activeRuns: 0,
      runsStarted: 1,
      runsCompleted: 1,
      eventsPublished: 6,
      sendFailures: 0,
      replayEvents: 6,
    });
    expect(health["replayBytes"]).toBeGreaterThan(0);
    expect(health["uptimeMs"]).toBeGreaterThanOrEqual(0);
  });

  test("GET /metrics exposes every named series in Prometheus text", async () => {
    const response = await fetch(`${server.address.httpUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/text\/plain/);
    const text = await response.text();
    for (const line of [
      'agent_ws_connections{user="m1"} 1',
      'agent_ws_connections{user="m2"} 1',
      'agent_ws_connections{user="_other"} 1',
      "agent_ws_connections_open 3",
      "agent_ws_events_published_total 6",
      "agent_ws_replay_buffer_events 6",
      'agent_ws_auth_failures_total{reason="missing_token"} 1',
      'agent_ws_auth_failures_total{reason="malformed_token"} 1',
      'agent_ws_protocol_errors_total{code="bad_json"} 1',
      "agent_ws_delivery_latency_ms_count 6",
      "agent_ws_runs_completed_total 1",
      'agent_ws_auth_failures_total{reason="alg_not_allowed"} 0',
      'agent_ws_send_failures_total{stage="async"} 0',
      'agent_ws_protocol_errors_total{code="unknown_type"} 0',
    ]) {
      expect(text).toContain(line);
    }
    for (const name of [
      "agent_ws_frames_sent_total",
      "agent_ws_send_failures_total",
      "agent_ws_slow_consumer_closes_total",
      "agent_ws_heartbeat_closes_total",
      "agent_ws_rate_limited_closes_total",
      "agent_ws_frames_too_big_total",
      "agent_ws_replay_buffer_bytes",
      'agent_ws_delivery_latency_ms_bucket{le="5000"}',
      "process_cpu_user_seconds_total",
      "nodejs_eventloop_lag_seconds",
    ]) {
      expect(text).toContain(name);
    }
    expect(text).not.toContain('user="m3"');
  });

  test("other paths and methods get plain HTTP errors", async () => {
    expect((await fetch(`${server.address.httpUrl}/nope`)).status).toBe(404);
    expect((await fetch(`${server.address.httpUrl}/health`, { method: "POST" })).status).toBe(405);
    expect((await fetch(`${server.address.httpUrl}/ws`)).status).toBe(426);
  });
});
