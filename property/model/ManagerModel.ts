/**
 * The model of the model-based test: per user, the expected stream (epoch, events, what
 * the replay buffer still holds) and, per connection, the exact frames it must have
 * received and how it must have closed. It is written from docs/protocol.md and the manager's
 * documented limits, never from the manager's code: connected first, then a lossless
 * replay or resync_required and what is held, then every live event; acks trim the
 * buffer to the slowest connection of the user's current generation, open or closed
 * (a closed connection's ack floor keeps holding: ManagerLimits.departedHoldMs, set out
 * of the model's reach in MODEL_LIMITS); `replayEventsMax` evicts the oldest; a failed
 * send closes the connection with 1011; a restart closes with 1001 and starts new epochs.
 *
 * What the model cannot predict it learns, and checks: a new epoch's name (it must be one
 * the user never had) and the events the runtime publishes (their seq must be the next).
 */
import type { AgentEvent } from "../../protocol/frames.ts";
import { CLOSE_CODES } from "../../protocol/limits.ts";
import { MODEL_DEVICES, MODEL_LIMITS } from "./createManagerSystem.ts";

/** A frame as the model compares it (only the fields the protocol fixes). */
export type ModelFrame =
  | { type: "connected"; user_id: string; epoch: string; last_seq: number }
  | { type: "resync_required"; epoch: string; oldest_seq: number; last_seq: number }
  | { type: "protocol_error"; code: string }
  | { type: string; seq: number; epoch: string; run_id: string; user_id: string };

/** One user's stream in the current server generation. */
interface ModelStream {
  /** Undefined until the current manager created the stream (learned from the system). */
  epoch: string | undefined;
  readonly epochsSeen: Set<string>;
  /** Every event of the current epoch; seq = index + 1. */
  events: Array<{ seq: number; type: string; runId: string }>;
  /** Oldest seq the replay buffer holds (head + 1 when it holds none). */
  oldestSeq: number;
}

/** One connection, in the order connections opened. */
export interface ModelConnection {
  readonly index: number;
  readonly deviceId: string;
  readonly userId: string;
  open: boolean;
  ackedSeq: number;
  readonly expected: ModelFrame[];
  /** Close code the server must have sent, or null. */
  serverClose: number | null;
  /** Sends the system will fail on this connection. */
  failSends: number;
  /** The server generation (restarts so far) the connection belongs to. */
  readonly generation: number;
}

/** See the module comment. */
export class ManagerModel {
  readonly connections: ModelConnection[] = [];
  readonly #streams = new Map<string, ModelStream>();
  readonly #currentConnection = new Map<string, ModelConnection>();
  /** Devices that ever received a connected frame (they have a resume point). */
  readonly #devicesWithPosition = new Set<string>();
  /** Runs started and not completed, per user. */
  readonly #activeRuns = new Map<string, Set<string>>();
  /** Every run id the model saw, in order (cancel commands pick from it, across users). */
  readonly knownRuns: string[] = [];
  readonly #requestIds = new Set<string>();
  /** Restarts so far. */
  #generation = 0;

  constructor() {
    for (const { userId } of MODEL_DEVICES) this.#streams.set(userId, { epoch: undefined, epochsSeen: new Set(), events: [], oldestSeq: 1 });
  }

  /** True while the device's current connection is open. */
  connected(deviceId: string): boolean {
    return this.#currentConnection.get(deviceId)?.open === true;
  }

  /** True once the device had a connected frame (it can resume). */
  hasPosition(deviceId: string): boolean {
    return this.#devicesWithPosition.has(deviceId);
  }

  /** The runs of `userId` that started and did not complete. */
  activeRuns(userId: string): ReadonlySet<string> {
    return this.#activeRuns.get(userId) ?? new Set();
  }

  /** True when `requestId` (per user) was already used. */
  requestUsed(userId: string, requestId: string): boolean {
    return this.#requestIds.has(`${userId}\u0000${requestId}`);
  }

  /** Notes a start_agent's request id. */
  useRequest(userId: string, requestId: string): void {
    this.#requestIds.add(`${userId}\u0000${requestId}`);
  }

