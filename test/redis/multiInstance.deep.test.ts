/**
 * End to end over several instances: three real `serve` processes sharing one real
 * redis-server. Devices (the project's event client) resume on a seeded random instance
 * every few hundred ms; one instance is killed with SIGKILL mid-run and replaced. The
 * harness is the churn bench's (bench/churn/runInstanceChurn.ts): the shared checker
 * judges the whole trace, so every event must arrive exactly once and in order, with no
 * resync (nothing was lost) and every run complete; the killed instance's runs in flight
 * must be ended by a survivor (error_event + agent_completed status error) within the lease.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runInstanceChurn } from "../../bench/churn/runInstanceChurn.ts";
import { startServeProcess, type ServeProcess } from "../../bench/churn/startServeProcess.ts";
import { startRedisServer, type RedisServerProcess } from "../../server/adapters/startRedisServer.ts";
import { TEST_SECRET } from "../server/serverTestKit.ts";
import { REDIS_MISSING } from "./redisTestKit.ts";

const SEED = 15;
const LEASE_MS = 1_000;

describe.skipIf(REDIS_MISSING !== null)("three instances on one Redis, one SIGKILLed mid-run", () => {
  let redis: RedisServerProcess;
  const everyone: ServeProcess[] = [];
  let args: string[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    args = ["--redis", redis.url, "--run-lease-ms", String(LEASE_MS), "--heartbeat-ms", "5000"];
    everyone.push(...(await Promise.all([0, 1, 2].map(() => startServeProcess(args, { JWT_SECRET: TEST_SECRET })))));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(everyone.map((instance) => instance.stop()));
    await redis?.stop();
  });

  test(`devices resume on a random instance; every event exactly once, in order; orphaned runs ended within the lease (seed ${SEED})`, { timeout: 120_000 }, async () => {
    const live = new Set(everyone);
    const victim = everyone[1] as ServeProcess;
    const result = await runInstanceChurn({
      users: 10,
      runsPerUser: 4,
      dropEveryMs: 300,
      dropPauseMs: 20,
      seed: SEED,
      timeoutMs: 90_000,
      secret: TEST_SECRET,
      liveTargets: () => [...live].map((instance) => instance.webSocketUrl),
      outputs: () => everyone.map((instance) => instance.output()).join(""),
      incident: {
        // Every user runs agents back to back (a golden-path run lasts ~1.35 s), so the victim has runs in flight.
        afterMs: 2_000,
        act: async () => {
          live.delete(victim);
          const killedAtMs = Date.now();
          const killedInstanceId = victim.instanceId();
          await victim.kill();
          const replacement = await startServeProcess(args, { JWT_SECRET: TEST_SECRET });
          everyone.push(replacement);
          live.add(replacement);
          return { killedAtMs, killedInstanceId };
        },
      },
    });
    process.stderr.write(`multi-instance: ${JSON.stringify({ connections: result.connections, crossInstanceResumes: result.crossInstanceResumes, events: result.eventsChecked, orphans: result.orphans })}\n`);
    expect(result.firstProblem, `seed ${SEED}`).toBeNull();
    expect(result.ok).toBe(true);
    expect(result.delivery.delivered).toBe(result.delivery.expected);
    expect(result.resyncs).toBe(0);
    expect(result.runs).toEqual({ requested: 40, completed: 40, unasked: 0, sessionsStoppedEarly: 0 });
    expect(result.crossInstanceResumes).toBeGreaterThan(10 * 3);
    // The victim's runs in flight were ended by a survivor within 1.5 × the lease (plus a busy machine's slack).
    expect(result.orphans?.ended).toBeGreaterThan(0);
    expect(result.orphans?.latestEndAfterKillMs).toBeLessThan(1.5 * LEASE_MS + 1_500);
  });
});
