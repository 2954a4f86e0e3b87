/**
 * Updates (or creates) a device view's run after its checks have observed the event.
 * The only writer of RunView; the checks only read.
 */
import type { AgentEvent } from "../../../frames.ts";
import type { RunView } from "../checkerState.ts";
import { rememberBounded } from "../rememberBounded.ts";

/** Options of {@link applyEventToRun}. */
export interface ApplyEventOptions {
  /** For a new run: the view may lack its earlier events. */
  relaxedAtStart: boolean;
  executionsRememberedPerRunMax: number;
  /** Called when an execution is forgotten because of the bound. */
  onExecutionForgotten: () => void;
}

/** Returns the run after `event` (a new record when `run` is undefined). */
export function applyEventToRun(run: RunView | undefined, event: AgentEvent, options: ApplyEventOptions): RunView {
  const current: RunView = run ?? {
    runId: event.run_id,
    firstSeq: event.seq,
    lastSeq: event.seq,
    started: false,
    relaxed: options.relaxedAtStart,
    thinkingSeen: false,
    toolExecutingSeen: false,
    errorEventSeen: false,
    completed: undefined,
    executions: new Map(),
  };
  if (event.seq > current.lastSeq) current.lastSeq = event.seq;
  if (current.completed !== undefined) return current;
  switch (event.type) {
    case "agent_started":
      current.started = true;
      break;
    case "agent_thinking":
      current.thinkingSeen = true;
      break;
    case "tool_executing": {
      current.toolExecutingSeen = true;
      const evicted = rememberBounded(
        current.executions,
        event.data.execution_id,
        { toolName: event.data.tool_name, executingSeq: event.seq, completedSeq: undefined },
        { entriesMax: options.executionsRememberedPerRunMax, preferEvict: (execution) => execution.completedSeq !== undefined },
      );
      if (evicted) options.onExecutionForgotten();
      break;
    }
    case "tool_completed": {
      const execution = current.executions.get(event.data.execution_id);
      if (execution !== undefined && execution.completedSeq === undefined) execution.completedSeq = event.seq;
      break;
    }
    case "error_event":
      current.errorEventSeen = true;
      break;
    case "agent_completed":
      current.completed = { seq: event.seq, status: event.data.status };
      break;
    case "partial_result":
      break;
  }
  return current;
}
