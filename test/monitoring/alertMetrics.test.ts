/**
 * The series the alert rules read, on a real server with real sockets: run silence (the
 * server's clock shifted, timers real), send attempts against failures, the pool against
 * its limit with a refused upgrade, replay and send buffers. And the run tracker's bound.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { RunSilenceTracker } from "../../server/manager/RunSilenceTracker.ts";
import { soakRunEvent } from "../../load/soak/createSoakPublisher.ts";
import { startTestServer, tryUpgrade, upgradeUrl, waitFor, type TestClient, type TestServer } from "../server/serverTestKit.ts";

/** The value of one exported sample (`name` or `name{labels}`), or undefined when absent. */
async function sample(server: TestServer, series: string): Promise<number | undefined> {
  const text = await (await fetch(`${server.address.httpUrl}/metrics`)).text();
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("the series the alert rules read", () => {
  let shiftMs = 0;
  let server: TestServer;
  let clients: TestClient[];
  beforeAll(async () => {
    server = await startTestServer({ clock: { nowMs: () => Date.now() + shiftMs }, limits: { connectionsMax: 2 } });
    clients = [await server.connect("silent-user"), await server.connect("other-user")];
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await server.close();
  });

  test("run silence: 0 with no run, the time since the quietest run's last event while one is in flight, 0 once it completes", async () => {
    expect(await sample(server, "agent_ws_run_silence_seconds_max")).toBe(0);
    expect(await sample(server, "agent_ws_runs_in_flight")).toBe(0);
    server.server.manager.publish("silent-user", soakRunEvent("silent-user", 1, 0, Date.now()));
    server.server.manager.publish("other-user", soakRunEvent("other-user", 1, 0, Date.now()));
    shiftMs += 45_000;
    // other-user's run speaks again; silent-user's does not.
    server.server.manager.publish("other-user", soakRunEvent("other-user", 1, 1, Date.now()));
    shiftMs += 20_000;
    const silence = (await sample(server, "agent_ws_run_silence_seconds_max")) as number;
    expect(silence).toBeGreaterThanOrEqual(65);
    expect(silence).toBeLessThan(70);
    expect(await sample(server, "agent_ws_runs_in_flight")).toBe(2);
    server.server.manager.publish("silent-user", soakRunEvent("silent-user", 1, 7, Date.now()));
    const remaining = (await sample(server, "agent_ws_run_silence_seconds_max")) as number;
    expect(remaining).toBeGreaterThanOrEqual(20);
    expect(remaining).toBeLessThan(25);
    server.server.manager.publish("other-user", soakRunEvent("other-user", 1, 7, Date.now()));
    expect(await sample(server, "agent_ws_run_silence_seconds_max")).toBe(0);
    expect(await sample(server, "agent_ws_runs_in_flight")).toBe(0);
  });

  test("send attempts count every frame written; failures start at 0 per stage", async () => {
    const [first] = clients as [TestClient];
    const before = (await sample(server, "agent_ws_send_attempts_total")) as number;
    for (let step = 0; step < 8; step += 1) server.server.manager.publish("silent-user", soakRunEvent("silent-user", 2, step, Date.now()));
    await waitFor(() => first.events().length >= 10, 2_000, "the events");
    expect(await sample(server, "agent_ws_send_attempts_total")).toBe(before + 8);
    expect(await sample(server, "agent_ws_send_attempts_total")).toBe(await sample(server, "agent_ws_frames_sent_total"));
    expect(await sample(server, 'agent_ws_send_failures_total{stage="sync"}')).toBe(0);
    expect(await sample(server, 'agent_ws_send_failures_total{stage="async"}')).toBe(0);
  });

  test("the pool: open against connectionsMax, and an upgrade past it counted as a connections_total refusal", async () => {
    expect(await sample(server, "agent_ws_connections_open")).toBe(2);
    expect(await sample(server, "agent_ws_connections_max")).toBe(2);
    expect(await sample(server, 'agent_ws_admission_refusals_total{reason="connections_total"}')).toBe(0);
    const outcome = await tryUpgrade(upgradeUrl(server.address.webSocketUrl, { token: await server.token("third-user") }));
    expect(outcome).toMatchObject({ refused: true, status: 503 });
    expect(await sample(server, 'agent_ws_admission_refusals_total{reason="connections_total"}')).toBe(1);
    expect(await sample(server, 'agent_ws_admission_refusals_total{reason="connections_per_user"}')).toBe(0);
  });

  test("event queues: replay buffer bytes and events, and the sockets' send buffers", async () => {
    expect(await sample(server, "agent_ws_replay_buffer_events")).toBe(13);
    expect(await sample(server, "agent_ws_replay_buffer_bytes")).toBeGreaterThan(13 * 100);
    expect(await sample(server, "agent_ws_send_buffer_bytes")).toBe(0);
  });
});

describe("RunSilenceTracker", () => {
  test("the longest silence is the least recently touched run's; agent_completed removes a run", () => {
    const tracker = new RunSilenceTracker({ runsTrackedMax: 10 });
    tracker.observe("u1", "r1", { nowMs: 1_000, completed: false });
    tracker.observe("u2", "r1", { nowMs: 2_000, completed: false });
    expect(tracker.longestSilenceMs(5_000)).toBe(4_000);
    tracker.observe("u1", "r1", { nowMs: 3_000, completed: false });
    expect(tracker.longestSilenceMs(5_000)).toBe(3_000);
    tracker.observe("u2", "r1", { nowMs: 4_000, completed: true });
    expect(tracker.runsInFlight).toBe(1);
    expect(tracker.longestSilenceMs(5_000)).toBe(2_000);
    tracker.observe("u1", "r1", { nowMs: 4_500, completed: true });
    expect(tracker.longestSilenceMs(5_000)).toBe(0);
  });

  test("past runsTrackedMax the run silent the longest is forgotten, and counted", () => {
    const tracker = new RunSilenceTracker({ runsTrackedMax: 3 });
    for (let run = 1; run <= 5; run += 1) tracker.observe("u", `r${run}`, { nowMs: run * 1_000, completed: false });
    expect(tracker.runsInFlight).toBe(3);
    expect(tracker.runsForgotten).toBe(2);
    expect(tracker.longestSilenceMs(10_000)).toBe(7_000);
  });
});
