/**
 * The agent event types of docs/protocol.md, in the order a typical run emits them:
 * derived from the frame table (`AGENT_EVENT_DATA_SHAPES` in frameShapes.ts), never
 * listed twice. Add an event type there and every `Record<AgentEventType, …>` (the
 * report's styles, …) fails to compile until it covers it (docs/extending.md).
 * Runtime-free: this module is bundled into k6 scripts.
 */
import { AGENT_EVENT_DATA_SHAPES } from "./frameShapes.ts";

/** One of the agent event types (a key of the frame table's `AGENT_EVENT_DATA_SHAPES`). */
export type AgentEventType = keyof typeof AGENT_EVENT_DATA_SHAPES;

/** Every agent event type, in the frame table's order (the order a typical run emits them). */
export const AGENT_EVENT_TYPES = Object.keys(AGENT_EVENT_DATA_SHAPES) as readonly AgentEventType[];

/** True when `type` names one of the agent events (not a control frame). */
export function isAgentEventType(type: unknown): type is AgentEventType {
  return typeof type === "string" && Object.hasOwn(AGENT_EVENT_DATA_SHAPES, type);
}
