/**
 * One deterministic simulation: the real connection manager and agent runtime on
 * virtual time and a simulated network, driven by a scenario and one seed, with
 * seeded faults, every frame checked by the shared invariant checker.
 *
 * Order of a run (turmoil/VOPR style): the seed builds one PRNG, forked per subsystem
 * (network, faults, agents, users, ids) so an extra draw in one never shifts another;
 * a fault phase, then faults heal and a liveness phase requires every run to finish
 * and every device to catch up within `budgets.settleMs`.
 */
import type { Checker } from "../protocol/checker/Checker.ts";
import { createChecker } from "../protocol/checker/createChecker.ts";
import type { CheckerVerdict } from "../protocol/checker/CheckerVerdict.ts";
import type { AgentEventDraft } from "../protocol/frames.ts";
import { createConnectionManager, type ConnectionManager } from "../server/manager/createConnectionManager.ts";
import type { ManagerLimits } from "../server/manager/managerLimits.ts";
import { agentScriptSchema, type AgentScript } from "../server/runtime/agentScript.ts";
import { createAgentRuntime } from "../server/runtime/createAgentRuntime.ts";
import { DEFAULT_SCRIPTS } from "../server/runtime/defaultScripts.ts";
import type { PlantedBug } from "./bugZoo/PlantedBug.ts";
import { createRandom, type SimRandom } from "./core/createRandom.ts";
import { createSimIdSource } from "./core/createSimIdSource.ts";
import { createSimNetwork, type SimClientSocket, type SimNetwork } from "./core/createSimNetwork.ts";
import { createVirtualTime } from "./core/createVirtualTime.ts";
import { createSimDevice, type SimDevice, type SimDeviceHost } from "./createSimDevice.ts";
import { drawFaultPlan } from "./faults/drawFaultPlan.ts";
import type { FaultPlan } from "./faults/FaultPlan.ts";
import type { Scenario, ScheduledFault } from "./scenario/scenarioSchema.ts";

/** Virtual start time: 2024-11-22T00:00:00Z, so event `ts` values read like real ones. */
export const SIM_START_MS = 1_732_233_600_000;

/** How a simulation ended. */
export type SimOutcome = "pass" | "safety" | "liveness" | "crash";

/** Options of {@link runSimulation}. */
export interface SimulationOptions {
  seed: number;
  /** A bug zoo entry: broken parts injected into the manager or runtime. */
  plant?: PlantedBug;
  /** Called with every trace line, already serialized (one JSON object, no newline). */
  onTraceLine?: (line: string) => void;
}

/** What one simulation produced: data first; formatting lives in formatReport.ts. */
export interface SimulationResult {
  seed: number;
  scenario: string;
  plant: string | null;
  outcome: SimOutcome;
  crash: string | null;
  faultPlan: FaultPlan;
  verdict: CheckerVerdict | null;
  simTimeMs: number;
  totals: {
    users: number;
    devices: number;
    runsRequested: number;
    runsStarted: number;
    runsCompleted: number;
    eventsEmitted: number;
    framesDelivered: number;
    faults: Record<string, number>;
    restarts: number;
  };
  /** Per user: notable moments (run start/end, faults, resyncs), virtual ms from the start. */
  timeline: Record<string, Array<{ t: number; what: string }>>;
  /** Why liveness failed, when it did. */
  livenessReason: string | null;
}

/** Bound on virtual-time steps per simulation: a runaway loop is a crash, not a hang. */
export const SIM_STEPS_MAX = 20_000_000;

interface RunRequest {
  userId: string;
  requestId: string;
  device: SimDevice;
  scriptName: string;
  runId: string | null;
  completed: boolean;
}

