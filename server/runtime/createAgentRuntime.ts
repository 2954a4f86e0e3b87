/**
 * The fake agent runtime (the "bridge"): it plays scripted agents and emits the seven
 * agent events through a publish function (the connection manager's `publish`). Like
 * the manager, it reads time and schedules only through injected ports, and draws ids
 * from an injected IdSource, so the simulator runs it unchanged.
 *
 * Guarantees, by construction, for every run: `agent_started` first; an
 * `agent_thinking` before the first tool; `agent_thinking` at least every
 * `thinkingIntervalMs` while busy; each `tool_executing` paired with one
 * `tool_completed`; a failure sends `error_event` then `agent_completed` status
 * `error`; `agent_completed` last.
 */
import type { AgentEventDraft, CancelFrame, StartAgentFrame } from "../../protocol/frames.ts";
import type { CommandAnswer, ManagerCommand } from "../manager/createConnectionManager.ts";
import type { Clock } from "../ports/clock.ts";
import type { IdSource } from "../ports/idSource.ts";
import type { ClaimAnswer, RequestClaims } from "../ports/requestClaims.ts";
import type { Scheduler, TimerHandle } from "../ports/scheduler.ts";
import type { AgentScript, AgentStep } from "./agentScript.ts";
import { DEFAULT_SCRIPT_NAME, DEFAULT_SCRIPTS } from "./defaultScripts.ts";
import { runEndDrafts, type RunEnd } from "./runEndDrafts.ts";

/** Limits and pacing of the runtime. */
export interface AgentRuntimeLimits {
  /** Longest silence of a busy run before it sends a heartbeat `agent_thinking`, ms (protocol budget: 2000). */
  thinkingIntervalMs: number;
  /** A run still going after this long is ended with an error, ms. */
  runDurationMsMax: number;
  /** Concurrent runs per user; one more `start_agent` gets a protocol error. */
  activeRunsPerUserMax: number;
  /** `request_id`s remembered per user for idempotency; the oldest is forgotten past this. */
  requestIdsRememberedPerUserMax: number;
  /** Users whose `request_id`s are remembered; past it the least recently active user's are forgotten. */
  requestIdUsersMax: number;
}

/** Defaults: heartbeat after 1.5 s of silence (inside the 2 s budget), 5 min hard cap per run. */
export const DEFAULT_RUNTIME_LIMITS: Readonly<AgentRuntimeLimits> = Object.freeze({
  thinkingIntervalMs: 1_500,
  runDurationMsMax: 300_000,
  activeRunsPerUserMax: 32,
  requestIdsRememberedPerUserMax: 1_000,
  requestIdUsersMax: 10_000,
});

/** Merges `overrides` onto DEFAULT_RUNTIME_LIMITS: the one place the runtime's limits are completed. */
export function resolveRuntimeLimits(overrides: Partial<AgentRuntimeLimits> = {}): AgentRuntimeLimits {
  return { ...DEFAULT_RUNTIME_LIMITS, ...overrides };
}

/** Options of {@link createAgentRuntime}. */
export interface AgentRuntimeOptions {
  clock: Clock;
  scheduler: Scheduler;
  ids: IdSource;
  /** Where events go: the connection manager's `publish` (the simulator swaps managers on restart). */
  publish: (userId: string, draft: AgentEventDraft) => void;
  /** Scripts by name; defaults to the built-in ones. */
  scripts?: ReadonlyMap<string, AgentScript>;
  /** Script for `start_agent` without `scenario`. */
  defaultScriptName?: string;
  limits?: Partial<AgentRuntimeLimits>;
  /**
   * Claims each new `request_id` where every instance sharing the broker can see it (see
   * ports/requestClaims.ts); a run starts only on a won claim, and a `held` one is asked
   * again (see {@link claimRetryPlan}). Absent (one instance): the runtime's own memory
   * decides, synchronously.
   */
  requestClaims?: RequestClaims;
  /**
   * Observes a claim given up: still `held` after {@link claimRetryPlan}'s `heldMsMax`
   * (the claimant lives and never marked its run started). Nothing starts; the request id
   * is forgotten here, so the client's next re-send is claimed afresh.
   */
  onClaimAbandoned?: (claim: { userId: string; requestId: string; heldMs: number }) => void;
  /** Observes each run's start: which request started which run (for the simulator's god view). */
  onRunStarted?: (run: { userId: string; runId: string; requestId: string; scriptName: string }) => void;
  /** Observes each run's end (for metrics and the simulator's trace). */
  onRunEnded?: (run: { userId: string; runId: string; status: "success" | "error" | "cancelled" }) => void;
}

