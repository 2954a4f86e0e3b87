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
import type { RunOutcome } from "../protocol/exitCodes.ts";
import { createConnectionManager, type ConnectionManager, type ManagerStats } from "../server/manager/createConnectionManager.ts";
import { resolveManagerLimits, type ManagerLimits } from "../server/manager/managerLimits.ts";
import { stampedAtOnce } from "../server/manager/stampedAtOnce.ts";
import type { AgentScript } from "../server/runtime/agentScript.ts";
import { createAgentRuntime, resolveRuntimeLimits, type AgentRuntimeLimits } from "../server/runtime/createAgentRuntime.ts";
import { buildRunScripts } from "./buildRunScripts.ts";
import { multiByteText } from "./content/multiByteText.ts";
import type { PlantedBug } from "./bugZoo/PlantedBug.ts";
import { createRandom } from "./core/createRandom.ts";
import { createSimIdSource } from "./core/createSimIdSource.ts";
import { createSimNetwork, type SimNetwork } from "./core/createSimNetwork.ts";
import { createVirtualTime } from "./core/createVirtualTime.ts";
import { createAlertCounters } from "./alerts/createAlertCounters.ts";
import { judgeSimAlerts } from "./alerts/judgeSimAlerts.ts";
import type { SimAlertVerdict } from "./alerts/SimAlertVerdict.ts";
import { createSimChecker } from "./createSimChecker.ts";
import { createSimHost } from "./createSimHost.ts";
import { createClusterServerSide } from "./cluster/createClusterServerSide.ts";
import type { SimServerSide } from "./cluster/SimServerSide.ts";
import type { ManagerDecision } from "../server/manager/ManagerDecision.ts";
import { createFaultInjector } from "./faults/createFaultInjector.ts";
import { drawFaultPlan } from "./faults/drawFaultPlan.ts";
import type { FaultPlan } from "./faults/FaultPlan.ts";
import type { RunRequest } from "./RunRequest.ts";
import type { Scenario } from "./scenario/scenarioSchema.ts";
import { scheduleRunRequests } from "./scheduleRunRequests.ts";
import { describeUnsettled } from "./settle/describeUnsettled.ts";
import { driveQuiescence, type QuiescenceOutcome } from "./settle/driveQuiescence.ts";
import { createCancelJudge } from "./settle/createCancelJudge.ts";
import { createEvictionJudge, type EvictionFinding } from "./settle/createEvictionJudge.ts";
import { createSelfReportAudit, type SelfReportFinding } from "./settle/createSelfReportAudit.ts";
import { judgeRequiredTiming, type RequiredTimingOutcome } from "./settle/judgeRequiredTiming.ts";
import { judgeScriptFidelity, type PlayedEvent, type ScriptFidelityFinding } from "./settle/judgeScriptFidelity.ts";
import { driveUntilSettled } from "./settle/driveUntilSettled.ts";
import { isSettled, type SettleProbeInput } from "./settle/isSettled.ts";
import { spawnDevices } from "./spawnDevices.ts";
import { timerNamerOf } from "./settle/timerNamerOf.ts";

export { SIM_STEPS_MAX } from "./settle/driveUntilSettled.ts";

/** Virtual start time: 2024-11-22T00:00:00Z, so event `ts` values read like real ones. */
export const SIM_START_MS = 1_732_233_600_000;

/** How a simulation ended (protocol/exitCodes.ts): `timing` is a budget the scenario marks as required, missed where no fault explains it. */
export type SimOutcome = RunOutcome;

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
  /** The quiescence phase after liveness (see settle/driveQuiescence.ts); null when the run did not settle or crashed before it. */
  quiescence: QuiescenceOutcome | null;
  /**
   * Runs whose emitted events did not follow their agent script (see settle/judgeScriptFidelity.ts):
   * a safety failure the checker cannot see. Null when the simulation crashed.
   */
  scriptFidelity: ScriptFidelityFinding[] | null;
  /** Streams evicted before the manager's own limits allowed (see settle/createEvictionJudge.ts): a safety failure the checker cannot see. */
  earlyEvictions: EvictionFinding[];
  /**
   * Where the manager's own account (its decisions, `stats()` counters and gauges) disagrees
   * with what the simulator saw on the wire and in the buffer (see settle/createSelfReportAudit.ts):
   * a safety failure no client can see. Empty when the simulation crashed.
   */
  selfReport: SelfReportFinding[];
  /** The scenario's required timing budgets and which were missed (see settle/judgeRequiredTiming.ts); null without a verdict. */
  requiredTiming: RequiredTimingOutcome | null;
  /** The checklist's four alert conditions (monitoring/alerts.yml) judged on this run's counters: "would have alerted: …" (see alerts/judgeSimAlerts.ts). */
  alerts: SimAlertVerdict;
}