  /**
   * A connection opens. `resume` is what the client asked; `connectedEpoch` is the epoch of
   * the connected frame the system sent (used only when the stream is new to this manager).
   */
  accept(deviceId: string, resume: { epoch: string; lastSeq: number } | undefined, connectedEpoch: string | undefined): void {
    const userId = userOf(deviceId);
    const stream = this.#stream(userId);
    if (stream.epoch === undefined) this.#learnEpoch(userId, stream, connectedEpoch);
    const epoch = stream.epoch as string;
    const head = stream.events.length;
    const connection: ModelConnection = { index: this.connections.length, deviceId, userId, open: true, ackedSeq: head, expected: [], serverClose: null, failSends: 0, generation: this.#generation };
    this.connections.push(connection);
    this.#currentConnection.set(deviceId, connection);
    this.#deliver(connection, { type: "connected", user_id: userId, epoch, last_seq: head });
    if (!connection.open) return;
    this.#devicesWithPosition.add(deviceId);
    if (resume === undefined) return;
    const lossless = resume.epoch === epoch && resume.lastSeq <= head && resume.lastSeq >= stream.oldestSeq - 1;
    const fromSeq = lossless ? resume.lastSeq : stream.oldestSeq - 1;
    if (!lossless) this.#deliver(connection, { type: "resync_required", epoch, oldest_seq: stream.oldestSeq, last_seq: head });
    connection.ackedSeq = fromSeq;
    for (const event of stream.events.slice(fromSeq)) this.#deliver(connection, eventFrame(userId, epoch, event));
  }

  /** The client closed its connection. */
  clientClosed(deviceId: string): void {
    const connection = this.#currentConnection.get(deviceId);
    if (connection !== undefined) connection.open = false;
  }

  /** The system published `event`: it must be the next seq of the user's stream; every open connection gets it. */
  published(event: AgentEvent): void {
    const stream = this.#stream(event.user_id);
    if (stream.epoch === undefined) this.#learnEpoch(event.user_id, stream, event.epoch);
    const expectedSeq = stream.events.length + 1;
    if (event.epoch !== stream.epoch || event.seq !== expectedSeq) {
      throw new ModelMismatch(`the manager stamped ${event.type} of ${event.user_id} as seq ${event.seq} of epoch ${event.epoch}; the model expected seq ${expectedSeq} of epoch ${stream.epoch ?? "?"}`);
    }
    stream.events.push({ seq: event.seq, type: event.type, runId: event.run_id });
    const held = stream.events.length - stream.oldestSeq + 1;
    if (held > MODEL_LIMITS.replayEventsMax) stream.oldestSeq += held - MODEL_LIMITS.replayEventsMax;
    this.#noteRun(event);
    for (const connection of this.connections) {
      if (connection.open && connection.userId === event.user_id) this.#deliver(connection, eventFrame(event.user_id, event.epoch, stream.events[stream.events.length - 1] as { seq: number; type: string; runId: string }));
    }
  }

  /** The device acked `seq`: the buffer is trimmed to the slowest connection of this generation (open or closed), or a too-high ack is refused. */
  ack(deviceId: string, seq: number): void {
    const connection = this.#currentConnection.get(deviceId);
    if (connection === undefined || !connection.open) return;
    const stream = this.#stream(connection.userId);
    const head = stream.events.length;
    if (seq > head) {
      this.#deliver(connection, { type: "protocol_error", code: "bad_field" });
      return;
    }
    connection.ackedSeq = Math.max(connection.ackedSeq, seq);
    const holders = this.connections.filter((other) => other.userId === connection.userId && other.generation === this.#generation);
    const floor = Math.min(...holders.map((other) => other.ackedSeq));
    stream.oldestSeq = Math.max(stream.oldestSeq, Math.min(floor, head) + 1);
  }

  /** The device sent a frame the server answers with a protocol error (e.g. a cancel of a run it does not own). */
  refused(deviceId: string, code: string): void {
    const connection = this.#currentConnection.get(deviceId);
    if (connection !== undefined && connection.open) this.#deliver(connection, { type: "protocol_error", code });
  }

  /** The next send on the device's connection fails. */
  failNextSend(deviceId: string): void {
    const connection = this.#currentConnection.get(deviceId);
    if (connection !== undefined && connection.open) connection.failSends += 1;
  }

  /** The gateway restarts: every open connection is closed with 1001; every stream starts over in a new epoch. */
  restart(): void {
    this.#generation += 1;
    for (const connection of this.connections) {
      if (!connection.open) continue;
      connection.open = false;
      connection.serverClose = CLOSE_CODES.goingAway;
    }
    for (const stream of this.#streams.values()) {
      stream.epoch = undefined;
      stream.events = [];
      stream.oldestSeq = 1;
    }
  }

  #stream(userId: string): ModelStream {
    const stream = this.#streams.get(userId);
    if (stream === undefined) throw new ModelMismatch(`an event or connection of unknown user ${userId}`);
    return stream;
  }

  #learnEpoch(userId: string, stream: ModelStream, epoch: string | undefined): void {
    if (epoch === undefined) throw new ModelMismatch(`user ${userId}: the manager created a stream the model could not see the epoch of`);
    if (stream.epochsSeen.has(epoch)) throw new ModelMismatch(`user ${userId}: the new stream reuses epoch ${epoch} from before a restart`);
    stream.epoch = epoch;
    stream.epochsSeen.add(epoch);
  }

  #noteRun(event: AgentEvent): void {
    let active = this.#activeRuns.get(event.user_id);
    if (active === undefined) {
      active = new Set();
      this.#activeRuns.set(event.user_id, active);
    }
    if (event.type === "agent_started" && !this.knownRuns.includes(event.run_id)) {
      this.knownRuns.push(event.run_id);
      active.add(event.run_id);
    }
    if (event.type === "agent_completed") active.delete(event.run_id);
  }

  /** Writes a frame to a connection, or, when the system was told to fail it, closes the connection with 1011. */
  #deliver(connection: ModelConnection, frame: ModelFrame): void {
    if (!connection.open) return;
    if (connection.failSends > 0) {
      connection.failSends -= 1;
      connection.open = false;
      connection.serverClose = CLOSE_CODES.internalError;
      return;
    }
    connection.expected.push(frame);
  }
}

/** The system did something the model did not expect. */
export class ModelMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelMismatch";
  }
}

function userOf(deviceId: string): string {
  const device = MODEL_DEVICES.find((candidate) => candidate.deviceId === deviceId);
  if (device === undefined) throw new ModelMismatch(`unknown device ${deviceId}`);
  return device.userId;
}

function eventFrame(userId: string, epoch: string, event: { seq: number; type: string; runId: string }): ModelFrame {
  return { type: event.type, seq: event.seq, epoch, run_id: event.runId, user_id: userId };
}