/**
 * How the runtime asks again about a `held` claim, from the claims' lease (ms): `retryMs`
 * (leaseMs / 4) after each `held` answer, never later than `heldMsMax` (1.5 × leaseMs)
 * after the first ask (so at most 7 asks). The lease of a claimant that died is gone at
 * most leaseMs after the first ask, and an ask follows within retryMs and a round trip;
 * the rest is margin, so giving up means the claimant lives (its run began but its
 * `started` mark was lost, or it is stuck before its run).
 */
export function claimRetryPlan(leaseMs: number): { retryMs: number; heldMsMax: number } {
  return { retryMs: Math.max(1, Math.floor(leaseMs / 4)), heldMsMax: leaseMs + Math.floor(leaseMs / 2) };
}

/** Counts for /health and /metrics. */
export interface AgentRuntimeStats {
  activeRuns: number;
  runsStarted: number;
  runsCompleted: number;
  /** Request claims given up still `held` after claimRetryPlan's heldMsMax (several instances only). */
  claimsAbandoned: number;
}

/**
 * What `start_agent` led to: a new run, nothing (a repeated `request_id`), a claim sent to
 * the other instances (the run starts when it is won: `requestClaims`), or a refusal to
 * tell the sender.
 */
export type StartOutcome = { runId: string } | { duplicate: true } | { claiming: true } | { error: string };

/** The runtime's public face. */
export interface AgentRuntime {
  /** Handles `start_agent` and `cancel` from the manager; returns a protocol error for the sender, or nothing. */
  handleCommand(command: ManagerCommand): CommandAnswer;
  /** Starts a run directly (the same path `start_agent` takes); returns its run id, or the refusal. */
  startRun(userId: string, frame: StartAgentFrame): StartOutcome;
  stats(): AgentRuntimeStats;
  /** Cancels every timer; active runs stop where they are (a process exit). */
  stop(): void;
}

interface Run {
  readonly userId: string;
  readonly runId: string;
  readonly agentId: string;
  readonly script: AgentScript;
  readonly startedAtMs: number;
  stepIndex: number;
  thinkingCount: number;
  activeTool: { name: string; executionId: string } | null;
  stepTimer: TimerHandle | null;
  heartbeatTimer: TimerHandle | null;
  deadlineTimer: TimerHandle | null;
}

