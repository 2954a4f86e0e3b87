/**
 * The system side of the model-based test: the REAL connection manager and agent runtime
 * on virtual time (sim/core), in-memory sockets, and clients that track their resume
 * point the way the simulator's devices do. A restart replaces the manager (new epochs)
 * while the runtime keeps running, as in the simulator.
 */
import type { AgentEvent, AgentEventDraft, ClientFrame } from "../../protocol/frames.ts";
import { createConnectionManager, type ConnectionManager } from "../../server/manager/createConnectionManager.ts";
import { stampedAtOnce } from "../../server/manager/stampedAtOnce.ts";
import type { ManagerLimits } from "../../server/manager/managerLimits.ts";
import { agentScriptSchema } from "../../server/runtime/agentScript.ts";
import { createAgentRuntime, type AgentRuntime } from "../../server/runtime/createAgentRuntime.ts";
import type { PlantedBug } from "../../sim/bugZoo/PlantedBug.ts";
import { createRandom } from "../../sim/core/createRandom.ts";
import { createSimIdSource } from "../../sim/core/createSimIdSource.ts";
import { createVirtualTime, type VirtualTime } from "../../sim/core/createVirtualTime.ts";
import { createInMemorySocket, type InMemorySocket } from "./createInMemorySocket.ts";

/** Users of the model-based test, and their devices. */
export const MODEL_DEVICES = [
  { deviceId: "u1-d1", userId: "u1" },
  { deviceId: "u1-d2", userId: "u1" },
  { deviceId: "u2-d1", userId: "u2" },
  { deviceId: "u2-d2", userId: "u2" },
] as const;

/** Manager limits of the model-based test: a tiny replay buffer so overflows happen within a few commands. */
export const MODEL_LIMITS: Readonly<Pick<ManagerLimits, "replayEventsMax" | "messagesPerWindowMax" | "departedHoldMs" | "departedHeldPerUserMax">> = Object.freeze({
  replayEventsMax: 4,
  messagesPerWindowMax: 100_000,
  // Out of reach of any command sequence, so the model can say simply: a closed
  // connection's ack floor keeps holding its user's replay buffer.
  departedHoldMs: 24 * 3_600_000,
  departedHeldPerUserMax: 100_000,
});

/** The script every run of the model-based test plays (~1.7 s of virtual time, so a run can be cancelled mid-way). */
export const MODEL_SCRIPT_NAME = "model-script";
const MODEL_SCRIPT = agentScriptSchema.parse({
  name: MODEL_SCRIPT_NAME,
  agentType: "model",
  steps: [
    { kind: "think", content: "Planning.", durationMs: 500 },
    { kind: "tool", name: "lookup", args: { key: "k" }, durationMs: 1_000, result: "found" },
    { kind: "partial", content: "Half way.", delayMs: 0 },
    { kind: "think", content: "Wrapping up.", durationMs: 200 },
  ],
  finalResponse: "Done.",
});

/** One connection a client opened, in the order opened. */
export interface SystemConnection {
  readonly index: number;
  readonly deviceId: string;
  readonly userId: string;
  readonly socket: InMemorySocket;
}

/** What a client knows: its current connection and the resume point it would ask for. */
export interface SystemDevice {
  readonly deviceId: string;
  readonly userId: string;
  connection: SystemConnection | null;
  epoch: string | null;
  lastSeq: number;
  /** Frames of `connection` already read. */
  framesRead: number;
}

/** See the module comment. */
export interface ManagerSystem {
  readonly time: VirtualTime;
  readonly connections: readonly SystemConnection[];
  device(deviceId: string): SystemDevice;
  /** True while the device's current connection is open at both ends. */
  connected(deviceId: string): boolean;
  /** Opens a connection; `resume` true asks for the device's resume point (when it has one). Returns what it asked. */
  connect(deviceId: string, options: { resume: boolean }): { epoch: string; lastSeq: number } | undefined;
  disconnect(deviceId: string, code: number): void;
  send(deviceId: string, frame: ClientFrame): void;
  /** Publishes as the runtime does (every published event goes to `onPublished`). */
  publish(userId: string, draft: AgentEventDraft): void;
  /** The gateway restarts: the manager shuts down (1001) and a new one takes over. */
  restart(): void;
  advance(durationMs: number): void;
  failNextSend(deviceId: string): void;
  /** Receives every event the manager published, in order. */
  onPublished: ((event: AgentEvent) => void) | undefined;
}

/** Options of {@link createManagerSystem}. */
export interface ManagerSystemOptions {
  seed: number;
  plant?: PlantedBug;
}

