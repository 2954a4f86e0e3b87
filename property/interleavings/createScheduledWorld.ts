/**
 * A small world for fc.scheduler: the REAL manager and runtime on virtual time, simulated
 * client devices (sim/createSimDevice.ts, feeding the shared checker), and every async
 * boundary of the manager handed to fast-check's scheduler, which picks the order:
 *
 * - runtime → manager publish (a per-user FIFO hop, like a message bus between them);
 * - server → client frames and close (per connection FIFO, close after the frames ahead);
 * - client → server frames and close (per connection FIFO);
 * - the upgrade that hands a new socket to `manager.accept`;
 * - a gateway restart (shutdown, new manager) when a race asks for one.
 *
 * Per channel order is kept (each task delivers its channel's head); across channels
 * fast-check chooses, and shrinks the choice to the simplest order that still fails.
 */
import type fc from "fast-check";
import { createChecker } from "../../protocol/checker/createChecker.ts";
import type { Checker } from "../../protocol/checker/Checker.ts";
import type { AgentEventDraft } from "../../protocol/frames.ts";
import { createConnectionManager, type ConnectionHandlers, type ConnectionManager } from "../../server/manager/createConnectionManager.ts";
import { stampedAtOnce } from "../../server/manager/stampedAtOnce.ts";
import type { ManagerLimits } from "../../server/manager/managerLimits.ts";
import { agentScriptSchema, type AgentScriptInput } from "../../server/runtime/agentScript.ts";
import { createAgentRuntime, type AgentRuntime } from "../../server/runtime/createAgentRuntime.ts";
import { SocketSendError, type SocketPort } from "../../server/ports/socketPort.ts";
import type { PlantedBug } from "../../sim/bugZoo/PlantedBug.ts";
import { createRandom } from "../../sim/core/createRandom.ts";
import { createSimIdSource } from "../../sim/core/createSimIdSource.ts";
import { createVirtualTime, type VirtualTime } from "../../sim/core/createVirtualTime.ts";
import { createSimDevice, type SimDevice, type SimDeviceHost } from "../../sim/createSimDevice.ts";

/** Options of {@link createScheduledWorld}. */
export interface ScheduledWorldOptions {
  /** Seed of the world's ids and devices (fixed per case: the scheduler is the only thing drawn). */
  seed: number;
  /** Devices per user; users are `u1`, `u2`… */
  devicesPerUser: readonly number[];
  /** The script every run plays. */
  script: AgentScriptInput;
  limits?: Partial<ManagerLimits>;
  plant?: PlantedBug;
  /** Delay before a device reconnects after a close, ms of virtual time. */
  reconnectDelayMs: number;
}

/** What the race scripts drive, and what the judge reads. */
export interface ScheduledWorld {
  readonly time: VirtualTime;
  readonly checker: Checker;
  readonly devices: readonly SimDevice[];
  readonly runtime: AgentRuntime;
  readonly emitted: Array<{ userId: string; epoch: string; seq: number; runId: string; type: string }>;
  /** Errors thrown by the system under test inside scheduled tasks (a crash). */
  readonly crashes: string[];
  device(deviceId: string): SimDevice;
  manager(): ConnectionManager;
  /** A device asks for a run (re-sent on reconnect until it started, like the simulator's devices). */
  requestRun(deviceId: string, requestId: string): void;
  /**
   * Schedules a gateway restart as one task: a new manager (new epochs) takes over.
   * `graceful`: the old one shuts down (1001 after the frames ahead); otherwise the
   * process died: frames not yet delivered are lost and clients see 1006.
   */
  scheduleRestart(options: { graceful: boolean }): void;
  /** Schedules `action` as one task (for races a script sets up). */
  scheduleTask(label: string, action: () => void): void;
  /**
   * Runs the world for `forMs` of virtual time or until nothing is left: fast-check
   * interleaves every pending task with the clock's ticks. Bounded by `iterationsMax` ticks.
   */
  settle(options: { forMs: number; iterationsMax?: number }): Promise<void>;
  /** Devices not caught up with their user's stream head (connected, same epoch, same seq), described. */
  devicesBehind(): string[];
}

/** A queue drained by scheduled tasks, one head per task: order within a channel is kept. */
function createChannel<T>(scheduler: fc.Scheduler, label: string, deliver: (item: T) => void, onCrash: (error: unknown) => void) {
  const queue: T[] = [];
  return (item: T) => {
    queue.push(item);
    scheduler
      .schedule(Promise.resolve(label), label)
      .then(() => {
        const head = queue.shift();
        if (head !== undefined) deliver(head);
      })
      .catch(onCrash);
  };
}

