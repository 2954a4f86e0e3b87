/**
 * The protocol's answer to one client frame, written from docs/protocol.md and the server's
 * limits, independently of the server's parser: the fuzzing suite compares what the
 * server did with what this says it must do.
 *
 * Order of the checks, as a frame travels: a message over the frame bound never reaches
 * the protocol (ws closes 1009); a text frame that is not UTF-8 fails the WebSocket
 * (RFC 6455 §8.1: close 1007, also before the protocol); past the rate limit the
 * connection closes with 1008; then the frame itself: binary or not JSON or not an
 * object → bad_json, no string `type` → bad_field naming `type`, an unknown type →
 * unknown_type, a known type with a missing or wrong field → bad_field naming each such
 * field, and a well-formed frame gets its command's answer.
 */
import type { ProtocolErrorCode } from "../../protocol/limits.ts";

/** What the server must do with one frame. */
export type ExpectedAnswer =
  /** Close the connection with this code; later frames are moot. */
  | { kind: "close"; code: 1007 | 1008 | 1009 }
  /** A protocol_error with this code whose message names each of `fields` (`field: ...`). */
  | { kind: "protocol_error"; code: ProtocolErrorCode; fields: string[] }
  /** A valid start_agent: an agent_started, or (runs-per-user limit) a protocol_error bad_field on request_id. */
  | { kind: "run_started" }
  /** A valid ack: no answer at all. */
  | { kind: "silent" };

/** What the oracle needs to know about the connection and the server. */
export interface OracleContext {
  /** Largest message, bytes. */
  frameBytesMax: number;
  /** Frames per window before 1008. */
  messagesPerWindowMax: number;
  /** How many frames this connection already had handled in the window (before this one). */
  framesHandled: number;
  /** Newest seq of the user's stream when the frame is handled (an ack past it is refused). */
  streamLastSeq: number;
  /** Script names the server knows (start_agent's `scenario`). */
  scriptNames: ReadonlySet<string>;
  /** Run ids this user may cancel (its own active runs). */
  ownActiveRunIds: ReadonlySet<string>;
}

const KNOWN_TYPES = new Set(["start_agent", "ack", "cancel"]);

/** The expected answer to `payload` (its wire bytes) sent as a text or binary message. */
export function expectedAnswer(payload: Uint8Array, options: { binary: boolean; context: OracleContext }): ExpectedAnswer {
  const { binary, context } = options;
  if (payload.byteLength > context.frameBytesMax) return { kind: "close", code: 1009 };
  let text = "";
  if (!binary) {
    try {
      // ignoreBOM keeps a leading U+FEFF in the text, as the server's decoder does (and JSON.parse refuses it).
      text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(payload);
    } catch {
      return { kind: "close", code: 1007 };
    }
  }
  if (context.framesHandled + 1 > context.messagesPerWindowMax) return { kind: "close", code: 1008 };
  if (binary) return { kind: "protocol_error", code: "bad_json", fields: [] };
  return expectedForText(text, context);
}

function expectedForText(text: string, context: OracleContext): ExpectedAnswer {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: "protocol_error", code: "bad_json", fields: [] };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { kind: "protocol_error", code: "bad_json", fields: [] };
  const frame = value as Record<string, unknown>;
  const type = frame["type"];
  if (typeof type !== "string") return { kind: "protocol_error", code: "bad_field", fields: ["type"] };
  if (!KNOWN_TYPES.has(type) || !Object.hasOwn(frame, "type")) return { kind: "protocol_error", code: "unknown_type", fields: [] };
  if (type === "ack") return expectedForAck(frame, context);
  if (type === "cancel") return expectedForCancel(frame, context);
  return expectedForStart(frame, context);
}

const isNonEmptyString = (value: unknown): boolean => typeof value === "string" && value.length > 0;
const ownField = (frame: Record<string, unknown>, field: string): unknown => (Object.hasOwn(frame, field) ? frame[field] : undefined);

function expectedForAck(frame: Record<string, unknown>, context: OracleContext): ExpectedAnswer {
  const seq = ownField(frame, "seq");
  if (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 0 || seq > context.streamLastSeq) {
    return { kind: "protocol_error", code: "bad_field", fields: ["seq"] };
  }
  return { kind: "silent" };
}

function expectedForCancel(frame: Record<string, unknown>, context: OracleContext): ExpectedAnswer {
  const runId = ownField(frame, "run_id");
  if (!isNonEmptyString(runId) || !context.ownActiveRunIds.has(runId as string)) return { kind: "protocol_error", code: "bad_field", fields: ["run_id"] };
  return { kind: "silent" };
}

function expectedForStart(frame: Record<string, unknown>, context: OracleContext): ExpectedAnswer {
  const wrong = ["request_id", "agent_type", "message"].filter((field) => !isNonEmptyString(ownField(frame, field)));
  const scenario = ownField(frame, "scenario");
  if (Object.hasOwn(frame, "scenario") && !isNonEmptyString(scenario)) wrong.push("scenario");
  if (wrong.length > 0) return { kind: "protocol_error", code: "bad_field", fields: wrong };
  // Every valid start_agent the fuzzer sends names a scenario (so no run takes the 1.4 s default).
  if (typeof scenario === "string" && !context.scriptNames.has(scenario)) return { kind: "protocol_error", code: "bad_field", fields: ["scenario"] };
  return { kind: "run_started" };
}
