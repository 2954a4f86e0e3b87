/**
 * End to end over several instances: three real `serve` processes sharing one real
 * redis-server. Devices reconnect to a randomly chosen instance every few hundred ms and
 * resume; one instance is killed with SIGKILL mid-run. The shared checker
 * (protocol/checker) judges every frame: each event delivered exactly once, in order, no
 * resync (nothing was lost), and every run completes — the killed instance's runs ended
 * by a survivor (error_event + agent_completed status error) within the lease.
 */
import { Redis } from "ioredis";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createChecker } from "../../protocol/checker/createChecker.ts";
import { createRandom } from "../../sim/core/createRandom.ts";
import { signTestToken, TEST_SECRET, upgradeUrl, waitFor } from "../server/serverTestKit.ts";
import { startRedisServer, type RedisServerProcess } from "../../server/adapters/startRedisServer.ts";
import { REDIS_MISSING } from "./redisTestKit.ts";
import { startServeProcess, type ServeProcess } from "./serveProcess.ts";

const SEED = 15;
const DEVICES = 10;
const RUNS_PER_DEVICE = 4;
const LEASE_MS = 1_000;
const KEY_PREFIX = "aep";

interface Frame {
  type: string;
  seq?: number;
  epoch?: string;
  last_seq?: number;
  run_id?: string;
  data?: Record<string, unknown>;
}

