/**
 * The soak's clients: one logical device per planned connection, each holding one
 * WebSocket at a time. Every device is dropped abruptly about every `dropEveryMs`
 * (jittered ±50%, seeded), resumes after `reconnectDelayMs` with its `last_seq` and
 * `epoch`, and acks what it has held for `ackDelayMs`. Every frame is counted
 * (delivery, duplicates, gaps, isolation, live latency) and fed to the shared checker.
 *
 * Runs in the soak's worker thread (soakClientWorker.ts); time and timers come from
 * the real adapters, randomness from a seeded pure-rand stream (STYLE rule 1).
 */
import { build as buildHistogram } from "hdr-histogram-js";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { WebSocket, type RawData } from "ws";
import { createChecker } from "../../protocol/checker/createChecker.ts";
import { jwtSecretKey } from "../auth/jwtSecretKey.ts";
import { signAccessToken } from "../auth/signAccessToken.ts";
import type { Clock } from "../ports/clock.ts";
import type { Scheduler, TimerHandle } from "../ports/scheduler.ts";
import type { SoakClientPlan, SoakWorkerCommand, SoakWorkerReport } from "./soakWorkerMessages.ts";

/** Upgrades started at once when the fleet first connects (the rest wait for a slot). */
export const INITIAL_CONNECTS_IN_FLIGHT_MAX = 64;
/** How often devices consider acking and the worker reports progress, ms. */
export const FLEET_TICK_MS = 1_000;
/** Violations and resyncs kept in the result, as sentences. */
const EXAMPLES_MAX = 5;

interface Device {
  readonly id: string;
  readonly userId: string;
  /** The open (or opening) socket, or null between connections. */
  ws: WebSocket | null;
  connections: number;
  connectionId: string;
  /** `connected` arrived on the current socket. */
  connected: boolean;
  epoch: string | null;
  /** Seq where this device started (its first `connected.last_seq`); null before. */
  startSeq: number | null;
  /** Newest seq held (contiguous from startSeq, except for counted gaps). */
  lastSeq: number;
  /** `connected.last_seq` of the current socket: events up to it are replays. */
  replayThroughSeq: number;
  ackedSeq: number;
  ackCheckpoints: Array<{ seq: number; atMs: number }>;
  dropTimer: TimerHandle | null;
  reconnectTimer: TimerHandle | null;
  /** The current socket is being dropped on purpose. */
  dropping: boolean;
  /** When the device lost its last socket (ms), or null while it has one `connected`. */
  awaySinceMs: number | null;
}

/** A fleet answers commands and reports through `post`. */
export interface SoakClientFleet {
  handle(command: SoakWorkerCommand): void;
}

