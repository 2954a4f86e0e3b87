/**
 * The soak's clients: one logical device per planned connection, each holding one
 * WebSocket at a time. Every device is dropped abruptly about every `dropEveryMs`
 * (jittered ±50%, seeded), resumes after `reconnectDelayMs`, and acks what it has held for
 * `ackDelayMs`.
 *
 * Decisions:
 * - The resume point, the epoch, dedup of replays and resync handling are the event
 *   client's (protocol/client, docs/client.md), one client per device: the soak keeps no
 *   rule of its own. It counts what only it can know: distinct events handed over in order
 *   (delivery), drops, resumes, refusals, server closes, time away.
 * - Duplicates, gaps, leaks, order and live latency are the shared checker's to judge
 *   (protocol/checker): every frame every device receives goes to it, and the soak's goals
 *   read its verdict (judgeSoak.ts).
 * - Acks go by age, not by count: a device acks the resume point it held `ackDelayMs` ago
 *   (a checkpoint per tick), so a sibling device away for less than that still finds its
 *   events in the replay buffer. The client's count-paced acks are off (`ackEveryEvents: 0`);
 *   the ack is sent through the client (`client.send`), which sends only while connected.
 *
 * Runs in the soak's worker thread (soakClientWorker.ts); time and timers come from the
 * ports the worker binds, randomness from a seeded pure-rand stream (STYLE rule 1).
 */
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { WebSocket, type RawData } from "ws";
import { createChecker } from "../../protocol/checker/createChecker.ts";
import { violationCountsByClass } from "../../protocol/checker/violationCountsByClass.ts";
import { createEventClient, RECEIVE_OUTCOMES, withResumeQuery, type EventClient } from "../../protocol/client/index.ts";
import type { Clock } from "../../server/ports/clock.ts";
import type { Scheduler, TimerHandle } from "../../server/ports/scheduler.ts";
import type { SoakClientPlan, SoakWorkerCommand, SoakWorkerReport } from "./soakWorkerMessages.ts";

/** Upgrades started at once when the fleet first connects (the rest wait for a slot). */
export const INITIAL_CONNECTS_IN_FLIGHT_MAX = 64;
/** How often devices consider acking and the worker reports progress, ms. */
export const FLEET_TICK_MS = 1_000;
/** Violations and resyncs kept in the result, as sentences. */
const EXAMPLES_MAX = 5;
/** Live latency samples the checker keeps for exact percentiles (a reservoir past it; count and max stay exact). */
const LATENCY_SAMPLES_MAX = 100_000;

