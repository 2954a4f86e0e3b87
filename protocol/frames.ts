/**
 * TypeScript types for every frame, both directions, computed from the frame
 * table (`frameShapes.ts`): nothing here is written twice. Runtime-free.
 */
import type { AgentEventType } from "./eventTypes.ts";
import type {
  AGENT_EVENT_DATA_SHAPES,
  AGENT_EVENT_ENVELOPE_SHAPE,
  CLIENT_FRAME_SHAPES,
  SERVER_CONTROL_SHAPES,
  ShapeValue,
} from "./frameShapes.ts";

/** Client → server: start one agent run. `request_id` makes it idempotent per user. */
export type StartAgentFrame = ShapeValue<typeof CLIENT_FRAME_SHAPES.start_agent>;

/** Client → server: the client holds everything up to `seq`. */
export type AckFrame = ShapeValue<typeof CLIENT_FRAME_SHAPES.ack>;

/** Client → server: cancel one of this user's runs. */
export type CancelFrame = ShapeValue<typeof CLIENT_FRAME_SHAPES.cancel>;

/** Any valid client frame. */
export type ClientFrame = StartAgentFrame | AckFrame | CancelFrame;

/** Server → client, first frame on every connection; `last_seq` is the newest seq the server holds (0 when none). */
export type ConnectedFrame = ShapeValue<typeof SERVER_CONTROL_SHAPES.connected>;

/** Server → client: a client frame was refused; the connection stays open. */
export type ProtocolErrorFrame = ShapeValue<typeof SERVER_CONTROL_SHAPES.protocol_error>;

/**
 * Server → client: the requested resume point cannot be served losslessly.
 * `oldest_seq` is the oldest event the server still holds (last_seq + 1 when it holds none).
 */
export type ResyncRequiredFrame = ShapeValue<typeof SERVER_CONTROL_SHAPES.resync_required>;

/** `data` of each agent event type, as the protocol's table requires. */
export type AgentEventData = { [T in AgentEventType]: ShapeValue<(typeof AGENT_EVENT_DATA_SHAPES)[T]> };

/** The envelope every agent event shares (`ts`: server time of emission, ms since the Unix epoch). */
export type AgentEventOf<T extends AgentEventType> = Omit<ShapeValue<typeof AGENT_EVENT_ENVELOPE_SHAPE>, "type" | "data"> & {
  type: T;
  data: AgentEventData[T];
};

/** Any agent event (a discriminated union on `type`). */
export type AgentEvent = { [T in AgentEventType]: AgentEventOf<T> }[AgentEventType];

/** An agent event before the manager stamps it with `seq`, `epoch`, `user_id` and `ts`. */
export type AgentEventDraft = { [T in AgentEventType]: { type: T; run_id: string; data: AgentEventData[T] } }[AgentEventType];

/** Any valid server frame. */
export type ServerFrame = ConnectedFrame | ProtocolErrorFrame | ResyncRequiredFrame | AgentEvent;
