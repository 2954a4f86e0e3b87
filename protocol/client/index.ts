/**
 * The package entry `agent-event-proof/client`: the event client and the protocol types an
 * app needs with it. Runtime-free (no Node API): bundle it for a browser or k6. See docs/client.md.
 */
export type { ClientTransport } from "./ClientTransport.ts";
export { createEventClient } from "./createEventClient.ts";
export type { EventClient } from "./EventClient.ts";
export type { EventClientOptions } from "./EventClientOptions.ts";
export { RECEIVE_OUTCOMES, type ReceiveOutcome } from "./ReceiveOutcome.ts";
export type { ResumePoint } from "./ResumePoint.ts";
export type { ResyncLoss } from "./ResyncLoss.ts";
export { withResumeQuery } from "./withResumeQuery.ts";
export type { AgentEvent, AgentEventOf, ClientFrame, ConnectedFrame, ProtocolErrorFrame, ResyncRequiredFrame, ServerFrame } from "../frames.ts";
export { AGENT_EVENT_TYPES, type AgentEventType } from "../eventTypes.ts";
export { serverFrameProblems } from "../validateServerFrame.ts";
