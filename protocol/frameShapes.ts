/**
 * Every frame of the protocol (docs/protocol.md) as data: one table of fields and
 * the rule each field follows. It is the single source of truth for frames:
 * - the frame types (`frames.ts`) are computed from it ({@link ShapeValue});
 * - the zod schemas (`schemas.ts`, used by the server and for files) are built from it;
 * - the plain validators (`validateFrame.ts`, the checker's hot path, bundled into
 *   k6) are built from it.
 * A differential test proves the zod and the plain forms accept and reject the same
 * values. Runtime-free and allocation-free: this module is bundled into k6 scripts.
 */
import { PROTOCOL_ERROR_CODES } from "./limits.ts";

/**
 * The rule of one field. A string names a rule of {@link FIELD_RULE_NAMES}; an array
 * is an enumeration of allowed strings; `{ optional: rule }` may be absent.
 */
export type FieldRule = FieldRuleName | readonly string[] | { readonly optional: FieldRuleName | readonly string[] } | { readonly literal: string };

/** Named field rules, each with its one-line meaning (used in problem messages and docs). */
export const FIELD_RULE_NAMES = {
  nonEmptyString: "a non-empty string",
  positiveInteger: "a positive integer",
  nonNegativeInteger: "a non-negative integer",
  positiveNumber: "a positive number",
  nonNegativeNumber: "a non-negative number",
  /** A JSON object with at least one key. */
  nonEmptyObject: "a non-empty object",
  /** Any JSON object (the envelope's `data`, checked per type). */
  object: "an object",
  nonEmptyStringList: "a non-empty array of non-empty strings",
  /** ISO text or a positive number (ms). */
  timestamp: "a non-empty string or a positive number",
} as const;

/** The name of a field rule. */
export type FieldRuleName = keyof typeof FIELD_RULE_NAMES;

/** A frame's fields and their rules. */
export type FrameShape = Readonly<Record<string, FieldRule>>;

/** Client → server frames. */
export const CLIENT_FRAME_SHAPES = {
  start_agent: {
    type: { literal: "start_agent" },
    request_id: "nonEmptyString",
    agent_type: "nonEmptyString",
    message: "nonEmptyString",
    scenario: { optional: "nonEmptyString" },
  },
  ack: { type: { literal: "ack" }, seq: "nonNegativeInteger" },
  cancel: { type: { literal: "cancel" }, run_id: "nonEmptyString" },
} as const satisfies Record<string, FrameShape>;

/** Server → client control frames. */
export const SERVER_CONTROL_SHAPES = {
  connected: {
    type: { literal: "connected" },
    user_id: "nonEmptyString",
    connection_id: "nonEmptyString",
    epoch: "nonEmptyString",
    last_seq: "nonNegativeInteger",
  },
  protocol_error: { type: { literal: "protocol_error" }, code: PROTOCOL_ERROR_CODES, message: "nonEmptyString" },
  resync_required: {
    type: { literal: "resync_required" },
    epoch: "nonEmptyString",
    oldest_seq: "positiveInteger",
    last_seq: "nonNegativeInteger",
  },
} as const satisfies Record<string, FrameShape>;

/** The envelope every agent event shares; `data` follows {@link AGENT_EVENT_DATA_SHAPES}. */
export const AGENT_EVENT_ENVELOPE_SHAPE = {
  type: "nonEmptyString",
  seq: "positiveInteger",
  epoch: "nonEmptyString",
  run_id: "nonEmptyString",
  user_id: "nonEmptyString",
  ts: "positiveNumber",
  data: "object",
} as const satisfies FrameShape;

/**
 * `data` of each agent event type: every field present and non-empty. The keys are the
 * event types (`eventTypes.ts` derives `AgentEventType` and `AGENT_EVENT_TYPES` from them),
 * in the order a typical run emits them.
 */
export const AGENT_EVENT_DATA_SHAPES = {
  agent_started: { agent_id: "nonEmptyString", agent_type: "nonEmptyString", user_id: "nonEmptyString", timestamp: "timestamp" },
  agent_thinking: { agent_id: "nonEmptyString", thinking_content: "nonEmptyString", step_number: "positiveInteger" },
  tool_executing: { tool_name: "nonEmptyString", tool_args: "nonEmptyObject", execution_id: "nonEmptyString" },
  tool_completed: { tool_name: "nonEmptyString", execution_id: "nonEmptyString", result_summary: "nonEmptyString", status: ["ok", "error"] },
  partial_result: { agent_id: "nonEmptyString", content: "nonEmptyString" },
  error_event: {
    agent_id: "nonEmptyString",
    error: "nonEmptyString",
    severity: ["critical", "high", "medium", "low"],
    recovery_suggestions: "nonEmptyStringList",
  },
  agent_completed: {
    agent_id: "nonEmptyString",
    final_response: "nonEmptyString",
    execution_time: "nonNegativeNumber",
    status: ["success", "error", "cancelled"],
  },
} as const satisfies Record<string, FrameShape>;

/** The TypeScript value of a field rule. */
export type RuleValue<R> = R extends { readonly literal: infer L }
  ? L
  : R extends readonly (infer E)[]
    ? E
    : R extends "nonEmptyString"
      ? string
      : R extends "positiveInteger" | "nonNegativeInteger" | "positiveNumber" | "nonNegativeNumber"
        ? number
        : R extends "nonEmptyObject" | "object"
          ? Record<string, unknown>
          : R extends "nonEmptyStringList"
            ? string[]
            : R extends "timestamp"
              ? string | number
              : never;

type OptionalKeys<S> = { [K in keyof S]: S[K] extends { readonly optional: unknown } ? K : never }[keyof S];
type RequiredKeys<S> = Exclude<keyof S, OptionalKeys<S>>;

/** The TypeScript type of a frame shape: required fields, then optional ones (absent, never undefined). */
export type ShapeValue<S> = { -readonly [K in RequiredKeys<S>]: RuleValue<S[K]> } & {
  -readonly [K in OptionalKeys<S>]?: S[K] extends { readonly optional: infer R } ? RuleValue<R> : never;
};