/** Quiescence runs this long past the latest armed timer, ms, plus two network crossings. */
const quiescenceMarginMs = 1_000;

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
  const playedByRun = new Map<string, { userId: string; events: PlayedEvent[] }>();
  let framesDelivered = 0;
  let stopped = false;
  let serverDownUntilMs = 0;

  const elapsedMs = () => time.nowMs() - SIM_START_MS;
  /** What the runtimes told the simulation, for the self-report audit's runtime counters. */
  const runtimeSeen = { runsStarted: 0, runsCompleted: 0, claimsAbandoned: 0 };
  const trace = (line: Record<string, unknown>) => {
    options.onTraceLine?.(JSON.stringify({ t: elapsedMs(), ...line }));
  };
  const mark = (userId: string, what: string) => {
    (timeline[userId] ??= []).push({ t: elapsedMs(), what });
  };
  const countFault = (kind: string) => {
    faultCounts[kind] = (faultCounts[kind] ?? 0) + 1;
  };

  const managerLimits = resolveManagerLimits(scenario.managerLimits as Partial<ManagerLimits>);
  const runtimeLimits = resolveRuntimeLimits(scenario.runtimeLimits as Partial<AgentRuntimeLimits>);
  // Labelled views of the one clock: same queue and order, so traces do not change; quiescence names what is left armed.
  const managerScheduler = time.labelled(timerNamerOf("manager", { ...managerLimits }));
  const runtimeScheduler = time.labelled(timerNamerOf("runtime", { ...runtimeLimits }));
  // Named forks hash their path, so this one shifts no other stream; it is drawn from only with generatedContent.
  const contentRandom = root.fork("content");
  const scripts = buildRunScripts(scenario, { faultPlan, contentRandom });
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

  const evictionJudge = createEvictionJudge(managerLimits);
  const audit = createSelfReportAudit(time, managerLimits);
  const alertCounters = createAlertCounters({ connectionsMax: managerLimits.connectionsMax, runsTrackedMax: managerLimits.runsTrackedMax });
  const secondRuns: ScriptFidelityFinding[] = [];
  const cancelJudge = createCancelJudge(playedByRun, (runId) => scriptOfRun.get(runId)?.name ?? "(unknown)");
  const onRunStarted = ({ userId, runId, requestId, scriptName }: { userId: string; runId: string; requestId: string; scriptName: string }) => {
    runtimeSeen.runsStarted += 1;
    const script = scripts.library.get(scriptName);
    if (script !== undefined) scriptOfRun.set(runId, script);
    const request = requests.get(requestId);
    if (request?.runId !== null && request?.runId !== undefined) {
      // The protocol: the same request_id twice starts one run only (a resend_start fault, on whichever instance it landed).
      secondRuns.push({ userId, runId, script: scriptName, message: `start_agent ${requestId} started a second run ${runId} (its first: ${request.runId}): the same request_id must start one run only` });
    }
    if (request !== undefined) {
      request.runId = runId;
      request.device.requestStarted(requestId);
    }
    mark(userId, `run ${runId} started (${scriptName})`);
  };
  const onRunEnded = ({ userId, runId, status }: { userId: string; runId: string; status: string }) => {
    for (const request of requests.values()) if (request.runId === runId) request.completed = true;
    mark(userId, `run ${runId} completed: ${status}`);
  };
  const onDecision = (decision: ManagerDecision, manager: ConnectionManager) => {
    const stats = (): ManagerStats => manager.stats();
    evictionJudge.decided(decision, stats);
    audit.decided(decision, manager);
    const connectionsOpen = () => stats().connections;
    alertCounters.decided(decision, connectionsOpen);
    const { kind, ...fields } = decision;
    trace({ kind: "decision", decision: kind, ...fields });
    if (decision.kind === "resync_required" || decision.kind === "slow_consumer" || decision.kind === "heartbeat_timeout") {
      mark(decision.userId, `${decision.kind.replaceAll("_", " ")} on ${decision.connectionId}`);
    }
  };
  /** A runtime ended a run (not a survivor ending an orphan by lease). */
  const runtimeOnRunEnded = (run: { userId: string; runId: string; status: string }) => {
    runtimeSeen.runsCompleted += 1;
    onRunEnded(run);
  };
  const endedByLease = new Set<string>();
  let server: SimServerSide;
  if (scenario.instances === 1) {
    // One instance: the in-process broker inside the manager, exactly as before the cluster existed (same draws, same trace).
    const managers: ConnectionManager[] = [];
    const publishCorrectly = (userId: string, draft: AgentEventDraft) => {
      alertCounters.published(userId, draft.run_id, { nowMs: time.nowMs(), completed: draft.type === "agent_completed" });
      const event = stampedAtOnce(manager.publish(userId, draft));
      audit.published(manager, userId, event.seq);
      emitted.push({ userId, epoch: event.epoch, seq: event.seq, runId: event.run_id, type: event.type });
      notePlayed(playedByRun, userId, draft, time.nowMs());
      trace({ kind: "emit", user: userId, epoch: event.epoch, seq: event.seq, run: event.run_id, type: event.type });
    };
    const runtime = createAgentRuntime({
      clock: time,
      scheduler: runtimeScheduler,
      ids,
      publish: options.plant?.wrapPublish?.(publishCorrectly, { scheduler: runtimeScheduler }) ?? publishCorrectly,
      scripts: scripts.library,
      limits: runtimeLimits,
      onRunStarted,
      onRunEnded: runtimeOnRunEnded,
    });
    const createManager = () => {
      const created = createConnectionManager({
        clock: time,
        scheduler: managerScheduler,
        ids,
        limits: managerLimits,
        onCommand: (command) => cancelJudge.command(command, () => runtime.handleCommand(command)),
        observer: { decision: (decision) => onDecision(decision, created) },
        // The default replay buffer, made by the audit so it can read its memory gauge; a plant's parts win.
        parts: { createReplayStore: (bounds) => audit.createReplayStore(bounds), ...options.plant?.parts },
      });
      managers.push(created);
      return created;
    };
    let manager: ConnectionManager = createManager();
    server = {
      serverFor: () => ({ manager }),
      replaceServer: () => {
        const old = manager;
        manager = createManager();
        return [old];
      },
      streamHead: (userId) => manager.streamHead(userId),
      managers,
      runtimeStats: () => runtime.stats(),
      stop: () => runtime.stop(),
      brokerControls: undefined,
      settled: () => {},
    };
  } else {
    server = createClusterServerSide(scenario, {
      root,
      time,
      ids,
      network,
      managerScheduler,
      runtimeScheduler,
      managerLimits,
      runtimeLimits,
      scripts: scripts.library,
      ...(options.plant === undefined ? {} : { plant: options.plant }),
      onDecision,
      onRunStarted,
      onRunEnded: runtimeOnRunEnded,
      onAppended: (userId, event) => {
        emitted.push({ userId, epoch: event.epoch, seq: event.seq, runId: event.run_id, type: event.type });
        trace({ kind: "emit", user: userId, epoch: event.epoch, seq: event.seq, run: event.run_id, type: event.type });
      },
      onPublish: (userId, draft) => {
        alertCounters.published(userId, draft.run_id, { nowMs: time.nowMs(), completed: draft.type === "agent_completed" });
        notePlayed(playedByRun, userId, draft, time.nowMs());
      },
      onClaimAbandoned: () => {
        runtimeSeen.claimsAbandoned += 1;
      },
      claimAnswerLostPerMille: faultPlan.claimAnswerLostPerMille,
      countFault,
      onOrphanEnded: ({ runId, userId, owner }) => {
        endedByLease.add(runId);
        onRunEnded({ userId, runId, status: `error (ended by a survivor: its instance ${owner} stopped)` });
      },
      trace,
    });
  }

  const host = createSimHost({
    time,
    network,
    checker,
    trace,
    audit,
    serverFor: (device) => server.serverFor(device),
    serverDownUntilMs: () => serverDownUntilMs,
    stopped: () => stopped,
  });
  const devices = spawnDevices(scenario, { host, time, userRandom, faultPlan });
  const devicesById = new Map(devices.map((device) => [device.deviceId, device]));
  const messageBytesNear = scenario.generatedContent?.messageBytesNear ?? 0;
  const messageRandom = contentRandom.fork("messages");
  const messageOf =
    messageBytesNear === 0 ? undefined : () => multiByteText(messageRandom, { bytesMin: Math.floor(messageBytesNear * 0.99), bytesMax: messageBytesNear });
  scheduleRunRequests(scenario, { time, agentRandom, foreignCancelRandom: root.fork("foreign-cancels"), faultPlan, devices, perRunScript: scripts.perRun, requests, trace, countFault, ...(messageOf === undefined ? {} : { messageOf }) });
  const faults = createFaultInjector({
    scenario,
    managerLimits,
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
      const old = server.replaceServer();
      return { shutdown: (reason) => old.forEach((manager) => manager.shutdown(reason)) };
    },
    ...(server.brokerControls === undefined ? {} : { cluster: server.brokerControls }),
  });
  faults.start();

  // Run: fault phase, then liveness until settled or out of budget.
  const probe: SettleProbeInput = { requests, devices, streamHead: (userId) => server.streamHead(userId) };
  const { crash, settled } = driveUntilSettled(time, {
    deadlineMs: SIM_START_MS + Math.max(scenario.faultPhaseMs, scenario.startWindowMs + 50) + scenario.budgets.settleMs,
    faultPhaseMs: scenario.faultPhaseMs,
    elapsedMs,
    isSettled: () => isSettled(probe),
  });
  stopped = true;
  server.settled();
  trace({ kind: "end", settled });
  const simTimeMs = elapsedMs();

  // Quiescence: clients stay connected while every armed timer fires; the checker keeps watching.
  const quiescence =
    crash === null && settled
      ? driveQuiescence(time, { longestLimitMs: longestDurationLimitMs(managerLimits, runtimeLimits), marginMs: quiescenceMarginMs + 2 * scenario.network.oneWayDelayMsMax })
      : null;
  const finalCrash = crash ?? quiescence?.crash ?? null;
  const runtimeStats = server.runtimeStats();
  const selfReport = finalCrash === null ? audit.finish(server.managers, { runtime: { reported: runtimeStats, seen: runtimeSeen } }) : [];
  const verdict = finalCrash === null ? checker.finish({ atMs: time.nowMs(), requireRunsComplete: settled, emitted }) : null;
  const livenessReason = finalCrash !== null || settled ? null : describeUnsettled(probe, scenario.budgets.settleMs);
  const requiredTiming = verdict === null ? null : judgeRequiredTiming(verdict, { required: scenario.budgets.required, faultsInjected: faultCounts });
  // A run that did not play its script is a safety failure beside the checker's.
  // A request that started two runs is one too (the runtime, or several instances' claims, let a repeated request_id through).
  const scriptFidelity = finalCrash !== null ? null : [...secondRuns, ...judgeScriptFidelity(playedByRun, { scriptOfRun, runDurationMsMax: runtimeLimits.runDurationMsMax, thinkingIntervalMs: runtimeLimits.thinkingIntervalMs, endedByLease }), ...cancelJudge.findings()];
  const outcome: SimOutcome =
    finalCrash !== null
      ? "crash"
      : (verdict !== null && verdict.safety.length > 0) || (scriptFidelity?.length ?? 0) > 0 || evictionJudge.findings().length > 0 || selfReport.length > 0
        ? "safety"
        : !settled || (verdict?.liveness.length ?? 0) > 0
          ? "liveness"
          : (requiredTiming?.failed.length ?? 0) > 0
            ? "timing"
            : "pass";
  server.stop();
  const alerts = judgeSimAlerts(alertCounters.finish({ nowMs: time.nowMs(), durationMs: elapsedMs(), managers: server.managers }));
  return {
    seed: options.seed,
    scenario: scenario.name,
    plant: options.plant?.name ?? null,
    outcome,
    crash: finalCrash,
    faultPlan,
    verdict,
    simTimeMs,
    totals: {
      users: scenario.users,
      devices: devices.length,
      runsRequested: requests.size,
      runsStarted: runtimeStats.runsStarted,
      runsCompleted: runtimeStats.runsCompleted + endedByLease.size,
      eventsEmitted: emitted.length,
      framesDelivered,
      faults: faultCounts,
      restarts: faults.restarts(),
    },
    timeline,
    livenessReason,
    quiescence,
    scriptFidelity,
    earlyEvictions: evictionJudge.findings(),
    selfReport,
    requiredTiming,
    alerts,
  };
}

