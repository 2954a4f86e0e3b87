/**
 * The commands of the model-based test (fc.commands): connect, resume, disconnect, emit
 * (publish), ack, start a run, cancel, fail a send, let time pass, restart. Each runs on
 * the real system and on the model, then compares every connection's received frames and
 * close code with the model's ({@link compareWithModel}).
 */
import fc from "fast-check";
import type { AgentEvent, AgentEventDraft } from "../../protocol/frames.ts";
import { MODEL_DEVICES, type ManagerSystem } from "./createManagerSystem.ts";
import { ManagerModel, ModelMismatch, type ModelFrame } from "./ManagerModel.ts";

/** The real side: the system and the events it published during the current command. */
export interface ModelReal {
  readonly system: ManagerSystem;
  publishedDuringCommand: AgentEvent[];
}

/** A command of this test. Its toString has no comma: fast-check joins commands with commas. */
export type ManagerCommand = fc.Command<ManagerModel, ModelReal>;

const DEVICE_IDS = MODEL_DEVICES.map((device) => device.deviceId);
const USER_IDS = [...new Set(MODEL_DEVICES.map((device) => device.userId))];

function userOf(deviceId: string): string {
  return (MODEL_DEVICES.find((device) => device.deviceId === deviceId) as { userId: string }).userId;
}

/** Runs `action` on the system, then compares every connection with the model. */
function step(model: ManagerModel, real: ModelReal, action: () => void): void {
  real.publishedDuringCommand = [];
  action();
  compareWithModel(model, real.system);
}

class ConnectCommand implements ManagerCommand {
  constructor(readonly deviceId: string, readonly resume: boolean) {}
  check = (model: Readonly<ManagerModel>) => !model.connected(this.deviceId) && (!this.resume || model.hasPosition(this.deviceId));
  run(model: ManagerModel, real: ModelReal) {
    step(model, real, () => {
      const asked = real.system.connect(this.deviceId, { resume: this.resume });
      const connection = real.system.connections[real.system.connections.length - 1];
      const first = connection?.socket.client.received[0] as { type?: string; epoch?: string } | undefined;
      model.accept(this.deviceId, asked, first?.type === "connected" ? first.epoch : undefined);
    });
  }
  toString = () => `${this.resume ? "Resume" : "Connect"}(${this.deviceId})`;
}

class DisconnectCommand implements ManagerCommand {
  constructor(readonly deviceId: string, readonly code: 1000 | 1006) {}
  check = (model: Readonly<ManagerModel>) => model.connected(this.deviceId);
  run(model: ManagerModel, real: ModelReal) {
    step(model, real, () => {
      real.system.disconnect(this.deviceId, this.code);
      model.clientClosed(this.deviceId);
    });
  }
  toString = () => `Disconnect(${this.deviceId} code ${this.code})`;
}

/** Publishes `count` events straight to the manager (a burst can overflow the 4-event replay buffer in one command). */
class EmitCommand implements ManagerCommand {
  constructor(readonly userId: string, readonly type: "partial_result" | "agent_thinking", readonly count: number) {}
  check = () => true;
  run(model: ManagerModel, real: ModelReal) {
    const runId = `r-emitted-${this.userId}`;
    const draft: AgentEventDraft =
      this.type === "partial_result"
        ? { type: "partial_result", run_id: runId, data: { agent_id: "a-emitter", content: "An emitted partial result." } }
        : { type: "agent_thinking", run_id: runId, data: { agent_id: "a-emitter", thinking_content: "Emitted thinking.", step_number: 1 } };
    step(model, real, () => {
      for (let index = 0; index < this.count; index += 1) real.system.publish(this.userId, draft);
    });
  }
  toString = () => `Emit(${this.userId} ${this.count}× ${this.type})`;
}

class AckCommand implements ManagerCommand {
  constructor(readonly deviceId: string) {}
  check = (model: Readonly<ManagerModel>) => model.connected(this.deviceId);
  run(model: ManagerModel, real: ModelReal) {
    step(model, real, () => {
      const seq = real.system.device(this.deviceId).lastSeq;
      real.system.send(this.deviceId, { type: "ack", seq });
      model.ack(this.deviceId, seq);
    });
  }
  toString = () => `Ack(${this.deviceId})`;
}