/** Creates the system (see the module comment). */
export function createManagerSystem(options: ManagerSystemOptions): ManagerSystem {
  const root = createRandom(options.seed);
  const time = createVirtualTime({ startMs: 1_732_233_600_000 });
  const ids = createSimIdSource(root.fork("ids"));
  const connections: SystemConnection[] = [];
  const devices = new Map<string, SystemDevice>(
    MODEL_DEVICES.map(({ deviceId, userId }) => [deviceId, { deviceId, userId, connection: null, epoch: null, lastSeq: 0, framesRead: 0 }]),
  );
  const publishToManager = (userId: string, draft: AgentEventDraft) => {
    const event = stampedAtOnce(manager.publish(userId, draft));
    system.onPublished?.(event);
  };
  const runtime: AgentRuntime = createAgentRuntime({
    clock: time,
    scheduler: time,
    ids,
    publish: options.plant?.wrapPublish?.(publishToManager, { scheduler: time }) ?? publishToManager,
    scripts: new Map([[MODEL_SCRIPT_NAME, MODEL_SCRIPT]]),
    defaultScriptName: MODEL_SCRIPT_NAME,
  });
  const createManager = () =>
    createConnectionManager({
      clock: time,
      scheduler: time,
      ids,
      limits: MODEL_LIMITS,
      onCommand: (command) => runtime.handleCommand(command),
      ...(options.plant?.parts === undefined ? {} : { parts: options.plant.parts }),
    });
  let manager: ConnectionManager = createManager();

  const deviceOf = (deviceId: string): SystemDevice => {
    const device = devices.get(deviceId);
    if (device === undefined) throw new Error(`unknown model device ${deviceId}`);
    return device;
  };
  const isOpen = (connection: SystemConnection | null) =>
    connection !== null && connection.socket.client.closedByServer === null && connection.socket.client.closedByClient === null;

  /** Reads new frames the way the simulator's devices do: only a contiguous event moves the resume point. */
  const readFrames = () => {
    for (const device of devices.values()) {
      const received = device.connection?.socket.client.received ?? [];
      for (; device.framesRead < received.length; device.framesRead += 1) {
        const frame = received[device.framesRead] as { type?: unknown; epoch?: unknown; seq?: unknown; last_seq?: unknown; oldest_seq?: unknown };
        if (frame.type === "connected" && device.epoch === null) {
          device.epoch = String(frame.epoch);
          device.lastSeq = Number(frame.last_seq);
        } else if (frame.type === "resync_required") {
          device.epoch = String(frame.epoch);
          device.lastSeq = Number(frame.oldest_seq) - 1;
        } else if (typeof frame.seq === "number" && frame.epoch === device.epoch && frame.seq === device.lastSeq + 1) {
          device.lastSeq = frame.seq;
        }
      }
    }
  };
  const step = <T>(action: () => T): T => {
    const result = action();
    readFrames();
    return result;
  };

  const system: ManagerSystem = {
    time,
    connections,
    device: deviceOf,
    connected: (deviceId) => isOpen(deviceOf(deviceId).connection),
    connect: (deviceId, connectOptions) =>
      step(() => {
        const device = deviceOf(deviceId);
        if (!connectOptions.resume) {
          device.epoch = null;
          device.lastSeq = 0;
        }
        const resume = device.epoch === null ? undefined : { epoch: device.epoch, lastSeq: device.lastSeq };
        const socket = createInMemorySocket(time);
        const connection: SystemConnection = { index: connections.length, deviceId, userId: device.userId, socket };
        connections.push(connection);
        device.connection = connection;
        device.framesRead = 0;
        socket.bind(manager.accept(socket.port, { userId: device.userId }, resume));
        return resume;
      }),
    disconnect: (deviceId, code) => step(() => deviceOf(deviceId).connection?.socket.clientClose(code)),
    send: (deviceId, frame) => step(() => deviceOf(deviceId).connection?.socket.clientSend(JSON.stringify(frame))),
    publish: (userId, draft) => step(() => publishToManager(userId, draft)),
    restart: () =>
      step(() => {
        const old = manager;
        manager = createManager();
        old.shutdown("restart");
      }),
    advance: (durationMs) => step(() => time.runUntil(time.nowMs() + durationMs)),
    failNextSend: (deviceId) => {
      const connection = deviceOf(deviceId).connection;
      if (connection !== null) connection.socket.client.failSends += 1;
    },
    onPublished: undefined,
  };
  return system;
}
