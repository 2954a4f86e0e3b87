/**
 * Invariant 6 for agent events: the envelope's user_id, and agent_started's
 * data.user_id, must be the connection's authenticated user. (The connected frame's
 * user_id is checked by checkConnected.) Read-only.
 */
import type { AgentEvent } from "../../frames.ts";
import { NO_FINDINGS, type Finding } from "./ViolationSink.ts";

/** See the module comment. */
export function checkIsolation(authenticatedUserId: string, event: AgentEvent, subject: string): readonly Finding[] {
  if (event.user_id !== authenticatedUserId) {
    return [
      {
        invariant: "isolation",
        kind: "foreign_event",
        runId: event.run_id,
        seqs: [event.seq],
        message: `${subject}: received ${describeEvent(event)} belonging to user ${event.user_id}.`,
      },
    ];
  }
  if (event.type === "agent_started" && event.data.user_id !== authenticatedUserId) {
    return [
      {
        invariant: "isolation",
        kind: "foreign_started_user",
        runId: event.run_id,
        seqs: [event.seq],
        message: `${subject}: received ${describeEvent(event)} whose data.user_id is ${event.data.user_id}.`,
      },
    ];
  }
  return NO_FINDINGS;
}

function describeEvent(event: AgentEvent): string {
  return `${event.type} seq ${event.seq} (epoch ${event.epoch}) of run ${event.run_id}`;
}
