/**
 * Script fidelity: did the runtime play the script it was given, event for event and
 * millisecond for millisecond? The checker judges what the protocol allows (a tool
 * reported failed, a run completed with no step played, both pass as valid protocol);
 * only the simulator knows each run's script, so it judges each run's emitted events
 * against it, after quiescence, beside the checker.
 *
 * The runtime (server/runtime/createAgentRuntime.ts) runs on the simulation's virtual
 * clock and its events are stamped when it publishes them, before any network, broker or
 * gateway: no fault moves them (restarts replace the gateway, not the runtime; a dead
 * instance's runs are ended by a survivor, below). So the judge is exact, faults or not.
 * A run's events must be, in this order and at these virtual times:
 *
 * - `agent_started` at the run's start S; the first step is due at S.
 * - think: an `agent_thinking` with the step's text at the step's due time; the next step
 *   is due `durationMs` later.
 * - partial: a `partial_result` with its text at its due time; the next is due `delayMs` later.
 * - tool: when no `agent_thinking` at all has been emitted in the run yet, one planning
 *   `agent_thinking` (the runtime's own, before a first tool), then `tool_executing` of
 *   that tool, both at the due time; its `tool_completed` exactly `timeoutMs` later for
 *   outcome timeout, `durationMs` later otherwise, status `ok` for outcome ok and `error`
 *   otherwise; a failed tool ends the run there: `error_event`, `agent_completed` status
 *   `error`, at that same time, and nothing after.
 * - then `agent_completed` status `success` at the due time after the last step, and nothing after.
 * - The silence heartbeat: an `agent_thinking` exactly `thinkingIntervalMs` after the run's
 *   previous event, when no step was due before (it counts as the run's thinking, so a tool
 *   after one gets no planning line). Between two events of a run never more than
 *   `thinkingIntervalMs`. On a tie the heartbeat comes first (its timer was armed first).
 *
 * Runs end early only for the reasons the runtime documents, and then the rest of the run
 * is its ending (`runEndDrafts`: [`error_event`] [`tool_completed` error for the tool in
 * flight] `agent_completed`): status `cancelled` (a client's cancel, at any time), or
 * status `error` with an `error_event` exactly `runDurationMsMax` after the start (the
 * deadline). A run a surviving instance ended because its own instance died
 * (sim/cluster/createSimRunLeases.ts) may be cut at any moment.
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

/** The runtime limits the judge needs, and which runs may be cut at any moment. */
export interface ScriptFidelityOptions {
  scriptOfRun: ReadonlyMap<string, AgentScript>;
  runDurationMsMax: number;
  /** The runtime's silence heartbeat interval, ms. */
  thinkingIntervalMs: number;
  /** Runs a surviving instance ended because their own instance died (sim/cluster/createSimRunLeases.ts): cut at any moment. */
  endedByLease?: ReadonlySet<string>;
}

/** Judges every completed run in `played` (run id → user and events) against its script. */
export function judgeScriptFidelity(played: ReadonlyMap<string, { userId: string; events: readonly PlayedEvent[] }>, options: ScriptFidelityOptions): ScriptFidelityFinding[] {
  const findings: ScriptFidelityFinding[] = [];
  for (const [runId, { userId, events }] of played) {
    const script = options.scriptOfRun.get(runId);
    if (script === undefined || !events.some((event) => event.type === "agent_completed")) continue;
    const problem = firstDeparture(script, events, {
      runDurationMsMax: options.runDurationMsMax,
      thinkingIntervalMs: options.thinkingIntervalMs,
      endedByLease: options.endedByLease?.has(runId) === true,
    });
    if (problem !== undefined) findings.push({ userId, runId, script: script.name, message: `user ${userId} run ${runId} (script ${script.name}): ${problem}` });
  }
  return findings;
}

type Limits = { runDurationMsMax: number; thinkingIntervalMs: number; endedByLease: boolean };

