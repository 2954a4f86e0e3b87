/**
 * The run-lease sweep goes on from where the previous one stopped (HSCAN cursor kept), so
 * an orphan is reached even when more live runs than one sweep examines come first.
 * Real redis-server; the registry is written directly, as the broker's append script would.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { AgentEventDraft } from "../../protocol/frames.ts";
import type { RunRecord } from "../../server/adapters/createRedisBroker.ts";
import { createRunLeases } from "../../server/adapters/createRunLeases.ts";
import { createRealClock } from "../../server/adapters/realClock.ts";
import { createRealScheduler } from "../../server/adapters/realScheduler.ts";
import { waitFor } from "../server/serverTestKit.ts";
import { startRedisServer, type RedisServerProcess } from "../../server/adapters/startRedisServer.ts";
import { REDIS_MISSING } from "./redisTestKit.ts";

describe.skipIf(REDIS_MISSING !== null)("run lease sweep (real redis-server)", () => {
  let redis: RedisServerProcess;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  test("orphans past the first sweep's batch are ended on later sweeps, live runs are left alone", async () => {
    const client = new Redis(redis.url);
    const prefix = "sweep";
    const runsKey = `${prefix}:runs`;
    const record = (owner: string, index: number): string =>
      JSON.stringify({ owner, userId: `u-${index}`, agentId: "a-1", startedAtMs: 0 } satisfies RunRecord);
    // 600 live runs (a real hash table, not a listpack, so HSCAN honours COUNT) and 5 orphans among them.
    const fields: string[] = [];
    for (let index = 0; index < 600; index += 1) fields.push(`r-live-${index}`, record("i-live", index));
    const orphans = [0, 1, 2, 3, 4].map((index) => `r-orphan-${index}`);
    orphans.forEach((runId, index) => fields.push(runId, record("i-dead", index)));
    await client.hset(runsKey, ...fields);
    await client.set(`${prefix}:lease:i-live`, "1");
    const scheduler = createRealScheduler();
    const completed: string[] = [];
    const leases = createRunLeases({
      redis: client,
      keyPrefix: prefix,
      runsKey,
      runToolsKey: `${prefix}:run-tools`,
      instanceId: "i-survivor",
      clock: createRealClock(),
      scheduler,
      leaseMs: 60,
      runsPerSweepMax: 20,
      publish: (_userId: string, draft: AgentEventDraft) => {
        if (draft.type === "agent_completed") completed.push(draft.run_id);
      },
    });
    try {
      await leases.start();
      await waitFor(() => leases.orphansEnded === orphans.length, 15_000, "every orphan ended");
      expect(completed.sort()).toEqual([...orphans].sort());
      expect(await client.hlen(runsKey)).toBe(600);
    } finally {
      await leases.stop();
      scheduler.cancelAll();
      client.disconnect();
    }
  });
});
