/**
 * Script fidelity: did the runtime play the script it was given? The checker judges what
 * the protocol allows (a tool reported failed, a run completed with no step played, both
 * pass as valid protocol); only the simulator knows each run's script, so it judges each
 * run's emitted events against it, after quiescence, beside the checker.
 *
 * A run's events must be: `agent_started`, then each step in order (think: an
 * `agent_thinking` with the step's text; partial: a `partial_result` with its text; tool:
 * `tool_executing` of that tool, then its `tool_completed`, status `ok` for outcome ok and
 * `error` otherwise, and a failed tool ends the run: `error_event`, `agent_completed`
 * status `error`), then `agent_completed` status `success`, and nothing after. Any
 * `agent_thinking` whose text is not the next think step's may come anywhere (the
 * silence heartbeat, the planning line before a first tool).
 *
 * Runs end early only for the reasons the runtime documents, and then the rest of the run
 * is its ending (`runEndDrafts`: [`error_event`] [`tool_completed` error for the tool in
 * flight] `agent_completed`): status `cancelled` (a client's cancel), or status `error`
 * with an `error_event` once the run is at least `runDurationMsMax` old (the deadline).
 * Restarts replace the gateway, not the runtime: runs go on, and are judged whole.
 * Runs without an emitted `agent_completed` are not judged here (liveness is).
 */
import type { AgentScript, AgentStep } from "../../server/runtime/agentScript.ts";

/** One event the runtime emitted for a run, as fidelity needs it. */
export interface PlayedEvent {
  type: string;
  /** Virtual ms when it was emitted. */
  atMs: number;
  /** tool_completed and agent_completed: data.status. */
  status?: string;
  /** tool_executing and tool_completed: data.tool_name. */
  toolName?: string;
  /** agent_thinking: data.thinking_content; partial_result: data.content. */
  text?: string;
}

/** One run that did not play its script. */
export interface ScriptFidelityFinding {
  userId: string;
  runId: string;
  script: string;
  /** One sentence: the step, what was expected, what was emitted. */
  message: string;
}

/** Judges every completed run in `played` (run id → user and events) against its script. */
export function judgeScriptFidelity(
  played: ReadonlyMap<string, { userId: string; events: readonly PlayedEvent[] }>,
  options: {
    scriptOfRun: ReadonlyMap<string, AgentScript>;
    runDurationMsMax: number;
    /** Runs a surviving instance ended because their own instance died (sim/cluster/createSimRunLeases.ts): cut at any moment. */
    endedByLease?: ReadonlySet<string>;
  },
): ScriptFidelityFinding[] {
  const findings: ScriptFidelityFinding[] = [];
  for (const [runId, { userId, events }] of played) {
    const script = options.scriptOfRun.get(runId);
    if (script === undefined || !events.some((event) => event.type === "agent_completed")) continue;
    const problem = firstDeparture(script, events, { runDurationMsMax: options.runDurationMsMax, endedByLease: options.endedByLease?.has(runId) === true });
    if (problem !== undefined) findings.push({ userId, runId, script: script.name, message: `user ${userId} run ${runId} (script ${script.name}): ${problem}` });
  }
  return findings;
}

