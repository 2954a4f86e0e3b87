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
import type { CheckerVerdict } from "../protocol/checker/CheckerVerdict.ts";
import type { AgentEventDraft } from "../protocol/frames.ts";
import { createConnectionManager, type ConnectionManager } from "../server/manager/createConnectionManager.ts";
import { stampedAtOnce } from "../server/manager/stampedAtOnce.ts";
import type { ManagerLimits } from "../server/manager/managerLimits.ts";
import type { AgentScript } from "../server/runtime/agentScript.ts";
import { createAgentRuntime } from "../server/runtime/createAgentRuntime.ts";
import { buildRunScripts } from "./buildRunScripts.ts";
import type { PlantedBug } from "./bugZoo/PlantedBug.ts";
import { createRandom } from "./core/createRandom.ts";
import { createSimIdSource } from "./core/createSimIdSource.ts";
import { createSimNetwork, type SimNetwork } from "./core/createSimNetwork.ts";
import { createVirtualTime } from "./core/createVirtualTime.ts";
import { createSimChecker } from "./createSimChecker.ts";
import { createSimHost } from "./createSimHost.ts";
import { createFaultInjector } from "./faults/createFaultInjector.ts";
import { drawFaultPlan } from "./faults/drawFaultPlan.ts";
import type { FaultPlan } from "./faults/FaultPlan.ts";
import type { RunRequest } from "./RunRequest.ts";
import type { Scenario } from "./scenario/scenarioSchema.ts";
import { scheduleRunRequests } from "./scheduleRunRequests.ts";
import { describeUnsettled } from "./settle/describeUnsettled.ts";
import { driveUntilSettled } from "./settle/driveUntilSettled.ts";
import { isSettled, type SettleProbeInput } from "./settle/isSettled.ts";
import { spawnDevices } from "./spawnDevices.ts";

export { SIM_STEPS_MAX } from "./settle/driveUntilSettled.ts";

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

/** Runs `scenario` with `options.seed`; never throws for a failure of the system under test (that is `crash`). */
export function runSimulation(scenario: Scenario, options: SimulationOptions): SimulationResult {
  // Fork order is part of the trace's contract: fault-plan (when drawn), faults, agents, users, ids, network.
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
  let framesDelivered = 0;
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

  const scripts = buildRunScripts(scenario, { faultPlan });
  const scriptOfRun = new Map<string, AgentScript>();
  const checker = createSimChecker(scenario, scriptOfRun);
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

  const publishCorrectly = (userId: string, draft: AgentEventDraft) => {
    const event = stampedAtOnce(manager.publish(userId, draft));
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

  const host = createSimHost({
    time,
    network,
    checker,
    trace,
    manager: () => manager,
    serverDownUntilMs: () => serverDownUntilMs,
    stopped: () => stopped,
  });
  const devices = spawnDevices(scenario, { host, time, userRandom, faultPlan });
  const devicesById = new Map(devices.map((device) => [device.deviceId, device]));
  scheduleRunRequests(scenario, { time, agentRandom, faultPlan, devices, perRunScript: scripts.perRun, requests, trace, countFault });
  const faults = createFaultInjector({
    scenario,
    faultPlan,
    random: faultRandom,
    time,
    network,
    devices,
    devicesById,
    elapsedMs,
    trace,
    mark,
    countFault,
    replaceServer: (downtimeMs) => {
      serverDownUntilMs = time.nowMs() + downtimeMs;
      const old = manager;
      manager = createManager();
      return old;
    },
  });
  faults.start();

  // Run: fault phase, then liveness until settled or out of budget.
  const probe: SettleProbeInput = { requests, devices, streamHead: (userId) => manager.streamHead(userId) };
  const { crash, settled } = driveUntilSettled(time, {
    deadlineMs: SIM_START_MS + Math.max(scenario.faultPhaseMs, scenario.startWindowMs + 50) + scenario.budgets.settleMs,
    faultPhaseMs: scenario.faultPhaseMs,
    elapsedMs,
    isSettled: () => isSettled(probe),
  });
  stopped = true;
  trace({ kind: "end", settled });

  const verdict = crash === null ? checker.finish({ atMs: time.nowMs(), requireRunsComplete: settled, emitted }) : null;
  const livenessReason = crash !== null || settled ? null : describeUnsettled(probe, scenario.budgets.settleMs);
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
      restarts: faults.restarts(),
    },
    timeline,
    livenessReason,
  };
}