describe.skipIf(REDIS_MISSING !== null)("three instances on one Redis, one SIGKILLed mid-run", () => {
  let redis: RedisServerProcess;
  let instances: ServeProcess[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    const args = ["--redis", redis.url, "--run-lease-ms", String(LEASE_MS), "--heartbeat-ms", "5000"];
    instances = await Promise.all([0, 1, 2].map(() => startServeProcess(args, { JWT_SECRET: TEST_SECRET })));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop()));
    await redis?.stop();
  });

  test(`devices hop between instances and resume; every event exactly once, in order; orphaned runs ended within the lease (seed ${SEED})`, { timeout: 120_000 }, async () => {
    // The simulator's seeded PRNG, one fork per kind of choice (printed seed reproduces them).
    const random = createRandom(SEED);
    const instancePicks = random.fork("instance");
    const dropTimes = random.fork("drop");
    const reconnectDelays = random.fork("reconnect");
    const checker = createChecker({ deliveryLatencyP99BudgetMs: 1_000 });
    const dead = new Set<ServeProcess>();
    let dropping = true;
    let connectionCount = 0;
    const resyncs: Frame[] = [];

    const devices = Array.from({ length: DEVICES }, (_, index) => ({
      deviceId: `d${index}`,
      userId: `u${index}`,
      epoch: null as string | null,
      lastSeq: 0,
      /** The head when the device first connected: it owes nothing before it. */
      baseSeq: 0,
      /** Its current connection got `connected` (start_agent waits for it). */
      ready: false,
      seqsSeen: new Set<number>(),
      ws: null as WebSocket | null,
      open: false,
      connectionId: "",
      runsSent: 0,
      pendingSince: null as number | null,
      started: new Set<string>(),
      startedAtMs: new Map<string, number>(),
      completed: new Map<string, { status: unknown; ts: number }>(),
    }));
    type Device = (typeof devices)[number];

    const liveInstances = () => instances.filter((instance) => !dead.has(instance));

    async function connect(device: Device): Promise<void> {
      const choices = liveInstances();
      const instance = instancePicks.pick(choices);
      const token = await signTestToken(device.userId);
      const resume = device.epoch === null ? undefined : { epoch: device.epoch, lastSeq: device.lastSeq };
      const ws = new WebSocket(upgradeUrl(instance.webSocketUrl, { token, ...(resume === undefined ? {} : { resume }) }));
      connectionCount += 1;
      const connectionId = `${device.deviceId}#${connectionCount}`;
      device.ws = ws;
      ws.on("open", () => {
        device.open = true;
        device.connectionId = connectionId;
        checker.connectionOpened({ connectionId, deviceId: device.deviceId, userId: device.userId, atMs: Date.now(), ...(resume === undefined ? {} : { resume }) });
        if (dropping) setTimeout(() => ws.terminate(), 150 + dropTimes.integer(0, 399));
      });
      ws.on("message", (data) => {
        const frame = JSON.parse(data.toString()) as Frame;
        const violations = checker.serverFrame(connectionId, frame, { receivedAtMs: Date.now() });
        const notTiming = violations.filter((violation) => violation.category !== "timing");
        if (notTiming.length > 0) process.stderr.write(`seed ${SEED}: ${JSON.stringify(notTiming.slice(0, 3))}\n`);
        if (frame.type === "connected") {
          if (device.epoch === null) {
            device.lastSeq = frame.last_seq as number;
            device.baseSeq = device.lastSeq;
          }
          device.epoch = frame.epoch as string;
          device.ready = true;
        } else if (frame.type === "resync_required") {
          resyncs.push(frame);
        } else if (typeof frame.seq === "number") {
          device.lastSeq = Math.max(device.lastSeq, frame.seq);
          device.seqsSeen.add(frame.seq);
          if (frame.type === "agent_started") {
            device.started.add(frame.run_id as string);
            device.startedAtMs.set(frame.run_id as string, Date.now());
            device.pendingSince = null;
          }
          if (frame.type === "agent_completed") device.completed.set(frame.run_id as string, { status: frame.data?.status, ts: (frame as { ts?: number }).ts ?? 0 });
        }
      });
      ws.on("error", () => {});
      ws.on("close", (code) => {
        if (device.open) checker.connectionClosed(connectionId, { atMs: Date.now(), code });
        device.open = false;
        device.ready = false;
        device.ws = null;
        setTimeout(() => void connect(device), 10 + reconnectDelays.integer(0, 49));
      });
    }

    function drive(device: Device): void {
      if (!device.ready || device.ws === null) return;
      const idle = [...device.started].every((runId) => device.completed.has(runId));
      if (device.pendingSince !== null && Date.now() - device.pendingSince > 4_000) device.pendingSince = null;
      if (!idle || device.pendingSince !== null || device.completed.size >= RUNS_PER_DEVICE) return;
      const frame = { type: "start_agent", request_id: `${device.deviceId}-${device.runsSent}`, agent_type: "tester", message: "hello", scenario: "golden-path" };
      device.runsSent += 1;
      device.pendingSince = Date.now();
      checker.clientFrame(device.connectionId, frame, { atMs: Date.now() });
      device.ws.send(JSON.stringify(frame));
    }

    for (const device of devices) void connect(device);
    const driver = setInterval(() => devices.forEach(drive), 50);
    try {
      // Kill an instance while some of its runs are in flight (run ids end with their instance's id): a
      // golden-path run lasts about 1.35 s, so one whose agent_started arrived under 500 ms ago is still going.
      await waitFor(() => devices.some((device) => device.completed.size >= 1), 30_000, "first runs to complete");
      const instanceIds = instances.map((instance) => /instance i-([0-9a-f]+)/.exec(instance.output())?.[1] as string);
      const inFlight = (id: string) =>
        devices.some((device) =>
          [...device.started].some((runId) => runId.endsWith(id) && !device.completed.has(runId) && Date.now() - (device.startedAtMs.get(runId) ?? 0) < 500),
        );
      await waitFor(() => instanceIds.some(inFlight), 10_000, "an instance with a run in flight");
      const victimIndex = instanceIds.findIndex(inFlight);
      const victim = instances[victimIndex] as ServeProcess;
      const victimId = instanceIds[victimIndex] as string;
      dead.add(victim);
      const killedAtMs = Date.now();
      await victim.kill();

      await waitFor(() => devices.every((device) => device.completed.size >= RUNS_PER_DEVICE && [...device.started].every((runId) => device.completed.has(runId))), 90_000, "every device's runs to complete");
      dropping = false;
      // Quiet: every device connected and caught up with its stream's head in Redis.
      const admin = new Redis(redis.url);
      const heads = new Map<string, number>();
      for (const device of devices) heads.set(device.userId, Number(await admin.hget(`${KEY_PREFIX}:{${device.userId}}:m`, "seq")));
      admin.disconnect();
      await waitFor(() => devices.every((device) => device.open && device.lastSeq === heads.get(device.userId)), 15_000, "every device to catch up");
      const verdict = checker.finish({ atMs: Date.now(), requireRunsComplete: true });

      process.stderr.write(
        `multi-instance: ${connectionCount} connections, ${verdict.counts.events} events checked, ${verdict.counts.runsCompleted} runs completed, instance ${victimId} killed\n`,
      );
      expect([...verdict.safety, ...verdict.liveness], `seed ${SEED}`).toEqual([]);
      expect(connectionCount).toBeGreaterThan(DEVICES * 5);
      expect(resyncs).toEqual([]);
      for (const device of devices) expect(device.seqsSeen.size, device.userId).toBe((heads.get(device.userId) ?? 0) - device.baseSeq);
      // The victim's runs in flight were ended by a survivor, within 1.5 x the lease (plus a busy machine's slack).
      const survivorsLog = liveInstances().map((instance) => instance.output()).join("");
      const orphanRuns = [...survivorsLog.matchAll(/ended run (\S+) of user (\S+): its instance i-([0-9a-f]+) stopped/g)];
      expect(orphanRuns.length).toBeGreaterThan(0);
      for (const [, runId, userId, owner] of orphanRuns) {
        expect(owner).toBe(victimId);
        const completion = devices.find((device) => device.userId === userId)?.completed.get(runId as string);
        expect(completion?.status).toBe("error");
        expect((completion?.ts ?? Number.POSITIVE_INFINITY) - killedAtMs).toBeLessThan(1.5 * LEASE_MS + 1_500);
      }
      expect(verdict.counts.runsCompleted).toBeGreaterThanOrEqual(DEVICES * RUNS_PER_DEVICE);
    } finally {
      clearInterval(driver);
      dropping = false;
      for (const device of devices) device.ws?.removeAllListeners("close");
      for (const device of devices) device.ws?.terminate();
    }
  });
});
