/**
 * The Redis Streams broker with real redis-server and real servers (two or three
 * createServer instances in this process, each with its own Redis connections, sharing
 * one Redis): a resume on another instance is lossless, seqs are assigned once across
 * instances, lost history means a new epoch and resync_required, and an outage is a
 * DEGRADED server that closes with 1013 and refuses upgrades, never a silent gap.
 */
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { CLOSE_CODES } from "../../protocol/limits.ts";
import { connectClient, expectLosslessResume, runProblems, seqProblems, startTestServer, waitFor, type TestServer } from "../server/serverTestKit.ts";
import { startRedisServer, type RedisServerProcess } from "../../server/adapters/startRedisServer.ts";
import { REDIS_MISSING } from "./redisTestKit.ts";

describe.skipIf(REDIS_MISSING !== null)("Redis Streams broker (real redis-server)", () => {
  let redis: RedisServerProcess;
  let servers: TestServer[] = [];
  let prefixCount = 0;

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(async () => {
    await Promise.all(servers.map((server) => server.close()));
    servers = [];
  });

  /** Starts `count` instances sharing this test's own key prefix. */
  async function instances(count: number, limits: Record<string, number> = {}): Promise<TestServer[]> {
    prefixCount += 1;
    const started = await Promise.all(
      Array.from({ length: count }, () => startTestServer({ redisUrl: redis.url, redisKeyPrefix: `t${prefixCount}`, limits })),
    );
    servers.push(...started);
    return started;
  }

  test("a client killed on one instance resumes on another with exactly the missed events", async () => {
    const [a, b] = (await instances(2)) as [TestServer, TestServer];
    await expectLosslessResume({ victimOn: a, resumeOn: b }, "r1");
  });

  test("two instances publishing to one user at once: every seq assigned once, one order on every instance", async () => {
    const [a, b, c] = (await instances(3)) as [TestServer, TestServer, TestServer];
    const watchers = [await a.connect("busy"), await b.connect("busy"), await c.connect("busy")];
    const perInstance = 150;
    for (let index = 0; index < perInstance; index += 1) {
      a.server.manager.publish("busy", { type: "partial_result", run_id: "r-a", data: { agent_id: "a-a", content: `a${index}` } });
      b.server.manager.publish("busy", { type: "partial_result", run_id: "r-b", data: { agent_id: "a-b", content: `b${index}` } });
    }
    await waitFor(() => watchers.every((watcher) => watcher.lastSeq() >= 2 * perInstance), 10_000, "every event on every instance");
    const [first, ...others] = watchers.map((watcher) => watcher.events());
    expect(seqProblems(first ?? [], 0)).toEqual([]);
    expect(first?.length).toBe(2 * perInstance);
    for (const other of others) expect(other).toEqual(first);
    // Each instance's own events keep their publish order.
    for (const prefix of ["a", "b"]) {
      const contents = (first ?? []).filter((event) => event.run_id === `r-${prefix}`).map((event) => event.data?.content);
      expect(contents).toEqual(Array.from({ length: perInstance }, (_, index) => `${prefix}${index}`));
    }
  });

  test("start_agent sent again on another instance (same request_id, as a client re-sends what it still owes on resume) starts no second run", async () => {
    const [a, b] = (await instances(2)) as [TestServer, TestServer];
    const first = await a.connect("again");
    const runId = await first.startRun("req-1", "quick");
    const epoch = first.connected.epoch as string;
    first.kill();
    const second = await b.connect("again", { resume: { lastSeq: 0, epoch } });
    second.send({ type: "start_agent", request_id: "req-1", agent_type: "tester", message: "hello", scenario: "quick" });
    await waitFor(() => second.runCompleted(runId), 5_000, "the first run to complete");
    // A second run would have started within a round trip; its agent_started would follow here.
    const probe = await b.connect("again", { resume: { lastSeq: second.lastSeq(), epoch } });
    await probe.startRun("req-2", "quick");
    expect(second.ofType("agent_started").map((frame) => frame.run_id)).toEqual([runId, probe.ofType("agent_started")[0]?.run_id]);
    expect(second.ofType("protocol_error")).toEqual([]);
  });

  test("a request claimed by an instance that died before its run started: held while its lease lives, won after; a started one is taken", async () => {
    const { createRedisRequestClaims } = await import("../../server/adapters/createRedisRequestClaims.ts");
    const admin = new Redis(redis.url);
    prefixCount += 1;
    const keyPrefix = `t${prefixCount}`;
    const claimsOf = (instanceId: string) => createRedisRequestClaims({ redis: admin, keyPrefix, instanceId, leaseMs: 1_000 });
    let attempts = 0;
    /** A claim as a runtime makes it: a new attempt unless `attempt` repeats one (its answer lost). */
    const claim = (instanceId: string, requestId: string, attempt = `c${(attempts += 1)}`) =>
      new Promise<string>((resolve) => claimsOf(instanceId).claim({ userId: "u", requestId, attempt }, resolve));
    await admin.set(`${keyPrefix}:lease:i-a`, "1");
    await admin.set(`${keyPrefix}:lease:i-b`, "1");
    expect(await claim("i-a", "r1", "a-1")).toBe("won");
    expect(await claim("i-a", "r1", "a-1")).toBe("won"); // the same claim asked again (its answer was lost, or ioredis re-sent it after a reconnect)
    expect(await claim("i-b", "r1")).toBe("held"); // its owner lives and has not started the run
    expect(await claim("i-a", "r1")).toBe("taken"); // another claim of it on the owner
    await admin.del(`${keyPrefix}:lease:i-a`); // i-a died between its claim and its run
    expect(await claim("i-b", "r1")).toBe("won");
    expect(await claim("i-c", "r1")).toBe("held"); // now i-b's, whose lease lives
    claimsOf("i-b").started("u", "r1");
    expect(await claim("i-c", "r1")).toBe("taken");
    await admin.del(`${keyPrefix}:lease:i-b`);
    expect(await claim("i-c", "r1")).toBe("taken"); // its run started: never again, whoever died
    expect(await admin.pttl(`${keyPrefix}:{u}:req:r1`)).toBeGreaterThan(0); // started kept the expiry
    admin.disconnect();
  });

  /**
   * One instance (run lease `runLeaseMs`) on a fresh key prefix, another instance's claim of
   * `user`'s req-1 planted in Redis with that owner's lease (`ownerLeaseMs`, refreshed just
   * now), and a client of `user` that has just sent that start to the live instance.
   */
  async function startOverPlantedClaim(options: { runLeaseMs: number; user: string; owner: string; ownerLeaseMs: number }) {
    prefixCount += 1;
    const keyPrefix = `t${prefixCount}`;
    const live = await startTestServer({ redisUrl: redis.url, redisKeyPrefix: keyPrefix, runLeaseMs: options.runLeaseMs });
    servers.push(live);
    const admin = new Redis(redis.url);
    const claimKey = `${keyPrefix}:{${options.user}}:req:req-1`;
    await admin.set(claimKey, options.owner, "PX", 60_000);
    await admin.set(`${keyPrefix}:lease:${options.owner}`, "1", "PX", options.ownerLeaseMs);
    const ownerLeaseGoneAtMs = Date.now() + options.ownerLeaseMs;
    const client = await live.connect(options.user);
    const sentAtMs = Date.now();
    client.send({ type: "start_agent", request_id: "req-1", agent_type: "tester", message: "hello", scenario: "quick" });
    return { live, admin, claimKey, client, sentAtMs, ownerLeaseGoneAtMs };
  }

  test("start_agent re-sent to a live instance while its claim is held by a dead one whose lease still runs: the run starts once that lease is gone", async () => {
    // What an instance that died between its claim and its run leaves: its claim of req-1
    // and its lease, last refreshed just now (it runs out within its 400 ms).
    const { admin, claimKey, client, ownerLeaseGoneAtMs: leaseGoneAtMs } = await startOverPlantedClaim({ runLeaseMs: 400, user: "held", owner: "i-dead", ownerLeaseMs: 400 });
    await waitFor(() => client.ofType("agent_started").length === 1, 5_000, "the run to start after the dead claimant's lease");
    // Not while the dead claimant's lease lived.
    expect(Date.now()).toBeGreaterThanOrEqual(leaseGoneAtMs);
    // The run marks its claim started once its agent_started is sent.
    let claimValue = await admin.get(claimKey);
    for (let tries = 0; claimValue !== "+" && tries < 100; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      claimValue = await admin.get(claimKey);
    }
    expect(claimValue).toBe("+");
    expect(client.ofType("protocol_error")).toEqual([]);
    admin.disconnect();
  });

  test("a start whose claim a live instance holds and never marks started is given up after 1.5 × the lease: counted in /metrics, nothing starts, no protocol_error", async () => {
    const runLeaseMs = 200;
    const { live, admin, claimKey, client, sentAtMs } = await startOverPlantedClaim({ runLeaseMs, user: "stuck", owner: "i-alive", ownerLeaseMs: 60_000 });
    await waitFor(() => live.server.runtime.stats().claimsAbandoned === 1, 5_000, "the held claim to be given up");
    expect(Date.now() - sentAtMs).toBeGreaterThanOrEqual(runLeaseMs);
    const metrics = await (await fetch(`${live.address.httpUrl}/metrics`)).text();
    expect(metrics).toContain("agent_ws_request_claims_abandoned_total 1");
    expect(client.ofType("agent_started")).toEqual([]);
    expect(client.ofType("protocol_error")).toEqual([]);
    expect(await admin.get(claimKey)).toBe("i-alive");
    admin.disconnect();
  });

  test("history lost in Redis: the open connection is closed with 1013, and the resume gets resync_required in a new epoch", async () => {
    const [a, b] = (await instances(2)) as [TestServer, TestServer];
    const client = await a.connect("lost");
    const epoch = client.connected.epoch as string;
    for (let index = 0; index < 3; index += 1) b.server.manager.publish("lost", { type: "partial_result", run_id: "r-1", data: { agent_id: "a-1", content: `${index}` } });
    await waitFor(() => client.lastSeq() === 3, 3_000, "three events");
    const admin = new Redis(redis.url);
    await admin.flushall();
    admin.disconnect();
    b.server.manager.publish("lost", { type: "partial_result", run_id: "r-1", data: { agent_id: "a-1", content: "after the loss" } });
    await client.waitForClose();
    expect(client.closeCode).toBe(CLOSE_CODES.tryAgainLater);
    expect(client.lastSeq()).toBe(3);
    expect(a.decisions.some((decision) => decision.kind === "stream_lost")).toBe(true);

    await waitFor(() => a.server.manager.streamHead("lost") !== undefined, 3_000, "instance a to follow the new epoch");
    const resumed = await a.connect("lost", { resume: { lastSeq: 3, epoch } });
    expect(resumed.connected.epoch).not.toBe(epoch);
    expect(resumed.frames[1]).toMatchObject({ type: "resync_required", last_seq: 1 });
    await waitFor(() => resumed.lastSeq() === 1, 3_000, "the event of the new epoch");
    expect(resumed.events().map((event) => event.data?.content)).toEqual(["after the loss"]);
  });

  test("an instance that stops mid-tool: a survivor ends its run (tool_completed error, error_event, agent_completed error) within the lease", async () => {
    prefixCount += 1;
    const options = { redisUrl: redis.url, redisKeyPrefix: `t${prefixCount}`, runLeaseMs: 600 };
    const [a, b] = await Promise.all([startTestServer(options), startTestServer(options)]);
    servers.push(a, b);
    const client = await b.connect("orphan");
    // With several instances a start is claimed in Redis first (its run begins when the claim is won).
    expect(a.server.runtime.startRun("orphan", { type: "start_agent", request_id: "req-1", agent_type: "tester", message: "hi", scenario: "long-tool" })).toEqual({ claiming: true });
    await waitFor(() => client.ofType("agent_started").length === 1, 3_000, "the run to start");
    const started = { runId: client.ofType("agent_started")[0]?.run_id as string };
    await waitFor(() => client.eventsOf(started.runId).some((event) => event.type === "tool_executing"), 3_000, "the slow tool to start");
    const stoppedAtMs = Date.now();
    await a.close();
    await waitFor(() => client.runCompleted(started.runId), 3_000, "a survivor to end the orphaned run");
    const events = client.eventsOf(started.runId);
    expect(events.map((event) => event.type)).toEqual(["agent_started", "agent_thinking", "tool_executing", "tool_completed", "error_event", "agent_completed"]);
    expect(runProblems(events)).toEqual([]);
    expect(events[3]?.data).toMatchObject({ tool_name: "slow_query", status: "error" });
    expect(events[5]?.data).toMatchObject({ status: "error" });
    // Graceful stop drops the lease at once: the next sweep (every lease / 2) ends the run, long before the 2 s tool would have.
    expect(Date.now() - stoppedAtMs).toBeLessThan(1_500);
    expect(b.server.orphanRunsEnded()).toBe(1);
    expect(seqProblems(client.events(), 0)).toEqual([]);
  });

  test("broker outage: /health DEGRADED, clients closed with 1013, upgrades refused with 503; back with a new epoch after a restart", async () => {
    const [a] = (await instances(1)) as [TestServer];
    const client = await a.connect("outage");
    const epoch = client.connected.epoch as string;
    a.server.manager.publish("outage", { type: "partial_result", run_id: "r-1", data: { agent_id: "a-1", content: "before" } });
    await waitFor(() => client.lastSeq() === 1, 3_000, "one event");
    expect(a.server.health()).toMatchObject({ status: "ACTIVE", broker: { kind: "redis", available: true } });

    await redis.stop({ abrupt: true });
    await client.waitForClose();
    expect(client.closeCode).toBe(CLOSE_CODES.tryAgainLater);
    const health = a.server.health();
    expect(health.status).toBe("DEGRADED");
    expect(health.degradedReasons).toContain("broker_unavailable");
    const token = await a.token("outage");
    await expect(connectClient(a.address.webSocketUrl, { token })).rejects.toThrow("upgrade refused with 503");
    const metrics = await (await fetch(`${a.address.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/^agent_ws_broker_available 0$/m);

    await redis.restart();
    await waitFor(() => a.server.health().broker.available, 10_000, "the broker to be back");
    // No persistence: the restarted Redis has no history, so the stream starts a new epoch.
    const resumed = await a.connect("outage", { resume: { lastSeq: 1, epoch } });
    expect(resumed.connected.epoch).not.toBe(epoch);
    expect(resumed.frames[1]).toMatchObject({ type: "resync_required" });
  });
});
