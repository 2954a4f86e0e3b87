/**
 * The seven agent event types of docs/protocol.md, in the order a typical run emits them.
 * Runtime-free: this module is bundled into k6 scripts.
 */
export const AGENT_EVENT_TYPES = [
  "agent_started",
  "agent_thinking",
  "tool_executing",
  "tool_completed",
  "partial_result",
  "error_event",
  "agent_completed",
] as const;

/** One of the seven agent event types. */
export type AgentEventType = (typeof AGENT_EVENT_TYPES)[number];

/** True when `type` names one of the seven agent events (not a control frame). */
export function isAgentEventType(type: unknown): type is AgentEventType {
  return typeof type === "string" && (AGENT_EVENT_TYPES as readonly string[]).includes(type);
}
