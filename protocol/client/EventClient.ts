/**
 * The event client's interface: the resume, dedup and ack rules every client of this
 * project follows (docs/client.md), as one state machine the host drives with socket
 * happenings. It reads no clock and opens no socket.
 */
import type { ClientFrame } from "../frames.ts";
import type { ClientTransport } from "./ClientTransport.ts";
import type { ReceiveOutcome } from "./ReceiveOutcome.ts";
import type { ResumePoint } from "./ResumePoint.ts";

/** One user's device-side view of its event stream, across connections. */
export interface EventClient {
  /** The epoch of the stream the client follows; null before its first `connected` frame. */
  readonly epoch: string | null;
  /** Highest seq held contiguously in {@link epoch}: the resume point (0: none). */
  readonly lastSeq: number;
  /** True between the current socket's `connected` frame and its close. */
  readonly connected: boolean;
  /** True while a socket is attached (from `socketOpened` to `socketClosed`). */
  readonly attached: boolean;
  /**
   * Events up to this seq on the current connection are replays, not live: the `last_seq` of
   * its `connected` frame (or of a later `resync_required`); 0 before either. A host that times
   * delivery (receive time − `ts`) times only events above it.
   */
  readonly replayThroughSeq: number;
  /** Events handed to the app since the last ack on this connection. */
  readonly eventsSinceAck: number;
  /** Where the next connect resumes; undefined before any epoch is known (connect fresh). */
  resumePoint(): ResumePoint | undefined;
  /** The host opened a socket (its `connected` frame is still to come); per-connection counts restart. */
  socketOpened(transport: ClientTransport): void;
  /**
   * One server frame of the attached socket, already JSON-parsed. Updates the resume point,
   * hands a new event to `onEvent`, acks when due, and says what it was. Allocates nothing
   * for an event.
   */
  receive(frame: unknown): ReceiveOutcome;
  /** The attached socket closed (or the host stopped reading it): nothing more is sent on it. */
  socketClosed(): void;
  /** Sends an app frame (`start_agent`, `cancel`) when connected; false when not (the app keeps it). */
  send(frame: ClientFrame): boolean;
  /** Acks the resume point now if events arrived since the last ack and the socket is connected; true if sent. */
  flushAck(): boolean;
}
