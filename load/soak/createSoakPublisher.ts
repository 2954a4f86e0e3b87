/**
 * Publishes agent events at a steady rate into every user, straight into the manager
 * (`server.manager.publish`), round-robin over the users. Each user plays well-formed
 * runs (started, thinking, tool executing/completed, partials, completed), so the
 * shared checker judges them like real ones. `stop()` plays every open run to its end,
 * so no run is left unfinished.
 */
import type { AgentEventDraft } from "../../protocol/frames.ts";
import type { Clock } from "../../server/ports/clock.ts";
import type { Scheduler, TimerHandle } from "../../server/ports/scheduler.ts";

/** Publisher tick, ms: each tick publishes what the rate owes since the start. */
export const PUBLISH_TICK_MS = 10;
/** Most events one tick publishes, in seconds of rate: after a stall the publisher catches up this much at once, not more. */
export const PUBLISH_BURST_SECONDS_MAX = 0.5;

/** Events of one run, in order (8 events). */
export const RUN_EVENT_COUNT = 8;

/** Options of {@link createSoakPublisher}. */
export interface SoakPublisherOptions {
  clock: Clock;
  scheduler: Scheduler;
  users: readonly string[];
  /** Events per second, all users together. */
  ratePerSecond: number;
  publish: (userId: string, draft: AgentEventDraft) => void;
}

/** A running publisher. */
export interface SoakPublisher {
  start(): void;
  /** Stops the rate and finishes every open run. */
  stop(): void;
  /** Events published so far. */
  published(): number;
  /** A planted fault: publishes nothing for `durationMs` from now (runs stay open); the rate then resumes. */
  stall(durationMs: number): void;
}

interface UserRun {
  runNumber: number;
  step: number;
}

/** The `step`-th event (0-based) of run `runNumber` of `userId`. */
export function soakRunEvent(userId: string, runNumber: number, step: number, nowMs: number): AgentEventDraft {
  const runId = `r-${userId}-${runNumber}`;
  const agentId = `a-${userId}-${runNumber}`;
  const executionId = `x-${userId}-${runNumber}`;
  switch (step) {
    case 0:
      return { type: "agent_started", run_id: runId, data: { agent_id: agentId, agent_type: "soak", user_id: userId, timestamp: nowMs } };
    case 1:
      return { type: "agent_thinking", run_id: runId, data: { agent_id: agentId, thinking_content: "Planning the soak step.", step_number: 1 } };
    case 2:
      return { type: "tool_executing", run_id: runId, data: { tool_name: "query_metrics", tool_args: { window: "1h" }, execution_id: executionId } };
    case 3:
      return { type: "tool_completed", run_id: runId, data: { tool_name: "query_metrics", execution_id: executionId, result_summary: "cpu 40%", status: "ok" } };
    case 4:
    case 5:
    case 6:
      return { type: "partial_result", run_id: runId, data: { agent_id: agentId, content: `Partial ${step - 3} of run ${runNumber}.` } };
    default:
      return { type: "agent_completed", run_id: runId, data: { agent_id: agentId, final_response: "Soak run done.", execution_time: 1, status: "success" } };
  }
}

/** Creates a publisher; call `start()`. */
export function createSoakPublisher(options: SoakPublisherOptions): SoakPublisher {
  const { clock, scheduler, users, ratePerSecond, publish } = options;
  const runs = new Map<string, UserRun>(users.map((userId) => [userId, { runNumber: 1, step: 0 }]));
  let cursor = 0;
  let published = 0;
  let startedAtMs = 0;
  let owedBase = 0;
  let timer: TimerHandle | null = null;
  let stalledUntilMs = 0;

  function publishNext(userId: string): void {
    const run = runs.get(userId) as UserRun;
    publish(userId, soakRunEvent(userId, run.runNumber, run.step, clock.nowMs()));
    published += 1;
    run.step += 1;
    if (run.step === RUN_EVENT_COUNT) {
      run.runNumber += 1;
      run.step = 0;
    }
  }

  function tick(): void {
    timer = null;
    if (clock.nowMs() < stalledUntilMs) {
      timer = scheduler.after(PUBLISH_TICK_MS, tick);
      return;
    }
    const owed = owedBase + Math.floor(((clock.nowMs() - startedAtMs) * ratePerSecond) / 1_000) - published;
    const burstMax = Math.max(1, Math.floor(ratePerSecond * PUBLISH_BURST_SECONDS_MAX));
    const now = Math.min(owed, burstMax);
    for (let index = 0; index < now; index += 1) {
      publishNext(users[cursor % users.length] as string);
      cursor += 1;
    }
    // Owed events beyond the burst are forgiven, not queued: the achieved rate reports the shortfall.
    if (owed > burstMax) owedBase -= owed - burstMax;
    timer = scheduler.after(PUBLISH_TICK_MS, tick);
  }

  return {
    start() {
      startedAtMs = clock.nowMs();
      timer = scheduler.after(PUBLISH_TICK_MS, tick);
    },
    stop() {
      timer?.cancel();
      timer = null;
      for (const userId of users) {
        while ((runs.get(userId) as UserRun).step !== 0) publishNext(userId);
      }
    },
    published: () => published,
    stall(durationMs) {
      stalledUntilMs = clock.nowMs() + durationMs;
    },
  };
}