/** Appends what script fidelity needs of one emitted draft to its run's record. */
function notePlayed(playedByRun: Map<string, { userId: string; events: PlayedEvent[] }>, userId: string, draft: AgentEventDraft, atMs: number): void {
  let played = playedByRun.get(draft.run_id);
  if (played === undefined) {
    played = { userId, events: [] };
    playedByRun.set(draft.run_id, played);
  }
  const data = draft.data as { status?: unknown; tool_name?: unknown; thinking_content?: unknown; content?: unknown };
  const event: PlayedEvent = { type: draft.type, atMs };
  if (typeof data.status === "string") event.status = data.status;
  if (typeof data.tool_name === "string") event.toolName = data.tool_name;
  const text = draft.type === "agent_thinking" ? data.thinking_content : draft.type === "partial_result" ? data.content : undefined;
  if (typeof text === "string") event.text = text;
  played.events.push(event);
}

/** The longest duration (`…Ms`, `…MsMax`) among the manager's and the runtime's limits, ms. */
function longestDurationLimitMs(managerLimits: ManagerLimits, runtimeLimits: AgentRuntimeLimits): number {
  const durations = Object.entries({ ...managerLimits, ...runtimeLimits }).filter(([name]) => /Ms(Max)?$/.test(name));
  return Math.max(0, ...durations.map(([, value]) => value));
}