/** Runs `scenario` with `options.seed`; never throws for a failure of the system under test (that is `crash`). */
export function runSimulation(scenario: Scenario, options: SimulationOptions): SimulationResult {
  const root = createRandom(options.seed);
  const time = createVirtualTime({ startMs: SIM_START_MS });
  const faultPlan =
    typeof scenario.faults === "object" ? (scenario.faults as FaultPlan) : drawFaultPlan(root.fork("fault-plan"), scenario.faults);
  const faultRandom = root.fork("faults");
  const agentRandom = root.fork("agents");
  const userRandom = root.fork("users");
  const ids = createSimIdSource(root.fork("ids"));
  const faultCounts: Record<string, number> = {};
  const timeline: Record<string, Array<{ t: number; what: string }>> = {};
  const emitted: Array<{ userId: string; epoch: string; seq: number; runId: string; type: string }> = [];
  const requests = new Map<string, RunRequest>();
  const devices: SimDevice[] = [];
  const devicesById = new Map<string, SimDevice>();
  let framesDelivered = 0;
  let restarts = 0;
  let stopped = false;
  let serverDownUntilMs = 0;

  const elapsedMs = () => time.nowMs() - SIM_START_MS;
  const trace = (line: Record<string, unknown>) => {
    options.onTraceLine?.(JSON.stringify({ t: elapsedMs(), ...line }));
  };
  const mark = (userId: string, what: string) => {
    (timeline[userId] ??= []).push({ t: elapsedMs(), what });
  };
  const countFault = (kind: string) => {
    faultCounts[kind] = (faultCounts[kind] ?? 0) + 1;
  };

  const scripts = buildScripts(scenario, agentRandom, faultPlan);
  const scriptOfRun = new Map<string, AgentScript>();
  const checker: Checker = createChecker({
    startLatencyBudgetMs: scenario.budgets.startLatencyMs,
    thinkingIntervalBudgetMs: scenario.budgets.thinkingIntervalMs,
    toolDurationSlackMs: scenario.budgets.toolSlackMs,
    runDurationBudgetMs: scenario.budgets.runDurationMs,
    deliveryLatencyP99BudgetMs: scenario.budgets.deliveryLatencyMsP99,
    toolDurationMs: (toolName, runId) => {
      const step = scriptOfRun.get(runId)?.steps.find((candidate) => candidate.kind === "tool" && candidate.name === toolName);
      if (step === undefined || step.kind !== "tool") return undefined;
      return step.outcome === "timeout" ? step.timeoutMs : step.durationMs;
    },
  });
  const network: SimNetwork = createSimNetwork(time, root.fork("network"), {
    oneWayDelayMsMin: scenario.network.oneWayDelayMsMin,
    oneWayDelayMsMax: scenario.network.oneWayDelayMsMax,
    bandwidthBytesPerMs: scenario.network.bandwidthBytesPerMs,
    onTrace: (line) => {
      // Deliveries are implied by the clients' recv lines; counting them keeps the trace readable.
      if (line.kind === "net_deliver") {
        if (line.to === "client" && line.frame === "message") framesDelivered += 1;
        return;
      }
      const { t: _t, ...rest } = line;
      trace(rest);
    },
  });
  const clientSockets = new Map<string, SimClientSocket>();

  const publishCorrectly = (userId: string, draft: AgentEventDraft) => {
    const event = manager.publish(userId, draft);
    emitted.push({ userId, epoch: event.epoch, seq: event.seq, runId: event.run_id, type: event.type });
    trace({ kind: "emit", user: userId, epoch: event.epoch, seq: event.seq, run: event.run_id, type: event.type });
  };
  const runtime = createAgentRuntime({
    clock: time,
    scheduler: time,
    ids,
    publish: options.plant?.wrapPublish?.(publishCorrectly, { scheduler: time }) ?? publishCorrectly,
    scripts: scripts.library,
    onRunStarted: ({ userId, runId, requestId, scriptName }) => {
      const script = scripts.library.get(scriptName);
      if (script !== undefined) scriptOfRun.set(runId, script);
      const request = requests.get(requestId);
      if (request !== undefined) {
        request.runId = runId;
        request.device.requestStarted(requestId);
      }
      mark(userId, `run ${runId} started (${scriptName})`);
    },
    onRunEnded: ({ userId, runId, status }) => {
      for (const request of requests.values()) if (request.runId === runId) request.completed = true;
      mark(userId, `run ${runId} completed: ${status}`);
    },
  });

  const createManager = () =>
    createConnectionManager({
      clock: time,
      scheduler: time,
      ids,
      limits: scenario.managerLimits as Partial<ManagerLimits>,
      onCommand: (command) => runtime.handleCommand(command),
      observer: {
        decision: (decision) => {
          const { kind, ...fields } = decision;
          trace({ kind: "decision", decision: kind, ...fields });
          if (decision.kind === "resync_required" || decision.kind === "slow_consumer" || decision.kind === "heartbeat_timeout") {
            mark(decision.userId, `${decision.kind.replaceAll("_", " ")} on ${decision.connectionId}`);
          }
        },
      },
      ...(options.plant?.parts === undefined ? {} : { parts: options.plant.parts }),
    });
  let manager: ConnectionManager = createManager();

  const host: SimDeviceHost = {
    nowMs: () => time.nowMs(),
    after: (delayMs, callback) => {
      time.after(delayMs, callback);
    },
    openSocket: (device, connectionId, resume) => {
      if (time.nowMs() < serverDownUntilMs) return false;
      checker.connectionOpened({
        connectionId,
        deviceId: device.deviceId,
        userId: device.userId,
        atMs: time.nowMs(),
        ...(resume === undefined ? {} : { resume: { epoch: resume.epoch, lastSeq: resume.last_seq } }),
      });
      trace({ kind: "open", conn: connectionId, device: device.deviceId, user: device.userId, ...(resume === undefined ? {} : { resume }) });
      const link = network.connect({
        connectionId,
        client: {
          socketOnMessage: (text) => device.socketOnMessage(connectionId, text),
          socketOnClose: (code) => {
            clientSockets.delete(connectionId);
            device.socketOnClose(connectionId, code);
          },
        },
      });
      clientSockets.set(connectionId, link.client);
      // The HTTP upgrade (JWT check) is the boundary the simulator skips: identity is given.
      const handlers = manager.accept(
        link.serverSocket,
        { userId: device.userId },
        resume === undefined ? undefined : { epoch: resume.epoch, lastSeq: resume.last_seq },
      );
      if (handlers !== null) link.setServerHandlers(handlers);
      return true;
    },
    sendText: (connectionId, text) => clientSockets.get(connectionId)?.send(text),
    closeSocket: (connectionId, code) => {
      clientSockets.get(connectionId)?.close(code);
      clientSockets.delete(connectionId);
    },
    trace,
    checker,
    stopped: () => stopped,
  };

  // Users and their devices.
  for (let userIndex = 0; userIndex < scenario.users; userIndex += 1) {
    const userId = `u${userIndex + 1}`;
    const deviceCount = Array.isArray(scenario.devicesPerUser)
      ? (scenario.devicesPerUser[userIndex] as number)
      : scenario.devicesPerUser;
    for (let deviceIndex = 0; deviceIndex < deviceCount; deviceIndex += 1) {
      const deviceId = `${userId}-d${deviceIndex + 1}`;
      const random = userRandom.fork(deviceId);
      const device = createSimDevice(host, {
        userId,
        deviceId,
        ackEveryEvents: scenario.ackEveryEvents,
        reconnectDelayMs: () => random.integer(faultPlan.reconnectDelayMsMin, faultPlan.reconnectDelayMsMax),
      });
      devices.push(device);
      devicesById.set(deviceId, device);
      time.after(random.integer(0, 20), () => device.connect());
    }
  }

  // Runs: each requested by one of the user's devices at a drawn time, maybe cancelled later.
  for (let userIndex = 0; userIndex < scenario.users; userIndex += 1) {
    const userId = `u${userIndex + 1}`;
    const userDevices = devices.filter((device) => device.userId === userId);
    for (let runIndex = 0; runIndex < scenario.runsPerUser; runIndex += 1) {
      const device = agentRandom.pick(userDevices);
      const scriptName = scripts.perRun(agentRandom);
      const requestId = `q-${userId}-${runIndex + 1}`;
      const request: RunRequest = { userId, requestId, device, scriptName, runId: null, completed: false };
      requests.set(requestId, request);
      const atMs = 50 + agentRandom.integer(0, Math.max(0, scenario.startWindowMs - 1));
      time.after(atMs, () => {
        trace({ kind: "request", user: userId, device: device.deviceId, request: requestId, script: scriptName });
        device.requestRun({ type: "start_agent", request_id: requestId, agent_type: "sim_agent", message: `Run ${runIndex + 1} for ${userId}`, scenario: scriptName });
      });
      if (agentRandom.chance(faultPlan.cancelPerMille, 1000)) {
        time.after(atMs + agentRandom.integer(50, 3_000), () => {
          if (request.runId !== null && !request.completed) {
            countFault("cancel");
            trace({ kind: "fault", fault: "cancel", device: device.deviceId, run: request.runId });
            device.cancel(request.runId);
          }
        });
      }
    }
  }

  // Faults: drawn per tick by the seed, or replayed from an explicit schedule.
  const injectFaults = () => {
    if (elapsedMs() >= scenario.faultPhaseMs) return;
    if (faultRandom.chance(faultPlan.restartPerMille, 1000)) restart();
    if (faultRandom.chance(faultPlan.stormPerMille, 1000)) storm();
    for (const device of devices) {
      const connectionId = device.connectionId;
      if (connectionId === null) continue;
      injectConnectionFaults(device, connectionId);
    }
    time.after(faultPlan.tickMs, injectFaults);
  };
  const applyScheduledFault = (entry: ScheduledFault) => {
    if (entry.fault === "restart") return restart();
    if (entry.fault === "storm") return storm();
    const [userIndex, deviceIndex] = (entry.device ?? "0.0").split(".").map(Number) as [number, number];
    const device = devicesById.get(`u${userIndex + 1}-d${deviceIndex + 1}`);
    const connectionId = device?.connectionId;
    if (device === undefined || connectionId === null || connectionId === undefined) {
      trace({ kind: "fault_skipped", fault: entry.fault, device: entry.device ?? "0.0", why: "no open connection" });
      return;
    }
    switch (entry.fault) {
      case "drop":
        fault("drop", device);
        network.drop(connectionId);
        return;
      case "half_open":
        fault("half_open", device);
        network.halfOpen(connectionId);
        return;
      case "reconnect":
        fault("reconnect", device);
        device.reconnect(faultRandom.integer(faultPlan.reconnectDelayMsMin, faultPlan.reconnectDelayMsMax));
        return;
      case "send_failure":
        fault("send_failure", device);
        network.failSends(connectionId, 1);
        return;
      case "slow_socket":
        slowDown(device, connectionId);
        return;
    }
  };
  const fault = (kind: string, device: SimDevice, extra: Record<string, unknown> = {}) => {
    countFault(kind);
    trace({ kind: "fault", fault: kind, conn: device.connectionId, ...extra });
    mark(device.userId, `${kind.replaceAll("_", " ")} on ${device.connectionId ?? device.deviceId}`);
  };
  const injectConnectionFaults = (device: SimDevice, connectionId: string) => {
    if (faultRandom.chance(faultPlan.dropPerMille, 1000)) {
      fault("drop", device);
      network.drop(connectionId);
      return;
    }
    if (faultRandom.chance(faultPlan.halfOpenPerMille, 1000)) {
      fault("half_open", device);
      network.halfOpen(connectionId);
      return;
    }
    if (faultRandom.chance(faultPlan.reconnectPerMille, 1000)) {
      fault("reconnect", device);
      device.reconnect(faultRandom.integer(faultPlan.reconnectDelayMsMin, faultPlan.reconnectDelayMsMax));
      return;
    }
    if (faultRandom.chance(faultPlan.sendFailurePerMille, 1000)) {
      fault("send_failure", device);
      network.failSends(connectionId, 1);
    }
    if (faultRandom.chance(faultPlan.slowSocketPerMille, 1000)) slowDown(device, connectionId);
  };
  const slowDown = (device: SimDevice, connectionId: string) => {
    fault("slow_socket", device, { bytesPerMs: faultPlan.slowBandwidthBytesPerMs, ms: faultPlan.slowSocketMs });
    network.setBandwidth(connectionId, faultPlan.slowBandwidthBytesPerMs);
    time.after(faultPlan.slowSocketMs, () => network.setBandwidth(connectionId, scenario.network.bandwidthBytesPerMs));
  };
  const storm = () => {
    countFault("storm");
    trace({ kind: "fault", fault: "storm" });
    for (const device of devices) {
      if (device.connectionId === null) continue;
      mark(device.userId, `reconnect storm hits ${device.connectionId}`);
      device.reconnect(faultRandom.integer(0, faultPlan.stormWindowMs));
    }
  };
  const restart = () => {
    restarts += 1;
    countFault("restart");
    serverDownUntilMs = time.nowMs() + faultPlan.restartDowntimeMs;
    const old = manager;
    manager = createManager();
    trace({ kind: "fault", fault: "restart", downtimeMs: faultPlan.restartDowntimeMs });
    for (let userIndex = 0; userIndex < scenario.users; userIndex += 1) mark(`u${userIndex + 1}`, "server restart (new epoch)");
    old.shutdown("restart");
  };
  if (scenario.faultSchedule !== undefined) {
    for (const entry of scenario.faultSchedule) time.after(entry.atMs, () => applyScheduledFault(entry));
  } else if (scenario.faultPhaseMs > 0) {
    time.after(faultPlan.tickMs, injectFaults);
  }

  // Run: fault phase, then liveness until settled or out of budget.
  const deadlineMs = SIM_START_MS + Math.max(scenario.faultPhaseMs, scenario.startWindowMs + 50) + scenario.budgets.settleMs;
  let crash: string | null = null;
  let settled = false;
  try {
    let steps = 0;
    let nextProbeMs = time.nowMs() + 100;
    while (time.nowMs() <= deadlineMs) {
      if (!time.runNext()) break;
      steps += 1;
      if (steps > SIM_STEPS_MAX) throw new Error(`simulation exceeded ${SIM_STEPS_MAX} steps`);
      if (time.nowMs() >= nextProbeMs) {
        nextProbeMs = time.nowMs() + 100;
        if (elapsedMs() >= scenario.faultPhaseMs && isSettled()) {
          settled = true;
          break;
        }
      }
    }
    if (!settled) settled = isSettled();
  } catch (error) {
    crash = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ""}` : String(error);
  }
  stopped = true;
  trace({ kind: "end", settled });

  function isSettled(): boolean {
    for (const request of requests.values()) if (!request.completed) return false;
    for (const device of devices) {
      const position = device.position();
      const head = manager.streamHead(device.userId);
      if (!position.connected || position.epoch !== head?.epoch || position.lastSeq !== head.lastSeq) return false;
    }
    return true;
  }

  const verdict = crash === null ? checker.finish({ atMs: time.nowMs(), requireRunsComplete: settled, emitted }) : null;
  const livenessReason = crash !== null || settled ? null : describeUnsettled();
  function describeUnsettled(): string {
    const open = [...requests.values()].filter((request) => !request.completed);
    const behind = devices.filter((device) => {
      const position = device.position();
      const head = manager.streamHead(device.userId);
      return !position.connected || position.epoch !== head?.epoch || position.lastSeq !== head.lastSeq;
    });
    const parts = [
      open.length > 0 ? `${open.length} run(s) never completed (${open.map((request) => request.runId ?? `${request.requestId} not started`).join(", ")})` : "",
      behind.length > 0
        ? `${behind.length} device(s) never caught up (${behind.map((device) => `${device.deviceId} at ${JSON.stringify(device.position())} vs server ${JSON.stringify(manager.streamHead(device.userId))}`).join("; ")})`
        : "",
    ].filter((part) => part !== "");
    return `not settled ${scenario.budgets.settleMs} ms after faults healed: ${parts.join("; ")}`;
  }

  const outcome: SimOutcome =
    crash !== null ? "crash" : verdict !== null && verdict.safety.length > 0 ? "safety" : !settled || (verdict?.liveness.length ?? 0) > 0 ? "liveness" : "pass";
  const runtimeStats = runtime.stats();
  runtime.stop();
  return {
    seed: options.seed,
    scenario: scenario.name,
    plant: options.plant?.name ?? null,
    outcome,
    crash,
    faultPlan,
    verdict,
    simTimeMs: elapsedMs(),
    totals: {
      users: scenario.users,
      devices: devices.length,
      runsRequested: requests.size,
      runsStarted: runtimeStats.runsStarted,
      runsCompleted: runtimeStats.runsCompleted,
      eventsEmitted: emitted.length,
      framesDelivered,
      faults: faultCounts,
      restarts,
    },
    timeline,
    livenessReason,
  };
}

/**
 * The scripts of this simulation: built-ins plus the scenario's own, and per run a
 * variant with tool failures and timeouts drawn from the fault plan.
 */
function buildScripts(scenario: Scenario, random: SimRandom, faultPlan: FaultPlan) {
  const library = new Map<string, AgentScript>(DEFAULT_SCRIPTS);
  for (const script of scenario.agentScripts) library.set(script.name, script);
  let variants = 0;
  const perRun = (runRandom: SimRandom): string => {
    const base = library.get(runRandom.pick(scenario.scripts)) as AgentScript;
    let changed = false;
    const steps = base.steps.map((step) => {
      if (step.kind !== "tool" || step.outcome !== "ok") return step;
      if (runRandom.chance(faultPlan.toolFailurePerMille, 1000)) {
        changed = true;
        return { ...step, outcome: "error" as const, error: `${step.name} failed (injected)` };
      }
      if (step.durationMs >= 2 && runRandom.chance(faultPlan.toolTimeoutPerMille, 1000)) {
        changed = true;
        return { ...step, outcome: "timeout" as const, timeoutMs: Math.floor(step.durationMs / 2) };
      }
      return step;
    });
    if (!changed) return base.name;
    variants += 1;
    const name = `${base.name}~${variants}`;
    library.set(name, agentScriptSchema.parse({ ...base, name, steps }));
    return name;
  };
  return { library, perRun };
}
