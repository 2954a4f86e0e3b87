/**
 * What the event client made of one server frame: returned by `EventClient.receive`, so
 * a host can count or display it without a callback per kind. Plain strings: no
 * allocation per frame (the client runs inside k6's slow JavaScript engine).
 */

/** Every outcome of `EventClient.receive`, with its meaning. */
export const RECEIVE_OUTCOMES = {
  /** A `connected` frame: the connection is usable; the first one ever sets the epoch and resume point. */
  connected: "connected",
  /** A `resync_required` frame: the resume point moved to `oldest_seq - 1` in its epoch. */
  resync: "resync",
  /** A `protocol_error` frame: the server refused one of our frames. */
  protocolError: "protocol_error",
  /** The next event of the stream (seq = resume point + 1, current epoch): handed to the app. */
  event: "event",
  /** An event the client already holds (seq ≤ resume point): a replay overlap, dropped. */
  duplicate: "duplicate",
  /** An event past a hole (seq > resume point + 1): dropped; the next resume asks for the hole again. */
  gap: "gap",
  /** An event of another epoch than the client's (or before any epoch is known): dropped. */
  foreignEpoch: "foreign_epoch",
  /** Not a frame the client acts on (no socket attached, not an object, no numeric seq, unknown control frame). */
  ignored: "ignored",
} as const;

/** One of {@link RECEIVE_OUTCOMES}. */
export type ReceiveOutcome = (typeof RECEIVE_OUTCOMES)[keyof typeof RECEIVE_OUTCOMES];
