import type { AgentEvent } from "../../protocol/frames.ts";

/**
 * The event `publish` returned, asserted present: the in-process broker (the simulator's,
 * the properties', the default server's) stamps every event before `publish` returns.
 * Only a shared broker (Redis) answers later, and its callers do not need the event.
 */
export function stampedAtOnce(event: AgentEvent | undefined): AgentEvent {
  if (event === undefined) throw new Error("assertion: publish did not stamp at once; this caller needs the in-process broker");
  return event;
}