/** What a step's judging returns when the run was legitimately cut there: stop judging, nothing is wrong. */
const CUT = "";

/** Where `events` first leaves `script`, in one clause; undefined when the run played it (or was legitimately cut). */
function firstDeparture(script: AgentScript, events: readonly PlayedEvent[], limits: Limits): string | undefined {
  const first = events[0];
  if (first?.type !== "agent_started") return `the first event emitted is ${first?.type ?? "none"}, not agent_started`;
  const startedAtMs = first.atMs;
  let index = 1;
  let lastAtMs = startedAtMs;
  let dueAtMs = startedAtMs;
  let thought = false;
  const plus = (atMs: number) => `+${atMs - startedAtMs} ms`;
  const depart = (where: string, mismatch: string): string | undefined =>
    isLegitimateEnding(events.slice(index), { startedAtMs, ...limits }) ? undefined : `${where}: ${mismatch} (event ${index + 1} of ${events.length})`;
  /** Takes the heartbeats due now; `ownText`: the think step due, whose agent_thinking is not one. */
  const takeHeartbeats = (ownText?: string): void => {
    for (let event = events[index]; event?.type === "agent_thinking" && event.atMs === lastAtMs + limits.thinkingIntervalMs; event = events[index]) {
      if (event.text === ownText && event.atMs === dueAtMs) return;
      thought = true;
      lastAtMs = event.atMs;
      index += 1;
    }
  };
  /** Takes the event due at `atMs` if it is `expected`; else the departure. */
  const take = (where: string, expected: string, matches: (event: PlayedEvent) => boolean, atMs: number): string | undefined => {
    const event = events[index];
    if (event === undefined || !matches(event)) {
      return depart(where, `expected ${expected}, emitted ${describeEvent(event)}`) ?? CUT;
    }
    if (event.atMs !== atMs) return depart(where, `expected ${expected} at ${plus(atMs)} into the run, emitted at ${plus(event.atMs)}`) ?? CUT;
    if (event.atMs - lastAtMs > limits.thinkingIntervalMs) {
      return depart(where, `${event.atMs - lastAtMs} ms of silence before its ${event.type}, past thinkingIntervalMs ${limits.thinkingIntervalMs} (a heartbeat missing)`) ?? CUT;
    }
    if (event.type === "agent_thinking") thought = true;
    lastAtMs = event.atMs;
    index += 1;
    return undefined;
  };
  for (const [stepIndex, step] of script.steps.entries()) {
    const where = `step ${stepIndex + 1} of ${script.steps.length} (${describeStep(step)})`;
    const problem = playStep(step, where);
    if (problem !== undefined) return problem === CUT ? undefined : problem;
    if (step.kind === "tool" && step.outcome !== "ok") return failedToolEnding(events.slice(index), { where, atMs: dueAtMs });
  }
  takeHeartbeats();
  const ended = take("after the last step", "agent_completed with status success", (event) => event.type === "agent_completed" && event.status === "success", dueAtMs);
  if (ended !== undefined) return ended === CUT ? undefined : ended;
  return index === events.length ? undefined : `${events.length - index} event(s) emitted after agent_completed`;

  /** Takes one step's events: undefined when played, CUT when the run was legitimately cut there, else the departure. */
  function playStep(step: AgentStep, where: string): string | undefined {
    if (step.kind === "think") {
      takeHeartbeats(step.content);
      const problem = take(where, "its agent_thinking", (event) => event.type === "agent_thinking" && event.text === step.content, dueAtMs);
      dueAtMs += step.durationMs;
      return problem;
    }
    takeHeartbeats();
    if (step.kind === "partial") {
      const problem = take(where, "its partial_result", (event) => event.type === "partial_result" && event.text === step.content, dueAtMs);
      dueAtMs += step.delayMs;
      return problem;
    }
    if (!thought) {
      const planned = take(where, "the planning agent_thinking before a first tool", (event) => event.type === "agent_thinking", dueAtMs);
      if (planned !== undefined) return planned;
    }
    const started = take(where, `tool_executing of ${step.name}`, (event) => event.type === "tool_executing" && event.toolName === step.name, dueAtMs);
    if (started !== undefined) return started;
    const timesOut = step.outcome === "timeout";
    const waitMs = timesOut ? (step.timeoutMs as number) : step.durationMs;
    dueAtMs += waitMs;
    takeHeartbeats();
    const status = step.outcome === "ok" ? "ok" : "error";
    const completed = events[index];
    const isCompletion = completed?.type === "tool_completed" && completed.toolName === step.name && completed.status === status;
    if (isCompletion && completed.atMs !== dueAtMs) {
      const afterMs = completed.atMs - (dueAtMs - waitMs);
      return depart(where, `its tool_completed came ${afterMs} ms after its tool_executing, expected ${waitMs} ms (its ${timesOut ? "timeoutMs: the tool times out" : "durationMs"})`) ?? CUT;
    }
    return take(where, `tool_completed of ${step.name} with status ${status}`, () => isCompletion, dueAtMs);
  }
}

