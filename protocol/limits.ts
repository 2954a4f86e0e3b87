/**
 * Wire limits fixed by docs/protocol.md. Everything else (buffers, heartbeats) is a
 * server option; these are part of the contract itself.
 */

/** Largest client frame, in bytes. A bigger frame is closed with {@link CLOSE_CODES.messageTooBig}. */
export const CLIENT_FRAME_BYTES_MAX = 64 * 1024;

/** WebSocket close codes the protocol gives meaning to. */
export const CLOSE_CODES = {
  /** Server shutdown (and a gateway restart). */
  goingAway: 1001,
  /** Repeated abuse: the per-connection message rate limit was exceeded. */
  policyViolation: 1008,
  /** A client frame over {@link CLIENT_FRAME_BYTES_MAX}. */
  messageTooBig: 1009,
  /** A send to the socket failed; the events stay in the replay buffer. */
  internalError: 1011,
  /** The server cannot serve this user's stream right now (its broker is unreachable or lost the stream's history): resume later, on any instance. */
  tryAgainLater: 1013,
  /** The connection's token expired while it was open (this project's choice; docs/protocol.md leaves it open). */
  tokenExpired: 4401,
  /** Two heartbeat pongs missed. */
  heartbeatTimeout: 4408,
  /** Slow consumer: unsent bytes exceeded the configured bound. */
  slowConsumer: 4409,
} as const;

/** Protocol error codes carried by `protocol_error` frames. */
export const PROTOCOL_ERROR_CODES = ["bad_json", "unknown_type", "bad_field"] as const;

/** One of {@link PROTOCOL_ERROR_CODES}. */
export type ProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number];