/** Creates the runtime. */
export function createAgentRuntime(options: AgentRuntimeOptions): AgentRuntime {
  const { clock, scheduler, ids } = options;
  const limits = resolveRuntimeLimits(options.limits);
  const scripts = options.scripts ?? DEFAULT_SCRIPTS;
  const defaultScriptName = options.defaultScriptName ?? DEFAULT_SCRIPT_NAME;
  const activeRuns = new Map<string, Run>();
  const activeRunsByUser = new Map<string, Set<string>>();
  const requestIdsByUser = new Map<string, Set<string>>();
  /** Claims sent and not settled yet (a `held` one is asked again), per user: they count against activeRunsPerUserMax. */
  const claimsPendingByUser = new Map<string, number>();
  /** Timers of `held` claims waiting to be asked again; cancelled by `stop`. */
  const claimRetryTimers = new Set<TimerHandle>();
  let runsStarted = 0;
  let claimsAbandoned = 0;
  /** Claims made so far: names each claim's attempt (ports/requestClaims.ts's ClaimRequest). */
  let claimsMade = 0;
  let stopped = false;
  let runsCompleted = 0;

  function emit(run: Run, draft: AgentEventDraft): void {
    options.publish(run.userId, draft);
    // Every event resets the silence timer: a busy run is never quiet for longer than thinkingIntervalMs.
    run.heartbeatTimer?.cancel();
    run.heartbeatTimer = scheduler.after(limits.thinkingIntervalMs, () => heartbeatOnSilence(run));
  }

  function thinking(run: Run, content: string): void {
    run.thinkingCount += 1;
    emit(run, { type: "agent_thinking", run_id: run.runId, data: { agent_id: run.agentId, thinking_content: content, step_number: run.thinkingCount } });
  }

  function heartbeatOnSilence(run: Run): void {
    run.heartbeatTimer = null;
    if (!activeRuns.has(run.runId)) return;
    const elapsedS = Math.round((clock.nowMs() - run.startedAtMs) / 100) / 10;
    const what = run.activeTool === null ? "Still working" : `Waiting for ${run.activeTool.name}`;
    thinking(run, `${what} (${elapsedS} s elapsed).`);
  }

  function schedule(run: Run, delayMs: number, next: () => void): void {
    run.stepTimer = scheduler.after(delayMs, () => {
      run.stepTimer = null;
      next();
    });
  }

  function runStep(run: Run): void {
    const step = run.script.steps[run.stepIndex];
    if (step === undefined) {
      complete(run, { status: "success", finalResponse: run.script.finalResponse });
      return;
    }
    run.stepIndex += 1;
    playStep(run, step);
  }

  function playStep(run: Run, step: AgentStep): void {
    switch (step.kind) {
      case "think":
        thinking(run, step.content);
        schedule(run, step.durationMs, () => runStep(run));
        return;
      case "partial":
        emit(run, { type: "partial_result", run_id: run.runId, data: { agent_id: run.agentId, content: step.content } });
        schedule(run, step.delayMs, () => runStep(run));
        return;
      case "tool":
        startTool(run, step);
        return;
    }
  }

  function startTool(run: Run, step: Extract<AgentStep, { kind: "tool" }>): void {
    if (run.thinkingCount === 0) thinking(run, `Planning: calling ${step.name}.`);
    const executionId = ids.next("x-");
    run.activeTool = { name: step.name, executionId };
    emit(run, { type: "tool_executing", run_id: run.runId, data: { tool_name: step.name, tool_args: step.args, execution_id: executionId } });
    const waitMs = step.outcome === "timeout" ? (step.timeoutMs as number) : step.durationMs;
    schedule(run, waitMs, () => finishTool(run, step, executionId, waitMs));
  }

  function finishTool(run: Run, step: Extract<AgentStep, { kind: "tool" }>, executionId: string, waitMs: number): void {
    run.activeTool = null;
    if (step.outcome === "ok") {
      emit(run, { type: "tool_completed", run_id: run.runId, data: { tool_name: step.name, execution_id: executionId, result_summary: step.result, status: "ok" } });
      runStep(run);
      return;
    }
    const error = step.outcome === "timeout" ? `${step.name} timed out after ${waitMs} ms` : (step.error ?? `${step.name} failed`);
    emit(run, { type: "tool_completed", run_id: run.runId, data: { tool_name: step.name, execution_id: executionId, result_summary: error, status: "error" } });
    const suggestions = step.recoverySuggestions ?? [`Retry ${step.name}`, "Try again with a narrower request"];
    complete(run, { status: "error", error: { error, severity: step.severity, recoverySuggestions: suggestions } });
  }

  /** Ends a run: `error_event` (a failure), `tool_completed` for an open tool (pairing holds even mid-tool), `agent_completed`. */
  function complete(run: Run, ending: Pick<RunEnd, "status" | "finalResponse" | "error">): void {
    const { status } = ending;
    const drafts = runEndDrafts({
      runId: run.runId,
      agentId: run.agentId,
      ...ending,
      openTool: run.activeTool,
      abandonedBecause: `run ${status}`,
      executionTimeMs: clock.nowMs() - run.startedAtMs,
    });
    run.activeTool = null;
    if (drafts.errorEvent !== null) emit(run, drafts.errorEvent);
    if (drafts.toolAbandoned !== null) emit(run, drafts.toolAbandoned);
    emit(run, drafts.completed);
    end(run);
    runsCompleted += 1;
    options.onRunEnded?.({ userId: run.userId, runId: run.runId, status });
  }

  function end(run: Run): void {
    run.stepTimer?.cancel();
    run.heartbeatTimer?.cancel();
    run.deadlineTimer?.cancel();
    activeRuns.delete(run.runId);
    const userRuns = activeRunsByUser.get(run.userId);
    userRuns?.delete(run.runId);
    if (userRuns?.size === 0) activeRunsByUser.delete(run.userId);
  }

  function requestIdsOf(userId: string): Set<string> {
    let seen = requestIdsByUser.get(userId);
    if (seen === undefined) {
      seen = new Set();
    } else {
      // Re-insert so the map's order is least recently active first.
      requestIdsByUser.delete(userId);
    }
    requestIdsByUser.set(userId, seen);
    if (requestIdsByUser.size > limits.requestIdUsersMax) requestIdsByUser.delete(requestIdsByUser.keys().next().value as string);
    return seen;
  }

  function rememberRequest(userId: string, requestId: string): void {
    const seen = requestIdsOf(userId);
    seen.add(requestId);
    if (seen.size > limits.requestIdsRememberedPerUserMax) seen.delete(seen.values().next().value as string);
  }

  function forgetRequest(userId: string, requestId: string): void {
    requestIdsByUser.get(userId)?.delete(requestId);
  }

  function startRun(userId: string, frame: StartAgentFrame): StartOutcome {
    if (requestIdsOf(userId).has(frame.request_id)) return { duplicate: true };
    const scriptName = frame.scenario ?? defaultScriptName;
    const script = scripts.get(scriptName);
    if (script === undefined) {
      return { error: `scenario: unknown script "${scriptName.slice(0, 64)}" (known: ${[...scripts.keys()].join(", ")})` };
    }
    const userRuns = activeRunsByUser.get(userId) ?? new Set<string>();
    activeRunsByUser.set(userId, userRuns);
    const claimsPending = claimsPendingByUser.get(userId) ?? 0;
    if (userRuns.size + claimsPending >= limits.activeRunsPerUserMax) {
      return { error: `request_id: this user already has ${userRuns.size + claimsPending} active runs (limit ${limits.activeRunsPerUserMax})` };
    }
    rememberRequest(userId, frame.request_id);
    const claims = options.requestClaims;
    if (claims === undefined) return { runId: beginRun(userId, frame, { script, scriptName, userRuns }) };
    claimsPendingByUser.set(userId, claimsPending + 1);
    claimUntilSettled(userId, frame, { claims, script, scriptName });
    return { claiming: true };
  }

  /**
   * Claims `frame`'s request id, asking again while it is `held` (see claimRetryPlan), and
   * starts the run if it is won. A `held` claim is one whose owner may have died before its
   * run began: its lease ends at most a lease later, and nobody else would ask again (the
   * client re-sends only when it reconnects).
   */
  function claimUntilSettled(userId: string, frame: StartAgentFrame, chosen: { claims: RequestClaims; script: AgentScript; scriptName: string }): void {
    const { claims, script, scriptName } = chosen;
    const { retryMs, heldMsMax } = claimRetryPlan(claims.leaseMs);
    const firstAskAtMs = clock.nowMs();
    claimsMade += 1;
    const request = { userId, requestId: frame.request_id, attempt: `c${claimsMade}` };
    const settle = (answer: ClaimAnswer) => {
      const left = (claimsPendingByUser.get(userId) ?? 1) - 1;
      if (left > 0) claimsPendingByUser.set(userId, left);
      else claimsPendingByUser.delete(userId);
      if (stopped) return;
      if (answer === "held") {
        forgetRequest(userId, frame.request_id);
        claimsAbandoned += 1;
        options.onClaimAbandoned?.({ userId, requestId: frame.request_id, heldMs: clock.nowMs() - firstAskAtMs });
        return;
      }
      if (answer === "taken") return;
      const runs = activeRunsByUser.get(userId) ?? new Set<string>();
      activeRunsByUser.set(userId, runs);
      beginRun(userId, frame, { script, scriptName, userRuns: runs });
      claims.started(userId, frame.request_id);
    };
    const ask = () => {
      claims.claim(request, (answer) => {
        if (answer !== "held" || stopped || clock.nowMs() + retryMs - firstAskAtMs > heldMsMax) {
          settle(answer);
          return;
        }
        const timer = scheduler.after(retryMs, () => {
          claimRetryTimers.delete(timer);
          ask();
        });
        claimRetryTimers.add(timer);
      });
    };
    ask();
  }

  /** Starts the run `frame` asked for (its request id already remembered and, with several instances, claimed). */
  function beginRun(userId: string, frame: StartAgentFrame, chosen: { script: AgentScript; scriptName: string; userRuns: Set<string> }): string {
    const { script, scriptName, userRuns } = chosen;
    const run: Run = {
      userId,
      runId: ids.next("r-"),
      agentId: ids.next("a-"),
      script,
      startedAtMs: clock.nowMs(),
      stepIndex: 0,
      thinkingCount: 0,
      activeTool: null,
      stepTimer: null,
      heartbeatTimer: null,
      deadlineTimer: null,
    };
    activeRuns.set(run.runId, run);
    userRuns.add(run.runId);
    runsStarted += 1;
    run.deadlineTimer = scheduler.after(limits.runDurationMsMax, () => {
      run.deadlineTimer = null;
      const error = `run exceeded ${limits.runDurationMsMax} ms`;
      complete(run, { status: "error", error: { error, severity: "high", recoverySuggestions: ["Split the request into smaller ones"] } });
    });
    emit(run, {
      type: "agent_started",
      run_id: run.runId,
      data: { agent_id: run.agentId, agent_type: frame.agent_type, user_id: userId, timestamp: new Date(run.startedAtMs).toISOString() },
    });
    options.onRunStarted?.({ userId, runId: run.runId, requestId: frame.request_id, scriptName });
    runStep(run);
    return run.runId;
  }

  function cancel(userId: string, frame: CancelFrame): CommandAnswer {
    const run = activeRuns.get(frame.run_id);
    // Another user's run answers exactly like a missing one: no information leaks across users.
    if (run === undefined || run.userId !== userId) {
      return { error: { code: "bad_field", message: `run_id: no active run "${frame.run_id.slice(0, 64)}" for this user` } };
    }
    complete(run, { status: "cancelled", finalResponse: "Cancelled at the user's request." });
    return undefined;
  }

  function handleCommand(command: ManagerCommand): CommandAnswer {
    if (command.frame.type === "cancel") return cancel(command.userId, command.frame);
    const started = startRun(command.userId, command.frame);
    return "error" in started ? { error: { code: "bad_field", message: started.error } } : undefined;
  }

  return {
    handleCommand,
    startRun,
    stats: () => ({ activeRuns: activeRuns.size, runsStarted, runsCompleted, claimsAbandoned }),
    stop: () => {
      stopped = true;
      for (const timer of claimRetryTimers) timer.cancel();
      claimRetryTimers.clear();
      for (const run of [...activeRuns.values()]) end(run);
    },
  };
}