class StartRunCommand implements ManagerCommand {
  constructor(readonly deviceId: string, readonly request: number) {}
  check = (model: Readonly<ManagerModel>) => model.connected(this.deviceId);
  run(model: ManagerModel, real: ModelReal) {
    const userId = userOf(this.deviceId);
    const requestId = `q-${this.request}`;
    step(model, real, () => {
      const repeated = model.requestUsed(userId, requestId);
      real.system.send(this.deviceId, { type: "start_agent", request_id: requestId, agent_type: "model", message: "Model run." });
      model.useRequest(userId, requestId);
      const started = real.publishedDuringCommand.filter((event) => event.type === "agent_started");
      const wanted = repeated ? 0 : 1;
      if (started.length !== wanted || started.some((event) => event.user_id !== userId)) {
        throw new ModelMismatch(`start_agent ${requestId} from ${this.deviceId} (${repeated ? "a repeated request_id" : "a new request_id"}) started ${started.length} run(s) [${started.map((event) => `${event.run_id} of ${event.user_id}`).join(", ")}]; expected ${wanted} of ${userId}`);
      }
    });
  }
  toString = () => `StartRun(${this.deviceId} q-${this.request})`;
}

class CancelCommand implements ManagerCommand {
  constructor(readonly deviceId: string, readonly pick: number) {}
  check = (model: Readonly<ManagerModel>) => model.connected(this.deviceId);
  run(model: ManagerModel, real: ModelReal) {
    const userId = userOf(this.deviceId);
    const runId = model.knownRuns.length === 0 ? "r-unknown" : (model.knownRuns[this.pick % model.knownRuns.length] as string);
    step(model, real, () => {
      const ownActive = model.activeRuns(userId).has(runId);
      real.system.send(this.deviceId, { type: "cancel", run_id: runId });
      const completions = real.publishedDuringCommand.filter((event) => event.type === "agent_completed");
      if (ownActive) {
        const cancelled = completions.filter((event) => event.run_id === runId && event.user_id === userId && event.data.status === "cancelled");
        if (cancelled.length !== 1) throw new ModelMismatch(`cancel of ${userId}'s active run ${runId} did not complete it once with status cancelled`);
        return;
      }
      if (real.publishedDuringCommand.length > 0) {
        throw new ModelMismatch(`cancel of ${runId} (not an active run of ${userId}) published ${real.publishedDuringCommand.map((event) => `${event.type} of ${event.user_id}`).join(", ")}`);
      }
      model.refused(this.deviceId, "bad_field");
    });
  }
  toString = () => `Cancel(${this.deviceId} known-run-${this.pick})`;
}

class FailNextSendCommand implements ManagerCommand {
  constructor(readonly deviceId: string) {}
  check = (model: Readonly<ManagerModel>) => model.connected(this.deviceId);
  run(model: ManagerModel, real: ModelReal) {
    step(model, real, () => {
      real.system.failNextSend(this.deviceId);
      model.failNextSend(this.deviceId);
    });
  }
  toString = () => `FailNextSend(${this.deviceId})`;
}

class AdvanceCommand implements ManagerCommand {
  constructor(readonly durationMs: number) {}
  check = () => true;
  run(model: ManagerModel, real: ModelReal) {
    step(model, real, () => real.system.advance(this.durationMs));
  }
  toString = () => `Advance(${this.durationMs} ms)`;
}

class RestartCommand implements ManagerCommand {
  check = () => true;
  run(model: ManagerModel, real: ModelReal) {
    step(model, real, () => {
      real.system.restart();
      model.restart();
    });
  }
  toString = () => "Restart()";
}

/** Commands per run at most (the CI budget; shrinking removes what is not needed). */
export const MODEL_COMMANDS_MAX = 40;

/**
 * The command sequences of the model-based test. Commands listed first are the ones
 * shrinking keeps. `replayPath` (printed with a counterexample) replays one exactly.
 */