/** Where `events` first leaves `script`, in one clause; undefined when the run played it (or was legitimately cut). */
function firstDeparture(script: AgentScript, events: readonly PlayedEvent[], options: { runDurationMsMax: number; endedByLease: boolean }): string | undefined {
  const { runDurationMsMax, endedByLease } = options;
  if (events[0]?.type !== "agent_started") return `the first event emitted is ${events[0]?.type ?? "none"}, not agent_started`;
  const startedAtMs = events[0].atMs;
  let index = 1;
  const skipThinking = (unless?: string): void => {
    while (events[index]?.type === "agent_thinking" && events[index]?.text !== unless) index += 1;
  };
  const depart = (where: string, expected: string): string | undefined => {
    if (isLegitimateEnding(events.slice(index), { startedAtMs, runDurationMsMax, endedByLease })) return undefined;
    const seen = events[index];
    const described = seen === undefined ? "nothing more" : `${seen.type}${seen.status === undefined ? "" : ` (${seen.status})`}`;
    return `${where}: expected ${expected}, emitted ${described} (event ${index + 1} of ${events.length})`;
  };
  for (const [stepIndex, step] of script.steps.entries()) {
    const where = `step ${stepIndex + 1} of ${script.steps.length} (${describeStep(step)})`;
    if (step.kind === "think") {
      skipThinking(step.content);
      if (events[index]?.type !== "agent_thinking") return depart(where, "its agent_thinking");
      index += 1;
      continue;
    }
    skipThinking();
    if (step.kind === "partial") {
      if (events[index]?.type !== "partial_result" || events[index]?.text !== step.content) return depart(where, "its partial_result");
      index += 1;
      continue;
    }
    if (events[index]?.type !== "tool_executing" || events[index]?.toolName !== step.name) return depart(where, `tool_executing of ${step.name}`);
    index += 1;
    skipThinking();
    const status = step.outcome === "ok" ? "ok" : "error";
    const completed = events[index];
    if (completed?.type !== "tool_completed" || completed.toolName !== step.name || completed.status !== status) return depart(where, `tool_completed of ${step.name} with status ${status}`);
    index += 1;
    if (step.outcome !== "ok") return failedToolEnding(events, index, where);
  }
  skipThinking();
  const last = events[index];
  if (last?.type !== "agent_completed" || last.status !== "success") return depart("after the last step", "agent_completed with status success");
  return index === events.length - 1 ? undefined : `${events.length - 1 - index} event(s) emitted after agent_completed`;
}

/**
 * After a failed tool: error_event, agent_completed (error), nothing more (heartbeats may
 * come between). Or a cancel that came while the tool ran: its tool_completed (error) was
 * the abandoned one, and agent_completed (cancelled) follows alone.
 */
function failedToolEnding(events: readonly PlayedEvent[], from: number, where: string): string | undefined {
  const rest = events.slice(from).filter((event) => event.type !== "agent_thinking");
  const shape = rest.map((event) => `${event.type}${event.status === undefined ? "" : `(${event.status})`}`).join(", ");
  return shape === "error_event, agent_completed(error)" || shape === "agent_completed(cancelled)" ? undefined : `${where}: the tool failed, so expected error_event then agent_completed (error) and nothing more, emitted [${shape}]`;
}

/**
 * A cut the runtime documents: [error_event] [tool_completed (error)] agent_completed, cancelled, or error past the deadline;
 * or a survivor's ending of a dead instance's run: [tool_completed (error)] error_event agent_completed (error), at any time.
 */
function isLegitimateEnding(rest: readonly PlayedEvent[], options: { startedAtMs: number; runDurationMsMax: number; endedByLease: boolean }): boolean {
  const tail = rest.filter((event) => event.type !== "agent_thinking");
  if (options.endedByLease) {
    const shape = tail.map((event) => `${event.type}${event.status === undefined ? "" : `(${event.status})`}`).join(", ");
    return shape === "error_event, agent_completed(error)" || shape === "tool_completed(error), error_event, agent_completed(error)";
  }
  const completed = tail[tail.length - 1];
  if (completed?.type !== "agent_completed") return false;
  let index = 0;
  const hasErrorEvent = tail[index]?.type === "error_event";
  if (hasErrorEvent) index += 1;
  if (tail[index]?.type === "tool_completed" && tail[index]?.status === "error") index += 1;
  if (index !== tail.length - 1) return false;
  if (completed.status === "cancelled") return !hasErrorEvent;
  return completed.status === "error" && hasErrorEvent && completed.atMs - options.startedAtMs >= options.runDurationMsMax;
}

function describeStep(step: AgentStep): string {
  if (step.kind === "tool") return `tool ${step.name}, outcome ${step.outcome}`;
  return step.kind;
}
