/**
 * Parses one client text frame into a typed {@link ClientFrame}, or into the
 * `protocol_error` the server must answer with. Never throws: bad input from the
 * wire is an expected condition (STYLE rule 7).
 */
import type { ClientFrame } from "./frames.ts";
import type { ProtocolErrorCode } from "./limits.ts";
import { clientFrameSchemas, formatIssues } from "./schemas.ts";

/** Result of {@link parseClientFrame}. */
export type ClientFrameParse =
  | { ok: true; frame: ClientFrame }
  | { ok: false; code: ProtocolErrorCode; message: string };

/** Parses `text` (one WebSocket text frame) as a client frame. */
export function parseClientFrame(text: string): ClientFrameParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, code: "bad_json", message: `frame is not valid JSON: ${(error as Error).message}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, code: "bad_json", message: "frame must be a JSON object" };
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== "string") {
    return { ok: false, code: "bad_field", message: "type: is required and must be a string" };
  }
  if (!Object.hasOwn(clientFrameSchemas, type)) {
    return {
      ok: false,
      code: "unknown_type",
      message: `type: "${type.slice(0, 64)}" is not a client frame type (start_agent, ack, cancel)`,
    };
  }
  const schema = clientFrameSchemas[type as keyof typeof clientFrameSchemas];
  const parsed = schema.safeParse(value);
  if (!parsed.success) return { ok: false, code: "bad_field", message: formatIssues(parsed.error.issues) };
  return { ok: true, frame: parsed.data as ClientFrame };
}
