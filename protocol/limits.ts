/**
 * Wire limits fixed by docs/protocol.md. Everything else (buffers, heartbeats) is a
 * server option; these are part of the contract itself.
 */

/** Largest client frame, in bytes. A bigger frame is closed with {@link CLOSE_CODES.messageTooBig}. */
export const CLIENT_FRAME_BYTES_MAX = 64 * 1024;

/** WebSocket close codes by name: computed from the one table in closeCodes.ts (re-exported here for existing importers). */
export { CLOSE_CODES } from "./closeCodes.ts";

/** Protocol error codes carried by `protocol_error` frames. */
export const PROTOCOL_ERROR_CODES = ["bad_json", "unknown_type", "bad_field"] as const;

/** One of {@link PROTOCOL_ERROR_CODES}. */
export type ProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number];
