/**
 * zod schemas for every frame of docs/protocol.md. These are the single runtime source of
 * truth for "valid": the server parses client frames with them, and the checker
 * validates server frames (invariant 5, content) with them.
 */
import { z } from "zod";

const nonEmptyString = z.string().min(1, "must be a non-empty string");
const positiveInteger = z.number().int("must be an integer").positive("must be positive");
const nonNegativeInteger = z.number().int("must be an integer").nonnegative("must not be negative");
const nonEmptyObject = z
  .record(z.string(), z.unknown())
  .refine((value) => Object.keys(value).length > 0, "must be a non-empty object");

/** `start_agent` client frame. */
export const startAgentSchema = z.object({
  type: z.literal("start_agent"),
  request_id: nonEmptyString,
  agent_type: nonEmptyString,
  message: nonEmptyString,
  scenario: nonEmptyString.optional(),
});

/** `ack` client frame. */
export const ackSchema = z.object({ type: z.literal("ack"), seq: nonNegativeInteger });

/** `cancel` client frame. */
export const cancelSchema = z.object({ type: z.literal("cancel"), run_id: nonEmptyString });

/** Client frame schemas by type. */
export const clientFrameSchemas = { start_agent: startAgentSchema, ack: ackSchema, cancel: cancelSchema } as const;

/** `data` schemas per agent event type (docs/protocol.md's table: every field present and non-empty). */
export const agentEventDataSchemas = {
  agent_started: z.object({
    agent_id: nonEmptyString,
    agent_type: nonEmptyString,
    user_id: nonEmptyString,
    timestamp: z.union([nonEmptyString, z.number().positive("must be positive")]),
  }),
  agent_thinking: z.object({ agent_id: nonEmptyString, thinking_content: nonEmptyString, step_number: positiveInteger }),
  tool_executing: z.object({ tool_name: nonEmptyString, tool_args: nonEmptyObject, execution_id: nonEmptyString }),
  tool_completed: z.object({
    tool_name: nonEmptyString,
    execution_id: nonEmptyString,
    result_summary: nonEmptyString,
    status: z.enum(["ok", "error"], "must be ok or error"),
  }),
  partial_result: z.object({ agent_id: nonEmptyString, content: nonEmptyString }),
  error_event: z.object({
    agent_id: nonEmptyString,
    error: nonEmptyString,
    severity: z.enum(["critical", "high", "medium", "low"], "must be critical, high, medium or low"),
    recovery_suggestions: z.array(nonEmptyString).min(1, "must be a non-empty array"),
  }),
  agent_completed: z.object({
    agent_id: nonEmptyString,
    final_response: nonEmptyString,
    execution_time: z.number().nonnegative("must not be negative"),
    status: z.enum(["success", "error", "cancelled"], "must be success, error or cancelled"),
  }),
} as const;

/** The envelope shared by every agent event; `data` is checked per type. */
export const agentEventEnvelopeSchema = z.object({
  type: nonEmptyString,
  seq: positiveInteger,
  epoch: nonEmptyString,
  run_id: nonEmptyString,
  user_id: nonEmptyString,
  ts: z.number().positive("must be positive"),
  data: z.record(z.string(), z.unknown()),
});

/** Control frames the server sends. */
export const serverControlSchemas = {
  connected: z.object({
    type: z.literal("connected"),
    user_id: nonEmptyString,
    connection_id: nonEmptyString,
    epoch: nonEmptyString,
    last_seq: nonNegativeInteger,
  }),
  protocol_error: z.object({
    type: z.literal("protocol_error"),
    code: z.enum(["bad_json", "unknown_type", "bad_field"], "must be bad_json, unknown_type or bad_field"),
    message: nonEmptyString,
  }),
  resync_required: z.object({
    type: z.literal("resync_required"),
    epoch: nonEmptyString,
    oldest_seq: positiveInteger,
    last_seq: nonNegativeInteger,
  }),
} as const;

/** Formats zod issues as `path: rule` sentences, naming each field. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], pathPrefix = ""): string {
  return issues
    .map((issue) => {
      const path = [pathPrefix, ...issue.path.map(String)].filter((part) => part !== "").join(".");
      const message =
        issue.code === "invalid_type"
          ? issue.message.endsWith("received undefined")
            ? "is required"
            : `must be ${issue.expected} (${issue.message.replace(/^Invalid input: /, "")})`
          : issue.message;
      return `${path === "" ? "frame" : path}: ${message}`;
    })
    .join("; ");
}
