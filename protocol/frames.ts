/**
 * TypeScript types for every frame of docs/protocol.md, both directions.
 * Runtime-free. The zod schemas in `schemas.ts` are the runtime form of these types.
 */
import type { AgentEventType } from "./eventTypes.ts";
import type { ProtocolErrorCode } from "./limits.ts";

/** Client → server: start one agent run. `request_id` makes it idempotent per user. */
export interface StartAgentFrame {
  type: "start_agent";
  request_id: string;
  agent_type: string;
  message: string;
  scenario?: string;
}

/** Client → server: the client holds everything up to `seq`. */
export interface AckFrame {
  type: "ack";
  seq: number;
}

/** Client → server: cancel one of this user's runs. */
export interface CancelFrame {
  type: "cancel";
  run_id: string;
}

/** Any valid client frame. */
export type ClientFrame = StartAgentFrame | AckFrame | CancelFrame;

/** Server → client, first frame on every connection. */
export interface ConnectedFrame {
  type: "connected";
  user_id: string;
  connection_id: string;
  epoch: string;
  /** Newest seq the server holds for this user (0 when none). */
  last_seq: number;
}

/** Server → client: a client frame was refused; the connection stays open. */
export interface ProtocolErrorFrame {
  type: "protocol_error";
  code: ProtocolErrorCode;
  message: string;
}

/** Server → client: the requested resume point cannot be served losslessly. */
export interface ResyncRequiredFrame {
  type: "resync_required";
  epoch: string;
  /** Seq of the oldest event the server still holds (last_seq + 1 when it holds none). */
  oldest_seq: number;
  last_seq: number;
}

/** `data` of each agent event type, as docs/protocol.md's table requires. */
export interface AgentEventData {
  agent_started: { agent_id: string; agent_type: string; user_id: string; timestamp: string | number };
  agent_thinking: { agent_id: string; thinking_content: string; step_number: number };
  tool_executing: { tool_name: string; tool_args: Record<string, unknown>; execution_id: string };
  tool_completed: { tool_name: string; execution_id: string; result_summary: string; status: "ok" | "error" };
  partial_result: { agent_id: string; content: string };
  error_event: {
    agent_id: string;
    error: string;
    severity: "critical" | "high" | "medium" | "low";
    recovery_suggestions: string[];
  };
  agent_completed: {
    agent_id: string;
    final_response: string;
    execution_time: number;
    status: "success" | "error" | "cancelled";
  };
}

/** The envelope every agent event shares. */
export interface AgentEventOf<T extends AgentEventType> {
  type: T;
  seq: number;
  epoch: string;
  run_id: string;
  user_id: string;
  /** Server time of emission, ms since the Unix epoch. */
  ts: number;
  data: AgentEventData[T];
}

/** Any agent event (a discriminated union on `type`). */
export type AgentEvent = { [T in AgentEventType]: AgentEventOf<T> }[AgentEventType];

/** An agent event before the manager stamps it with `seq`, `epoch`, `user_id` and `ts`. */
export type AgentEventDraft = { [T in AgentEventType]: { type: T; run_id: string; data: AgentEventData[T] } }[AgentEventType];

/** Any valid server frame. */
export type ServerFrame = ConnectedFrame | ProtocolErrorFrame | ResyncRequiredFrame | AgentEvent;
