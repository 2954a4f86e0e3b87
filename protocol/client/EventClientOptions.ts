/**
 * Options of `createEventClient`: the ack pacing and the app's callbacks. Every callback
 * is optional and plain (no Promise per event).
 */
import type { AgentEvent, ConnectedFrame, ProtocolErrorFrame, ResyncRequiredFrame } from "../frames.ts";
import type { ResyncLoss } from "./ResyncLoss.ts";

/** How the client acks and whom it tells. */
export interface EventClientOptions {
  /**
   * Send `ack` after this many events were handed to the app on one connection; 0 never.
   * The ack carries the resume point, so a late ack covers every event before it (acks coalesce).
   */
  ackEveryEvents: number;
  /**
   * Asked when an ack is due; `false` postpones it to the next event, whose ack then carries
   * the newer resume point (e.g. a host under a client frame-rate cap). Default: always allowed.
   */
  ackAllowed?: () => boolean;
  /**
   * Each agent event of the stream, in seq order, exactly once across reconnects and replays
   * (within one epoch; a resync starts a new count). Only `type`, `seq` and `epoch` were read:
   * validate the rest with `serverFrameProblems` if the server is not trusted.
   */
  onEvent?: (event: AgentEvent) => void;
  /** The `connected` frame of each connection (re-send what the app still owes from here). */
  onConnected?: (frame: ConnectedFrame) => void;
  /** A `resync_required`: events may be lost; `loss` says how many when it is known. */
  onResync?: (frame: ResyncRequiredFrame, loss: ResyncLoss) => void;
  /** A `protocol_error`: the server refused one of our frames. */
  onProtocolError?: (frame: ProtocolErrorFrame) => void;
}
