/**
 * Validates one server frame (already JSON-parsed) against docs/protocol.md: control
 * frames by their schema, agent events by the envelope and the per-type `data` table.
 */
import { isAgentEventType } from "./eventTypes.ts";
import type { ServerFrame } from "./frames.ts";
import { agentEventDataSchemas, agentEventEnvelopeSchema, formatIssues, serverControlSchemas } from "./schemas.ts";

/** Result of {@link validateServerFrame}: the typed frame, or every problem found, each naming its field. */
export type ServerFrameValidation = { ok: true; frame: ServerFrame } | { ok: false; problems: string };

/** Validates a parsed server frame. Unknown `type`s are problems too. */
export function validateServerFrame(value: unknown): ServerFrameValidation {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, problems: "frame: must be a JSON object" };
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== "string") return { ok: false, problems: "type: is required and must be a string" };
  if (Object.hasOwn(serverControlSchemas, type)) {
    const parsed = serverControlSchemas[type as keyof typeof serverControlSchemas].safeParse(value);
    return parsed.success
      ? { ok: true, frame: parsed.data as ServerFrame }
      : { ok: false, problems: formatIssues(parsed.error.issues) };
  }
  if (!isAgentEventType(type)) return { ok: false, problems: `type: "${type.slice(0, 64)}" is not a server frame type` };
  const envelope = agentEventEnvelopeSchema.safeParse(value);
  const data = agentEventDataSchemas[type].safeParse((value as { data?: unknown }).data);
  const problems = [
    envelope.success ? "" : formatIssues(envelope.error.issues),
    data.success ? "" : formatIssues(data.error.issues, "data"),
  ].filter((text) => text !== "");
  return problems.length === 0 ? { ok: true, frame: value as ServerFrame } : { ok: false, problems: problems.join("; ") };
}