/**
 * After a failed tool, at the moment of its tool_completed: error_event, agent_completed (error), nothing more.
 * Or a cancel that came at that same moment, just before: its tool_completed (error) was the abandoned one, and agent_completed (cancelled) follows alone.
 */
function failedToolEnding(rest: readonly PlayedEvent[], options: { where: string; atMs: number }): string | undefined {
  const shape = shapeOf(rest);
  const onTime = rest.every((event) => event.atMs === options.atMs);
  return onTime && (shape === "error_event, agent_completed(error)" || shape === "agent_completed(cancelled)")
    ? undefined
    : `${options.where}: the tool failed, so expected error_event then agent_completed (error) at once and nothing more, emitted [${shape}]${onTime ? "" : " (not at once)"}`;
}

/**
 * A cut the runtime documents, all at one moment: [error_event] [tool_completed (error)] agent_completed, cancelled at any time,
 * or error exactly at the deadline; or a survivor's ending of a dead instance's run: [tool_completed (error)] error_event agent_completed (error), at any time.
 */
function isLegitimateEnding(rest: readonly PlayedEvent[], options: { startedAtMs: number } & Limits): boolean {
  if (options.endedByLease) {
    const shape = shapeOf(rest.filter((event) => event.type !== "agent_thinking"));
    return shape === "error_event, agent_completed(error)" || shape === "tool_completed(error), error_event, agent_completed(error)";
  }
  const completed = rest[rest.length - 1];
  if (completed?.type !== "agent_completed" || rest.some((event) => event.atMs !== completed.atMs)) return false;
  let index = 0;
  const hasErrorEvent = rest[index]?.type === "error_event";
  if (hasErrorEvent) index += 1;
  if (rest[index]?.type === "tool_completed" && rest[index]?.status === "error") index += 1;
  if (index !== rest.length - 1) return false;
  if (completed.status === "cancelled") return !hasErrorEvent;
  return completed.status === "error" && hasErrorEvent && completed.atMs - options.startedAtMs === options.runDurationMsMax;
}

/** Events as `type(status), …`, to compare an ending with the documented ones. */
function shapeOf(events: readonly PlayedEvent[]): string {
  return events.map((event) => `${event.type}${event.status === undefined ? "" : `(${event.status})`}`).join(", ");
}

/** An event in a message: its type, its status, the start of its text. */
function describeEvent(event: PlayedEvent | undefined): string {
  if (event === undefined) return "nothing more";
  const text = event.text === undefined ? "" : ` "${event.text.length > 60 ? `${event.text.slice(0, 60)}…` : event.text}"`;
  return `${event.type}${event.status === undefined ? "" : ` (${event.status})`}${text}`;
}

function describeStep(step: AgentStep): string {
  if (step.kind === "tool") return `tool ${step.name}, outcome ${step.outcome}`;
  return step.kind;
}