type ServerToClient = { kind: "frame"; text: string } | { kind: "close"; code: number };
type ClientToServer = { kind: "frame"; text: string } | { kind: "close"; code: number } | { kind: "pong" };

/** See the module comment. */
export function createScheduledWorld(scheduler: fc.Scheduler, options: ScheduledWorldOptions): ScheduledWorld {
  const root = createRandom(options.seed);
  const time = createVirtualTime({ startMs: 1_732_233_600_000 });
  const ids = createSimIdSource(root.fork("ids"));
  const script = agentScriptSchema.parse(options.script);
  const crashes: string[] = [];
  const onCrash = (error: unknown) => crashes.push(error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ""}` : String(error));
  const emitted: ScheduledWorld["emitted"] = [];
  const devices: SimDevice[] = [];
  const requestDevices = new Map<string, SimDevice[]>();
  const checker = createChecker({});

  const publishChannels = new Map<string, (draft: AgentEventDraft) => void>();
  const publishToManager = (userId: string, draft: AgentEventDraft) => {
    let channel = publishChannels.get(userId);
    if (channel === undefined) {
      channel = createChannel<AgentEventDraft>(scheduler, `publish ${userId}`, (queued) => {
        const event = stampedAtOnce(manager.publish(userId, queued));
        emitted.push({ userId, epoch: event.epoch, seq: event.seq, runId: event.run_id, type: event.type });
      }, onCrash);
      publishChannels.set(userId, channel);
    }
    channel(draft);
  };
  const runtime = createAgentRuntime({
    clock: time,
    scheduler: time,
    ids,
    publish: options.plant?.wrapPublish?.(publishToManager, { scheduler: time }) ?? publishToManager,
    scripts: new Map([[script.name, script]]),
    defaultScriptName: script.name,
    onRunStarted: ({ requestId }) => {
      for (const device of requestDevices.get(requestId) ?? []) device.requestStarted(requestId);
    },
  });
  const createManager = () =>
    createConnectionManager({
      clock: time,
      scheduler: time,
      ids,
      ...(options.limits === undefined ? {} : { limits: options.limits }),
      onCommand: (command) => runtime.handleCommand(command),
      ...(options.plant?.parts === undefined ? {} : { parts: options.plant.parts }),
    });
  let manager = createManager();

  /** Both directions of one connection. */
  interface Link {
    toClient: (item: ServerToClient) => void;
    toServer: (item: ClientToServer) => void;
    clientOpen: boolean;
    /** The server process behind it died: undelivered frames are lost. */
    severed: boolean;
    /** The manager generation that accepted it. */
    generation: number;
  }
  const links = new Map<string, Link>();
  let generation = 0;

  const host: SimDeviceHost = {
    nowMs: () => time.nowMs(),
    after: (delayMs, callback) => {
      time.after(delayMs, callback);
    },
    openSocket: (device, connectionId, resume) => {
      checker.connectionOpened({
        connectionId,
        deviceId: device.deviceId,
        userId: device.userId,
        atMs: time.nowMs(),
        ...(resume === undefined ? {} : { resume: { epoch: resume.epoch, lastSeq: resume.last_seq } }),
      });
      let handlers: ConnectionHandlers | null = null;
      let serverOpen = true;
      const link: Link = {
        clientOpen: true,
        severed: false,
        generation,
        toClient: createChannel<ServerToClient>(scheduler, `to ${connectionId}`, (item) => {
          if (!link.clientOpen) return;
          if (item.kind === "frame") {
            if (link.severed) return;
            device.socketOnMessage(connectionId, item.text);
            return;
          }
          link.clientOpen = false;
          device.socketOnClose(connectionId, item.code);
        }, onCrash),
        toServer: createChannel<ClientToServer>(scheduler, `from ${connectionId}`, (item) => {
          if (handlers === null || link.severed) return;
          if (item.kind === "frame") handlers.socketOnMessage(item.text);
          else if (item.kind === "pong") handlers.socketOnPong();
          else {
            serverOpen = false;
            handlers.socketOnClose(item.code);
          }
        }, onCrash),
      };
      links.set(connectionId, link);
      const port: SocketPort = {
        send(text) {
          if (!serverOpen) throw new SocketSendError("closed", "the socket is closed");
          link.toClient({ kind: "frame", text });
        },
        bufferedBytes: () => 0,
        ping() {
          if (serverOpen) link.toServer({ kind: "pong" });
        },
        close(code) {
          if (!serverOpen) return;
          serverOpen = false;
          link.toClient({ kind: "close", code });
        },
      };
      // The upgrade completes asynchronously: accept races whatever else is scheduled.
      scheduler
        .schedule(Promise.resolve(`accept ${connectionId}`), `accept ${connectionId}`)
        .then(() => {
          link.generation = generation;
          handlers = manager.accept(port, { userId: device.userId }, resume === undefined ? undefined : { epoch: resume.epoch, lastSeq: resume.last_seq });
        })
        .catch(onCrash);
      return true;
    },
    sendText: (connectionId, text) => links.get(connectionId)?.toServer({ kind: "frame", text }),
    closeSocket: (connectionId, code) => {
      const link = links.get(connectionId);
      if (link === undefined) return;
      link.clientOpen = false;
      link.toServer({ kind: "close", code });
    },
    trace: () => {},
    checker,
    // Devices keep reconnecting for the whole case; settle() bounds how long it runs.
    stopped: () => false,
  };

  options.devicesPerUser.forEach((count, userIndex) => {
    const userId = `u${userIndex + 1}`;
    for (let deviceIndex = 0; deviceIndex < count; deviceIndex += 1) {
      const deviceId = `${userId}-d${deviceIndex + 1}`;
      const device = createSimDevice(host, {
        userId,
        deviceId,
        ackEveryEvents: 3,
        reconnectDelayMs: () => options.reconnectDelayMs,
      });
      devices.push(device);
    }
  });

  const deviceOf = (deviceId: string): SimDevice => {
    const device = devices.find((candidate) => candidate.deviceId === deviceId);
    if (device === undefined) throw new Error(`unknown device ${deviceId}`);
    return device;
  };

  return {
    time,
    checker,
    devices,
    runtime,
    emitted,
    crashes,
    device: deviceOf,
    manager: () => manager,
    requestRun(deviceId, requestId) {
      const device = deviceOf(deviceId);
      requestDevices.set(requestId, [...(requestDevices.get(requestId) ?? []), device]);
      device.requestRun({ type: "start_agent", request_id: requestId, agent_type: "race", message: `Race ${requestId}` });
    },
    scheduleRestart({ graceful }) {
      scheduler
        .schedule(Promise.resolve(graceful ? "restart (graceful)" : "restart (crash)"), graceful ? "restart (graceful)" : "restart (crash)")
        .then(() => {
          const old = manager;
          const oldGeneration = generation;
          generation += 1;
          manager = createManager();
          if (!graceful) {
            for (const link of links.values()) {
              if (link.generation !== oldGeneration || link.severed) continue;
              link.severed = true;
              link.toClient({ kind: "close", code: 1006 });
            }
          }
          old.shutdown("restart");
        })
        .catch(onCrash);
    },
    scheduleTask(label, action) {
      scheduler.schedule(Promise.resolve(label), label).then(action).catch(onCrash);
    },
    async settle({ forMs, iterationsMax = 100_000 }) {
      // Time itself is a scheduled task: fast-check decides whether the clock moves before a
      // frame is delivered, so frames stay in flight while runs go on (and a reconnect can
      // find frames it never received). The clock stops once nothing is due before the
      // horizon and no other task is pending.
      const untilMs = time.nowMs() + forMs;
      let iterations = 0;
      const tick = () => {
        scheduler
          .schedule(Promise.resolve("clock"), "clock")
          .then(() => {
            iterations += 1;
            if (iterations > iterationsMax) throw new Error(`the world did not settle within ${iterationsMax} clock ticks`);
            const nextMs = time.nextDueMs();
            const due = nextMs !== undefined && nextMs <= untilMs;
            if (!due && scheduler.count() === 0) return;
            if (due) time.runUntil(nextMs);
            tick();
          })
          .catch(onCrash);
      };
      tick();
      await scheduler.waitIdle();
    },
    devicesBehind() {
      return devices.flatMap((device) => {
        const position = device.position();
        const head = manager.streamHead(device.userId);
        if (position.connected && head !== undefined && position.epoch === head.epoch && position.lastSeq === head.lastSeq) return [];
        return [`${device.deviceId} at ${JSON.stringify(position)} vs server ${JSON.stringify(head ?? null)}`];
      });
    },
  };
}

