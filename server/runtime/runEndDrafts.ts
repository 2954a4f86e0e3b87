/**
 * How a run ends, as event drafts: one layout for the runtime (success, failure, deadline,
 * cancel) and for a survivor ending a dead instance's run (adapters/createRunLeases.ts).
 * Pure: the caller publishes the drafts, in its own documented order.
 */
import type { AgentEventData, AgentEventDraft } from "../../protocol/frames.ts";

/** What ends a run, as {@link runEndDrafts} needs it. */
export interface RunEnd {
  runId: string;
  agentId: string;
  status: AgentEventData["agent_completed"]["status"];
  /** `agent_completed.final_response`; with `error` and without this: `The run stopped: <error>.` */
  finalResponse?: string;
  /** `agent_completed.execution_time`, ms since the run started. */
  executionTimeMs: number;
  /** The tool still running, if any: it gets its `tool_completed` (status error), so pairing holds. */
  openTool: { name: string; executionId: string } | null;
  /** Why the open tool was abandoned: its `result_summary` reads `<tool> abandoned: <this>`. */
  abandonedBecause: string;
  /** The failure, if the run failed: an `error_event` precedes `agent_completed`. */
  error?: { error: string; severity: AgentEventData["error_event"]["severity"]; recoverySuggestions: string[] };
}

/** The drafts that end one run; `toolAbandoned` and `errorEvent` are null when not needed. */
export function runEndDrafts(end: RunEnd): { toolAbandoned: AgentEventDraft | null; errorEvent: AgentEventDraft | null; completed: AgentEventDraft } {
  const tool = end.openTool;
  const failure = end.error;
  return {
    toolAbandoned:
      tool === null
        ? null
        : {
            type: "tool_completed",
            run_id: end.runId,
            data: { tool_name: tool.name, execution_id: tool.executionId, result_summary: `${tool.name} abandoned: ${end.abandonedBecause}`, status: "error" },
          },
    errorEvent:
      failure === undefined
        ? null
        : {
            type: "error_event",
            run_id: end.runId,
            data: { agent_id: end.agentId, error: failure.error, severity: failure.severity, recovery_suggestions: failure.recoverySuggestions },
          },
    completed: {
      type: "agent_completed",
      run_id: end.runId,
      data: {
        agent_id: end.agentId,
        final_response: end.finalResponse ?? `The run stopped: ${failure?.error ?? end.status}.`,
        execution_time: end.executionTimeMs,
        status: end.status,
      },
    },
  };
}

/**
 * The events that end a run whose instance died (docs/protocol.md, "Several instances"), in
 * publish order: its open tool's `tool_completed` (error), `error_event`, `agent_completed`
 * (error). One wording for the Redis lease keeper and the simulator's.
 */
export function orphanEndDrafts(orphan: {
  runId: string;
  agentId: string;
  /** The dead instance that ran it, and the survivor ending it. */
  owner: string;
  endedBy: string;
  /** How long it ran before it was ended, ms. */
  executionTimeMs: number;
  openTool: { name: string; executionId: string } | null;
}): AgentEventDraft[] {
  const error = `the instance running this agent (${orphan.owner}) stopped; the run was ended by ${orphan.endedBy}`;
  const drafts = runEndDrafts({
    runId: orphan.runId,
    agentId: orphan.agentId,
    status: "error",
    executionTimeMs: orphan.executionTimeMs,
    openTool: orphan.openTool,
    abandonedBecause: "its instance stopped",
    error: { error, severity: "high", recoverySuggestions: ["Start the request again"] },
  });
  return [drafts.toolAbandoned, drafts.errorEvent, drafts.completed].filter((draft): draft is AgentEventDraft => draft !== null);
}