/** Creates the fleet; it does nothing until a `start` command. */
export function createSoakClientFleet(options: { clock: Clock; scheduler: Scheduler; post: (report: SoakWorkerReport) => void }): SoakClientFleet {
  const { clock, scheduler, post } = options;
  const devices: Device[] = [];
  const tokens = new Map<string, string>();
  const histogram = buildHistogram({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000, numberOfSignificantValueDigits: 3 });
  // Small memories: 1000 devices of 200 users would otherwise keep ~150 MB of parsed events for seq_conflict.
  const checker = createChecker({
    eventsRememberedPerUserMax: 64,
    runsRememberedPerUserMax: 64,
    runsRememberedPerDeviceMax: 64,
    latencySamplesMax: 10_000,
    arrivalTimesRememberedPerConnectionMax: 64,
  });
  const counts = {
    eventsReceived: 0,
    duplicates: 0,
    gaps: 0,
    resyncs: 0,
    isolationBreaches: 0,
    forcedDrops: 0,
    resumes: 0,
    upgradeRefusals: {} as Record<string, number>,
    serverCloses: {} as Record<string, number>,
    awayMsMax: 0,
    resyncExamples: [] as string[],
  };
  let plan: SoakClientPlan | null = null;
  let random = xoroshiro128plus(1);
  let dropping = false;
  let stopping = false;
  let tickTimer: TimerHandle | null = null;
  let driveTimer: TimerHandle | null = null;
  let driveCursor = 0;
  let runCounter = 0;
  let initialPending: Device[] = [];
  let initialInFlight = 0;
  let startedReported = false;

  /** A uniform integer in [mean/2, 3·mean/2]. */
  function jitter(meanMs: number): number {
    if (meanMs <= 0) return 0;
    return uniformInt(random, Math.floor(meanMs / 2), Math.floor((3 * meanMs) / 2));
  }

  function bump(record: Record<string, number>, key: string): void {
    record[key] = (record[key] ?? 0) + 1;
  }

  function urlFor(device: Device): string {
    const url = new URL((plan as SoakClientPlan).url);
    url.searchParams.set("token", tokens.get(device.userId) as string);
    if (device.epoch !== null) {
      url.searchParams.set("last_seq", String(device.lastSeq));
      url.searchParams.set("epoch", device.epoch);
    }
    return url.toString();
  }

  function connect(device: Device): void {
    device.reconnectTimer = null;
    const resume = device.epoch === null ? undefined : { epoch: device.epoch, lastSeq: device.lastSeq };
    if (resume !== undefined) counts.resumes += 1;
    device.connections += 1;
    const connectionId = `${device.id}#${device.connections}`;
    device.connectionId = connectionId;
    device.connected = false;
    device.dropping = false;
    const ws = new WebSocket(urlFor(device), { perMessageDeflate: false });
    device.ws = ws;
    let opened = false;
    ws.on("open", () => {
      opened = true;
      checker.connectionOpened({ connectionId, deviceId: device.id, userId: device.userId, atMs: clock.nowMs(), ...(resume === undefined ? {} : { resume }) });
      initialConnectDone(device);
      scheduleDrop(device);
    });
    ws.on("message", (data: RawData, isBinary: boolean) => onFrame(device, connectionId, isBinary ? "" : data.toString()));
    ws.on("unexpected-response", (_request, response) => {
      bump(counts.upgradeRefusals, String(response.statusCode ?? 0));
      response.resume();
      ws.terminate();
    });
    ws.on("error", () => {
      // The close event follows; it decides what to do.
    });
    ws.on("close", (code: number) => {
      if (opened) checker.connectionClosed(connectionId, { atMs: clock.nowMs(), code });
      if (device.ws !== ws) return;
      if (opened && !device.dropping) bump(counts.serverCloses, String(code));
      if (!opened) initialConnectDone(device);
      device.ws = null;
      if (device.connected) device.awaySinceMs = clock.nowMs();
      device.connected = false;
      device.dropTimer?.cancel();
      device.dropTimer = null;
      if (!stopping) device.reconnectTimer = scheduler.after(jitter((plan as SoakClientPlan).reconnectDelayMs), () => connect(device));
    });
  }

  /** The first connection of a device finished (opened or failed): start the next queued one. */
  function initialConnectDone(device: Device): void {
    if (device.connections !== 1 || !initialPending.includes(device)) return;
    initialPending = initialPending.filter((pending) => pending !== device);
    initialInFlight -= 1;
    pumpInitialConnects();
  }

  function pumpInitialConnects(): void {
    const waiting = devices.filter((device) => device.connections === 0);
    while (initialInFlight < INITIAL_CONNECTS_IN_FLIGHT_MAX && waiting.length > 0) {
      const device = waiting.shift() as Device;
      initialPending.push(device);
      initialInFlight += 1;
      connect(device);
    }
    if (!startedReported && devices.every((device) => device.connected)) {
      startedReported = true;
      post({ kind: "started", devices: devices.length });
    }
  }

  function scheduleDrop(device: Device): void {
    device.dropTimer?.cancel();
    device.dropTimer = null;
    const everyMs = (plan as SoakClientPlan).dropEveryMs;
    if (!dropping || everyMs <= 0) return;
    device.dropTimer = scheduler.after(jitter(everyMs), () => {
      device.dropTimer = null;
      const ws = device.ws;
      if (ws === null || !dropping) return;
      device.dropping = true;
      counts.forcedDrops += 1;
      // Abrupt: no close frame, the TCP connection just goes (what a lost network looks like).
      ws.terminate();
    });
  }

  function onFrame(device: Device, connectionId: string, text: string): void {
    const receivedAtMs = clock.nowMs();
    let frame: Record<string, unknown>;
    try {
      frame = JSON.parse(text) as Record<string, unknown>;
    } catch {
      checker.serverFrame(connectionId, text, { receivedAtMs });
      return;
    }
    checker.serverFrame(connectionId, frame, { receivedAtMs });
    if (device.connectionId !== connectionId) return;
    switch (frame["type"]) {
      case "connected":
        onConnected(device, frame);
        return;
      case "resync_required": {
        counts.resyncs += 1;
        const oldestSeq = Number(frame["oldest_seq"]);
        if (counts.resyncExamples.length < EXAMPLES_MAX) {
          counts.resyncExamples.push(`${device.id} resumed after seq ${device.lastSeq}; the server held from ${oldestSeq} (last ${String(frame["last_seq"])})`);
        }
        if (frame["epoch"] !== device.epoch) {
          device.epoch = String(frame["epoch"]);
          device.lastSeq = oldestSeq - 1;
          return;
        }
        if (oldestSeq - 1 > device.lastSeq) counts.gaps += oldestSeq - 1 - device.lastSeq;
        device.lastSeq = Math.max(device.lastSeq, oldestSeq - 1);
        return;
      }
      default:
        if (typeof frame["seq"] === "number") onEvent(device, frame, receivedAtMs);
    }
  }

  function onConnected(device: Device, frame: Record<string, unknown>): void {
    if (frame["user_id"] !== device.userId) counts.isolationBreaches += 1;
    const lastSeq = Number(frame["last_seq"]);
    if (device.startSeq === null) {
      device.startSeq = lastSeq;
      device.lastSeq = lastSeq;
      device.ackedSeq = lastSeq;
    }
    device.epoch ??= String(frame["epoch"]);
    device.replayThroughSeq = lastSeq;
    device.connected = true;
    if (device.awaySinceMs !== null) counts.awayMsMax = Math.max(counts.awayMsMax, clock.nowMs() - device.awaySinceMs);
    device.awaySinceMs = null;
    if (!startedReported) pumpInitialConnects();
  }

  function onEvent(device: Device, frame: Record<string, unknown>, receivedAtMs: number): void {
    const data = frame["data"] as Record<string, unknown> | undefined;
    if (frame["user_id"] !== device.userId || (data?.["user_id"] !== undefined && data["user_id"] !== device.userId)) {
      counts.isolationBreaches += 1;
      return;
    }
    const seq = frame["seq"] as number;
    if (seq <= device.lastSeq) {
      counts.duplicates += 1;
      return;
    }
    if (seq > device.lastSeq + 1) counts.gaps += seq - device.lastSeq - 1;
    device.lastSeq = seq;
    counts.eventsReceived += 1;
    if (seq > device.replayThroughSeq) histogram.recordValue(Math.max(0, receivedAtMs - Number(frame["ts"])));
  }

  /** Each device acks the newest seq it has held for ackDelayMs (a checkpoint per tick). */
  function ackAll(nowMs: number): void {
    const ackDelayMs = (plan as SoakClientPlan).ackDelayMs;
    for (const device of devices) {
      device.ackCheckpoints.push({ seq: device.lastSeq, atMs: nowMs });
      let ackable = -1;
      while (device.ackCheckpoints.length > 0 && (device.ackCheckpoints[0] as { atMs: number }).atMs <= nowMs - ackDelayMs) {
        ackable = (device.ackCheckpoints.shift() as { seq: number }).seq;
      }
      if (ackable > device.ackedSeq && device.connected && device.ws?.readyState === WebSocket.OPEN) {
        device.ws.send(JSON.stringify({ type: "ack", seq: ackable }));
        device.ackedSeq = ackable;
      }
    }
  }

  function tick(): void {
    tickTimer = null;
    if (stopping) return;
    ackAll(clock.nowMs());
    post({
      kind: "progress",
      open: devices.filter((device) => device.connected).length,
      eventsReceived: counts.eventsReceived,
      forcedDrops: counts.forcedDrops,
      resumes: counts.resumes,
    });
    tickTimer = scheduler.after(FLEET_TICK_MS, tick);
  }

  /** Target mode: a start_agent every 1/runsPerSecond s from the next user's first open device. */
  function drive(runsPerSecond: number): void {
    driveTimer?.cancel();
    driveTimer = null;
    if (runsPerSecond <= 0) return;
    const intervalMs = Math.max(1, Math.round(1_000 / runsPerSecond));
    const step = () => {
      const users = (plan as SoakClientPlan).users;
      const user = users[driveCursor % users.length] as { userId: string };
      driveCursor += 1;
      const device = devices.find((candidate) => candidate.userId === user.userId && candidate.connected && candidate.ws?.readyState === WebSocket.OPEN);
      runCounter += 1;
      device?.ws?.send(JSON.stringify({ type: "start_agent", request_id: `soak-${runCounter}`, agent_type: "soak", message: "Analyze my system performance" }));
      driveTimer = scheduler.after(intervalMs, step);
    };
    step();
  }

  async function start(startPlan: SoakClientPlan): Promise<void> {
    plan = startPlan;
    random = xoroshiro128plus(startPlan.seed);
    const secretKey = jwtSecretKey(startPlan.jwtSecret);
    for (const user of startPlan.users) {
      tokens.set(user.userId, await signAccessToken(user.userId, { secretKey, nowMs: clock.nowMs(), ttlSeconds: startPlan.tokenTtlSeconds }));
      for (let index = 0; index < user.devices; index += 1) {
        devices.push({
          id: `${user.userId}/d${index + 1}`,
          userId: user.userId,
          ws: null,
          connections: 0,
          connectionId: "",
          connected: false,
          epoch: null,
          startSeq: null,
          lastSeq: 0,
          replayThroughSeq: 0,
          ackedSeq: 0,
          ackCheckpoints: [],
          dropTimer: null,
          reconnectTimer: null,
          dropping: false,
          awaySinceMs: null,
        });
      }
    }
    dropping = startPlan.dropEveryMs > 0;
    pumpInitialConnects();
    tickTimer = scheduler.after(FLEET_TICK_MS, tick);
  }

  function quiesce(): void {
    dropping = false;
    for (const device of devices) {
      device.dropTimer?.cancel();
      device.dropTimer = null;
    }
    const poll = () => {
      if (devices.every((device) => device.connected)) post({ kind: "quiesced" });
      else scheduler.after(50, poll);
    };
    poll();
  }

  function finish(heads: Record<string, number> | null, timeoutMs: number): void {
    drive(0);
    const headOf = new Map<string, number>();
    for (const device of devices) {
      const known = heads?.[device.userId] ?? Math.max(device.lastSeq, device.replayThroughSeq);
      headOf.set(device.userId, Math.max(headOf.get(device.userId) ?? 0, known));
    }
    const caughtUp = (device: Device) => device.connected && device.lastSeq >= (headOf.get(device.userId) ?? 0);
    const deadlineMs = clock.nowMs() + timeoutMs;
    const poll = () => {
      if (!devices.every(caughtUp) && clock.nowMs() < deadlineMs) {
        scheduler.after(50, poll);
        return;
      }
      stopping = true;
      tickTimer?.cancel();
      const verdict = checker.finish({ atMs: clock.nowMs(), requireRunsComplete: true });
      let eventsExpected = 0;
      for (const device of devices) eventsExpected += Math.max(0, (headOf.get(device.userId) ?? 0) - (device.startSeq ?? 0));
      post({
        kind: "result",
        counts: {
          devices: devices.length,
          eventsExpected,
          eventsReceived: counts.eventsReceived,
          duplicates: counts.duplicates,
          gaps: counts.gaps,
          resyncs: counts.resyncs,
          isolationBreaches: counts.isolationBreaches,
          forcedDrops: counts.forcedDrops,
          resumes: counts.resumes,
          upgradeRefusals: counts.upgradeRefusals,
          serverCloses: counts.serverCloses,
          devicesBehindAtEnd: devices.filter((device) => !caughtUp(device)).length,
          awayMsMax: counts.awayMsMax,
          resyncExamples: counts.resyncExamples,
          latencyMs: {
            count: histogram.totalCount,
            p50: histogram.getValueAtPercentile(50),
            p95: histogram.getValueAtPercentile(95),
            p99: histogram.getValueAtPercentile(99),
            max: histogram.maxValue,
          },
          checker: {
            ok: verdict.ok,
            safety: verdict.safety.length + verdict.violationsNotStored.safety,
            liveness: verdict.liveness.length + verdict.violationsNotStored.liveness,
            firstViolations: [...verdict.safety, ...verdict.liveness].slice(0, EXAMPLES_MAX).map((violation) => violation.message),
          },
        },
      });
    };
    poll();
  }

  function close(): void {
    stopping = true;
    dropping = false;
    drive(0);
    tickTimer?.cancel();
    for (const device of devices) {
      device.dropTimer?.cancel();
      device.reconnectTimer?.cancel();
      device.ws?.terminate();
    }
    post({ kind: "closed" });
  }

  return {
    handle(command) {
      switch (command.kind) {
        case "start":
          start(command.plan).catch((error: unknown) => post({ kind: "error", message: String(error) }));
          return;
        case "drive":
          drive(command.runsPerSecond);
          return;
        case "quiesce":
          quiesce();
          return;
        case "finish":
          finish(command.heads, command.timeoutMs);
          return;
        case "close":
          close();
          return;
      }
    },
  };
}