interface Device {
  readonly id: string;
  readonly userId: string;
  /** The device's event client: resume point, epoch, dedup, resync (one per device, across its connections). */
  readonly client: EventClient;
  /** The open (or opening) socket, or null between connections. */
  ws: WebSocket | null;
  connections: number;
  connectionId: string;
  /** Seq where this device started (its first `connected.last_seq`); null before. */
  startSeq: number | null;
  /** The newest seq acked. */
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
  /** Each user's connect URL: the server's, with the user's token in the query. */
  const baseUrls = new Map<string, string>();
  // Small memories: 1000 devices of 200 users would otherwise keep ~150 MB of parsed events for seq_conflict.
  const checker = createChecker({
    eventsRememberedPerUserMax: 64,
    runsRememberedPerUserMax: 64,
    runsRememberedPerDeviceMax: 64,
    latencySamplesMax: LATENCY_SAMPLES_MAX,
    arrivalTimesRememberedPerConnectionMax: 64,
  });
  const counts = {
    eventsReceived: 0,
    resyncs: 0,
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

  function createDevice(userId: string, index: number): Device {
    const id = `${userId}/d${index + 1}`;
    const client = createEventClient({
      ackEveryEvents: 0,
      onEvent: () => {
        counts.eventsReceived += 1;
      },
      onResync: (frame, loss) => {
        counts.resyncs += 1;
        if (counts.resyncExamples.length < EXAMPLES_MAX) {
          counts.resyncExamples.push(`${id} resumed after seq ${loss.previousLastSeq}; the server held from ${frame.oldest_seq} (last ${frame.last_seq})`);
        }
      },
    });
    return { id, userId, client, ws: null, connections: 0, connectionId: "", startSeq: null, ackedSeq: 0, ackCheckpoints: [], dropTimer: null, reconnectTimer: null, dropping: false, awaySinceMs: null };
  }

  function connect(device: Device): void {
    device.reconnectTimer = null;
    const resume = device.client.resumePoint();
    if (resume !== undefined) counts.resumes += 1;
    device.connections += 1;
    const connectionId = `${device.id}#${device.connections}`;
    device.connectionId = connectionId;
    device.dropping = false;
    const ws = new WebSocket(withResumeQuery(baseUrls.get(device.userId) as string, resume), { perMessageDeflate: false });
    device.ws = ws;
    let opened = false;
    ws.on("open", () => {
      opened = true;
      checker.connectionOpened({ connectionId, deviceId: device.id, userId: device.userId, atMs: clock.nowMs(), ...(resume === undefined ? {} : { resume }) });
      if (device.ws === ws) device.client.socketOpened({ send: (frame) => ws.send(JSON.stringify(frame)) });
      initialConnectDone(device);
      scheduleDrop(device);
    });
    ws.on("message", (data: RawData, isBinary: boolean) => onFrame(device, ws, connectionId, isBinary ? "" : data.toString()));
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
      if (device.client.connected) device.awaySinceMs = clock.nowMs();
      device.client.socketClosed();
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
    if (!startedReported && devices.every((device) => device.client.connected)) {
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

  function onFrame(device: Device, ws: WebSocket, connectionId: string, text: string): void {
    const receivedAtMs = clock.nowMs();
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      checker.serverFrame(connectionId, text, { receivedAtMs });
      return;
    }
    checker.serverFrame(connectionId, frame, { receivedAtMs });
    if (device.ws !== ws) return;
    if (device.client.receive(frame) === RECEIVE_OUTCOMES.connected) onConnected(device);
  }

  function onConnected(device: Device): void {
    if (device.startSeq === null) {
      // The first connected frame set the client's resume point: live events from here.
      device.startSeq = device.client.lastSeq;
      device.ackedSeq = device.client.lastSeq;
    }
    if (device.awaySinceMs !== null) counts.awayMsMax = Math.max(counts.awayMsMax, clock.nowMs() - device.awaySinceMs);
    device.awaySinceMs = null;
    if (!startedReported) pumpInitialConnects();
  }

  /** Each device acks the resume point it has held for ackDelayMs (a checkpoint per tick). */
  function ackAll(nowMs: number): void {
    const ackDelayMs = (plan as SoakClientPlan).ackDelayMs;
    for (const device of devices) {
      device.ackCheckpoints.push({ seq: device.client.lastSeq, atMs: nowMs });
      let ackable = -1;
      while (device.ackCheckpoints.length > 0 && (device.ackCheckpoints[0] as { atMs: number }).atMs <= nowMs - ackDelayMs) {
        ackable = (device.ackCheckpoints.shift() as { seq: number }).seq;
      }
      if (ackable > device.ackedSeq && device.ws?.readyState === WebSocket.OPEN && device.client.send({ type: "ack", seq: ackable })) device.ackedSeq = ackable;
    }
  }

  function tick(): void {
    tickTimer = null;
    if (stopping) return;
    ackAll(clock.nowMs());
    post({
      kind: "progress",
      open: devices.filter((device) => device.client.connected).length,
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
      const device = devices.find((candidate) => candidate.userId === user.userId && candidate.client.connected && candidate.ws?.readyState === WebSocket.OPEN);
      runCounter += 1;
      device?.client.send({ type: "start_agent", request_id: `soak-${runCounter}`, agent_type: "soak", message: "Analyze my system performance" });
      driveTimer = scheduler.after(intervalMs, step);
    };
    step();
  }

  function start(startPlan: SoakClientPlan): void {
    plan = startPlan;
    random = xoroshiro128plus(startPlan.seed);
    for (const user of startPlan.users) {
      const url = new URL(startPlan.url);
      url.searchParams.set("token", user.token);
      baseUrls.set(user.userId, url.toString());
      for (let index = 0; index < user.devices; index += 1) devices.push(createDevice(user.userId, index));
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
      if (devices.every((device) => device.client.connected)) post({ kind: "quiesced" });
      else scheduler.after(50, poll);
    };
    poll();
  }

  function finish(heads: Record<string, number> | null, timeoutMs: number): void {
    drive(0);
    const headOf = new Map<string, number>();
    for (const device of devices) {
      const known = heads?.[device.userId] ?? Math.max(device.client.lastSeq, device.client.replayThroughSeq);
      headOf.set(device.userId, Math.max(headOf.get(device.userId) ?? 0, known));
    }
    const caughtUp = (device: Device) => device.client.connected && device.client.lastSeq >= (headOf.get(device.userId) ?? 0);
    const deadlineMs = clock.nowMs() + timeoutMs;
    const poll = () => {
      if (!devices.every(caughtUp) && clock.nowMs() < deadlineMs) {
        scheduler.after(50, poll);
        return;
      }
      stopping = true;
      tickTimer?.cancel();
      const verdict = checker.finish({ atMs: clock.nowMs(), requireRunsComplete: true });
      const violations = [...verdict.safety, ...verdict.liveness];
      let eventsExpected = 0;
      for (const device of devices) eventsExpected += Math.max(0, (headOf.get(device.userId) ?? 0) - (device.startSeq ?? 0));
      const { sampled, ...latency } = verdict.latencyMs;
      post({
        kind: "result",
        counts: {
          devices: devices.length,
          eventsExpected,
          eventsReceived: counts.eventsReceived,
          resyncs: counts.resyncs,
          forcedDrops: counts.forcedDrops,
          resumes: counts.resumes,
          upgradeRefusals: counts.upgradeRefusals,
          serverCloses: counts.serverCloses,
          devicesBehindAtEnd: devices.filter((device) => !caughtUp(device)).length,
          awayMsMax: counts.awayMsMax,
          resyncExamples: counts.resyncExamples,
          latencyMs: { ...latency, sampled },
          checker: {
            ok: verdict.ok,
            safety: verdict.safety.length + verdict.violationsNotStored.safety,
            liveness: verdict.liveness.length + verdict.violationsNotStored.liveness,
            violationsByClass: violationCountsByClass(violations),
            violationsNotStored: verdict.violationsNotStored.safety + verdict.violationsNotStored.liveness,
            firstViolations: violations.slice(0, EXAMPLES_MAX).map((violation) => violation.message),
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
          start(command.plan);
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
