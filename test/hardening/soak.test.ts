/**
 * The soak's parts: its flags (strict, clear errors), the heap and delivery judgement,
 * the users plan, the publisher on virtual time (steady rate, well-formed runs, runs
 * finished at stop). The real soak end to end is in realSoak.test.ts.
 */
import { describe, expect, test } from "vitest";
import { createChecker } from "../../protocol/checker/createChecker.ts";
import { UsageError } from "../../server/cli/parseCliArgs.ts";
import { createConnectionManager } from "../../server/manager/createConnectionManager.ts";
import { createSoakPublisher, RUN_EVENT_COUNT } from "../../load/soak/createSoakPublisher.ts";
import { deliveryPercent, HEAP_SLACK_BYTES, judgeGoals, judgeHeap } from "../../load/soak/judgeSoak.ts";
import { parseSoakArgs, soakReproduceLine } from "../../load/soak/parseSoakArgs.ts";
import { planUsers } from "../../load/soak/runSoak.ts";
import type { HeapSample, SoakClientCounts } from "../../load/soak/SoakSummary.ts";
import { createVirtualTime } from "../../sim/core/createVirtualTime.ts";
import { createScriptedSocket } from "./hardeningKit.ts";

describe("soak flags", () => {
  test("defaults: 10 minutes, 200 users, 1000 connections, a drop every 15 s, results/", () => {
    expect(parseSoakArgs([], {})).toEqual({
      help: false,
      durationMs: 600_000,
      users: 200,
      connections: 1_000,
      dropEveryMs: 15_000,
      ratePerSecond: 500,
      reconnectDelayMs: 250,
      ackDelayMs: 15_000,
      seed: 1,
      outDir: "results",
      target: undefined,
      secret: undefined,
      metricsEveryMs: 5_000,
      stall: null,
    });
  });

  test("the CI command parses, and its repro line gives it back", () => {
    const config = parseSoakArgs(["--seconds", "20", "--users", "40", "--connections", "200", "--drop-every-ms", "3000"], {});
    expect(config).toMatchObject({ durationMs: 20_000, users: 40, connections: 200, dropEveryMs: 3_000 });
    if (config.help) throw new Error("unexpected help");
    expect(soakReproduceLine(config)).toBe("npm run soak -- --seconds 20 --users 40 --connections 200 --drop-every-ms 3000 --rate 500 --seed 1");
  });

  test.each([
    [["--bogus"], /bogus/],
    [["--minutes", "1", "--seconds", "5"], /not both/],
    [["--minutes", "0"], /--minutes must be a whole number/],
    [["--users", "10", "--connections", "5"], /at least --users/],
    [["--rate", "fast"], /--rate must be a whole number/],
    [["--target", "http://x"], /ws:\/\/ or wss:\/\//],
    [["--target", "ws://127.0.0.1:8080/ws"], /needs the server's JWT secret/],
    [["--secret", "s"], /only goes with --target/],
  ])("%j is a usage error naming the flag", (argv, message) => {
    expect(() => parseSoakArgs(argv, {})).toThrow(UsageError);
    expect(() => parseSoakArgs(argv, {})).toThrow(message);
  });

  test("--target takes its secret from JWT_SECRET", () => {
    expect(parseSoakArgs(["--target", "ws://127.0.0.1:8080/ws"], { JWT_SECRET: "s3cret" })).toMatchObject({ target: "ws://127.0.0.1:8080/ws", secret: "s3cret" });
  });
});

describe("soak judgement", () => {
  const samples = (heapsMiB: number[]): HeapSample[] =>
    heapsMiB.map((mib, index) => ({ atMs: index * 1_000, heapUsedBytes: mib * 1024 * 1024, rssBytes: 0, connections: 0, replayEvents: 0, replayBytes: 0 }));

  test("flat after warm-up: a warm-up ramp then a plateau passes", () => {
    expect(judgeHeap(samples([10, 40, 80, 100, 101, 99, 100, 102, 101]), { measured: true, afterGc: true }).ok).toBe(true);
  });

  test("steady growth fails: the last third is more than 10% + slack over the middle third", () => {
    const verdict = judgeHeap(samples([100, 120, 140, 160, 180, 200, 220, 240, 260]), { measured: true, afterGc: true });
    expect(verdict.ok).toBe(false);
    expect(verdict.middleMeanBytes).toBe(180 * 1024 * 1024);
    expect(verdict.limitBytes).toBe(Math.round(180 * 1024 * 1024 * 1.1 + HEAP_SLACK_BYTES));
  });

  test("small absolute noise on a small heap passes thanks to the slack", () => {
    expect(judgeHeap(samples([14, 15, 15, 15, 15.5, 16, 17, 17.5, 18]), { measured: true, afterGc: true }).ok).toBe(true);
  });

  test("too few samples cannot be judged flat; an unmeasured heap (remote target) is skipped, not failed", () => {
    expect(judgeHeap(samples([10, 10, 10]), { measured: true, afterGc: true }).ok).toBe(false);
    expect(judgeHeap([], { measured: false, afterGc: false }).ok).toBe(true);
  });

  test("delivery percent is truncated, never rounded up to 100.00", () => {
    expect(deliveryPercent({ eventsExpected: 100_000, eventsReceived: 99_999 })).toBe(99.99);
    expect(deliveryPercent({ eventsExpected: 200_000, eventsReceived: 199_999 })).toBe(99.99);
    expect(deliveryPercent({ eventsExpected: 0, eventsReceived: 0 })).toBe(100);
  });

  test("duplicates, gaps, leaks and order are the shared checker's verdict; delivery is the soak's own count", () => {
    const heap = judgeHeap([], { measured: false, afterGc: false });
    const clean: SoakClientCounts = {
      devices: 2,
      eventsExpected: 10,
      eventsReceived: 10,
      resyncs: 0,
      forcedDrops: 0,
      resumes: 0,
      upgradeRefusals: {},
      serverCloses: {},
      devicesBehindAtEnd: 0,
      awayMsMax: 0,
      resyncExamples: [],
      latencyMs: { count: 0, p50: 0, p95: 0, p99: 0, max: 0, sampled: false },
      checker: { ok: true, safety: 0, liveness: 0, violationsByClass: { order: 0, pairing: 0, duplicate: 0, gap: 0, isolation: 0, content: 0, silent_gap: 0 }, violationsNotStored: 0, firstViolations: [] },
    };
    expect(Object.values(judgeGoals(clean, heap)).every((goal) => goal.ok)).toBe(true);
    const flagged = { ...clean, checker: { ...clean.checker, ok: false, safety: 4, violationsByClass: { ...clean.checker.violationsByClass, duplicate: 2, isolation: 1, silent_gap: 1 } } };
    const goals = judgeGoals(flagged, heap);
    expect(goals.delivery.ok).toBe(true);
    expect(goals.order.ok).toBe(true);
    expect(goals.duplicates).toMatchObject({ ok: false, observed: "2" });
    expect(goals.isolation).toMatchObject({ ok: false, observed: "1" });
    expect(goals.gaps).toMatchObject({ ok: false, observed: "1" });
    expect(goals.checker.ok).toBe(false);
    // Past the checker's violationsMax a zero is not a zero: the class goals fail too.
    const unstored = judgeGoals({ ...clean, checker: { ...clean.checker, ok: false, violationsNotStored: 3 } }, heap);
    expect(unstored.order.ok).toBe(false);
    expect(judgeGoals({ ...clean, eventsReceived: 9 }, heap).delivery.ok).toBe(false);
  });

  test("connections are spread evenly over the users", () => {
    expect(planUsers(200, 1_000).every((user) => user.devices === 5)).toBe(true);
    expect(planUsers(3, 7).map((user) => user.devices)).toEqual([3, 2, 2]);
  });
});

describe("soak publisher", () => {
  test("publishes at the offered rate, round-robin, in well-formed runs; stop() finishes every run", () => {
    const time = createVirtualTime({ startMs: 1_700_000_000_000 });
    let nextId = 0;
    const manager = createConnectionManager({ clock: time, scheduler: time, ids: { next: (prefix) => `${prefix}${(nextId += 1)}` } });
    const users = ["a", "b", "c"];
    const checker = createChecker();
    for (const userId of users) {
      const socket = createScriptedSocket();
      const originalSend = socket.send.bind(socket);
      socket.send = (text: string) => {
        originalSend(text);
        checker.serverFrame(userId, JSON.parse(text), { receivedAtMs: time.nowMs() });
      };
      checker.connectionOpened({ connectionId: userId, deviceId: userId, userId, atMs: time.nowMs() });
      manager.accept(socket, { userId });
    }
    const publisher = createSoakPublisher({ clock: time, scheduler: time, users, ratePerSecond: 300, publish: (userId, draft) => manager.publish(userId, draft) });
    publisher.start();
    time.runUntil(time.nowMs() + 1_005);
    expect(publisher.published()).toBe(300);
    expect(users.map((userId) => manager.streamHead(userId)?.lastSeq)).toEqual([100, 100, 100]);
    publisher.stop();
    // 100 events per user = 12 runs and 4 events of the 13th; stop plays its last 4.
    expect(users.map((userId) => manager.streamHead(userId)?.lastSeq)).toEqual([104, 104, 104]);
    expect(104 % RUN_EVENT_COUNT).toBe(0);
    const verdict = checker.finish({ atMs: time.nowMs(), requireRunsComplete: true });
    expect([...verdict.safety, ...verdict.liveness]).toEqual([]);
    expect(verdict.counts.runsCompleted).toBe(3 * 13);
  });
});