export function managerCommandsArbitrary(replayPath?: string): fc.Arbitrary<Iterable<ManagerCommand>> {
  const device = fc.constantFrom(...DEVICE_IDS);
  return fc.commands<ManagerModel, ModelReal>(
    [
      device.map((deviceId) => new ConnectCommand(deviceId, false)),
      device.map((deviceId) => new ConnectCommand(deviceId, true)),
      fc
        .tuple(fc.constantFrom(...USER_IDS), fc.constantFrom("partial_result" as const, "agent_thinking" as const), fc.integer({ min: 1, max: 6 }))
        .map(([userId, type, count]) => new EmitCommand(userId, type, count)),
      fc.tuple(device, fc.constantFrom(1000 as const, 1006 as const)).map(([deviceId, code]) => new DisconnectCommand(deviceId, code)),
      device.map((deviceId) => new AckCommand(deviceId)),
      fc.tuple(device, fc.nat({ max: 3 })).map(([deviceId, request]) => new StartRunCommand(deviceId, request)),
      fc.tuple(device, fc.nat({ max: 7 })).map(([deviceId, pick]) => new CancelCommand(deviceId, pick)),
      fc.integer({ min: 1, max: 2_000 }).map((durationMs) => new AdvanceCommand(durationMs)),
      device.map((deviceId) => new FailNextSendCommand(deviceId)),
      fc.constant(new RestartCommand()),
    ],
    { maxCommands: MODEL_COMMANDS_MAX, size: "max", ...(replayPath === undefined ? {} : { replayPath }) },
  );
}

/** Compares every connection's received frames and server close code with the model's. Throws {@link ModelMismatch}. */
export function compareWithModel(model: ManagerModel, system: ManagerSystem): void {
  if (model.connections.length !== system.connections.length) {
    throw new ModelMismatch(`the system has ${system.connections.length} connection(s), the model ${model.connections.length}`);
  }
  for (const expected of model.connections) {
    const actual = system.connections[expected.index] as ManagerSystem["connections"][number];
    const subject = `connection #${expected.index + 1} (${expected.deviceId})`;
    const received = actual.socket.client.received.map(projectFrame);
    const length = Math.max(received.length, expected.expected.length);
    for (let index = 0; index < length; index += 1) {
      const got = received[index];
      const want = expected.expected[index];
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        throw new ModelMismatch(
          `${subject}, frame ${index + 1}: received ${got === undefined ? "nothing" : JSON.stringify(got)}, the model expected ${want === undefined ? "nothing" : JSON.stringify(want)} (received so far: ${received.map(shortFrame).join(" ")}; expected: ${expected.expected.map(shortFrame).join(" ")})`,
        );
      }
    }
    if (actual.socket.client.closedByServer !== expected.serverClose) {
      throw new ModelMismatch(`${subject}: the server closed it with ${actual.socket.client.closedByServer ?? "nothing"}, the model expected ${expected.serverClose ?? "nothing"}`);
    }
  }
}

/** The fields the protocol fixes, in a fixed key order so JSON text compares. */
function projectFrame(value: unknown): ModelFrame {
  const frame = value as Record<string, unknown>;
  switch (frame.type) {
    case "connected":
      return { type: "connected", user_id: frame.user_id as string, epoch: frame.epoch as string, last_seq: frame.last_seq as number };
    case "resync_required":
      return { type: "resync_required", epoch: frame.epoch as string, oldest_seq: frame.oldest_seq as number, last_seq: frame.last_seq as number };
    case "protocol_error":
      return { type: "protocol_error", code: frame.code as string };
    default:
      return { type: frame.type as string, seq: frame.seq as number, epoch: frame.epoch as string, run_id: frame.run_id as string, user_id: frame.user_id as string };
  }
}

function shortFrame(frame: ModelFrame): string {
  if ("seq" in frame) return `${frame.seq}${frame.user_id === undefined ? "" : `/${frame.user_id}`}`;
  if (frame.type === "connected" && "last_seq" in frame) return `connected(${frame.last_seq})`;
  if (frame.type === "resync_required" && "oldest_seq" in frame) return `resync(${frame.oldest_seq}..${frame.last_seq})`;
  return frame.type;
}
