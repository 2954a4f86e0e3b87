/**
 * The Redis broker sends a user's appends of one event-loop turn as one script call (and
 * one feed message). That must be invisible: for the same appends, each event's outcome
 * (evicted count, oldest seq held after it) and the followed feed equal the in-process
 * broker's, appended one at a time — across batch splits, count and byte trimming, and
 * multi-byte text (Lua counts bytes, as the in-process broker does). Real redis-server.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createRedisBroker } from "../../server/adapters/createRedisBroker.ts";
import { startRedisServer, type RedisServerProcess } from "../../server/adapters/startRedisServer.ts";
import { createInProcessBroker } from "../../server/manager/createInProcessBroker.ts";
import type { AppendOutcome, BrokerEntry, StreamBroker, UnstampedEvent } from "../../server/ports/streamBroker.ts";
import { waitFor } from "../server/serverTestKit.ts";
import { REDIS_MISSING } from "./redisTestKit.ts";

const LIMITS = { replayEventsMax: 20, replayBytesMax: 4_000 };
/** Content whose UTF-8 size differs from its length: accents, emoji, a combining mark. */
const TEXTS = ["plain", "é".repeat(30), "🙂".repeat(25), "e\u0301", "x".repeat(300), ""];

function countingIds() {
  let count = 0;
  return { next: (prefix: string) => `${prefix}${(count += 1)}` };
}

/** `total` partial results for user `u`, sizes cycling through {@link TEXTS}. */
function burst(total: number): UnstampedEvent[] {
  return Array.from({ length: total }, (_, index) => ({
    type: "partial_result",
    user_id: "u",
    run_id: "r-1",
    ts: 1_000 + index,
    data: { agent_id: "a-1", content: `${index}:${TEXTS[index % TEXTS.length]}` },
  }));
}

interface Observed {
  outcomes: Array<{ ok: boolean; evictedEvents?: number; oldestSeq?: number | undefined }>;
  entries: BrokerEntry[];
}

/** Follows `u`, makes the appends (turns of `perTurn` events each, no waiting inside a turn), and returns what was seen. */
async function observe(broker: StreamBroker, events: UnstampedEvent[], perTurn: number): Promise<Observed> {
  const observed: Observed = { outcomes: [], entries: [] };
  let ready = false;
  broker.follow("u", {
    ready: () => {
      ready = true;
    },
    event: (entry) => observed.entries.push(entry),
    lost: (reason) => {
      throw new Error(`feed lost: ${reason}`);
    },
  });
  await waitFor(() => ready, 3_000, "the stream's position");
  const record = (outcome: AppendOutcome) =>
    observed.outcomes.push(outcome.ok ? { ok: true, evictedEvents: outcome.evictedEvents, oldestSeq: outcome.oldestSeq } : { ok: false });
  for (let from = 0; from < events.length; from += perTurn) {
    for (const event of events.slice(from, from + perTurn)) broker.append("u", event, record);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await waitFor(() => observed.outcomes.length === events.length && observed.entries.length === events.length, 5_000, "every append answered and fed");
  return observed;
}

/** An entry with its epoch taken out (the two brokers draw theirs differently). */
const withoutEpoch = (entry: BrokerEntry) => ({ ...entry, text: entry.text.replace(/"epoch":"[^"]*"/, '"epoch":"-"') });

describe.skipIf(REDIS_MISSING !== null)("Redis broker append batches (real redis-server)", () => {
  let redis: RedisServerProcess;
  let prefixCount = 0;

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  test.each([
    { perTurn: 1, note: "one append per turn" },
    { perTurn: 7, note: "bursts of 7" },
    { perTurn: 150, note: "one burst longer than a batch (64)" },
  ])("$note: outcomes and feed equal the in-process broker's", async ({ perTurn }) => {
    const events = burst(150);
    const expected = await observe(createInProcessBroker({ ids: countingIds(), ...LIMITS }), events, perTurn);
    prefixCount += 1;
    const broker = createRedisBroker({ url: redis.url, ids: countingIds(), ...LIMITS, streamIdleMs: 60_000, keyPrefix: `b${prefixCount}`, instanceId: "i-1" });
    await broker.ready();
    try {
      const actual = await observe(broker, events, perTurn);
      // Both trimmed by count and by bytes somewhere in the run, or the comparison proves little.
      expect(expected.outcomes.some((outcome) => (outcome.evictedEvents ?? 0) > 1)).toBe(true);
      expect(expected.outcomes.some((outcome) => outcome.evictedEvents === 1)).toBe(true);
      expect(actual.outcomes).toEqual(expected.outcomes);
      expect(actual.entries.map(withoutEpoch)).toEqual(expected.entries.map(withoutEpoch));
      const [redisPosition, held] = [broker.position("u"), await broker.redis.hget(`b${prefixCount}:{u}:m`, "bytes")];
      expect(redisPosition).toMatchObject({ lastSeq: 150, oldestSeq: expected.outcomes.at(-1)?.oldestSeq });
      const keptBytes = expected.entries.filter((entry) => entry.seq >= (redisPosition?.oldestSeq ?? 0)).reduce((sum, entry) => sum + entry.bytes, 0);
      expect(Number(held)).toBe(keptBytes);
    } finally {
      await broker.close();
    }
  });
});
