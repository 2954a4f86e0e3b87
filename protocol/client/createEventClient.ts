/**
 * Creates the project's event client: one pure state machine for the rules a client of
 * docs/protocol.md follows, shared by the simulator's devices, the live viewer, `npm run
 * record`, the k6 session and any app (`import { createEventClient } from
 * "agent-event-proof/client"`).
 *
 * Rules (one place, docs/client.md):
 * - Resume point = the highest seq held contiguously in the current epoch. The first
 *   `connected` frame ever sets the epoch and starts at its `last_seq` (live events only);
 *   later `connected` frames leave both alone: a server must answer a resume in another
 *   epoch with `resync_required`.
 * - An event advances the resume point only when it is the next one (seq = point + 1, same
 *   epoch); it is then handed to the app. A replayed seq (≤ point) is a duplicate and
 *   dropped; one past a hole is dropped too, so the next resume asks for the hole again.
 * - `resync_required` moves the point to `oldest_seq - 1` in its epoch and tells the app.
 * - Acks go every `ackEveryEvents` delivered events per connection, carrying the resume
 *   point; a postponed ack coalesces into the next one.
 * No clock, no timer, no Node API, no allocation per event: it runs in k6 and browsers.
 */
import type { AgentEvent, ClientFrame, ConnectedFrame, ProtocolErrorFrame, ResyncRequiredFrame } from "../frames.ts";
import type { ClientTransport } from "./ClientTransport.ts";
import type { EventClient } from "./EventClient.ts";
import type { EventClientOptions } from "./EventClientOptions.ts";
import { RECEIVE_OUTCOMES, type ReceiveOutcome } from "./ReceiveOutcome.ts";
import type { ResumePoint } from "./ResumePoint.ts";

/** The fields the client reads from a server frame; every one is checked before use. */
interface FrameFields {
  type?: unknown;
  seq?: unknown;
  epoch?: unknown;
  last_seq?: unknown;
  oldest_seq?: unknown;
}

/** Creates an event client; see the module comment for its rules. */
export function createEventClient(options: EventClientOptions): EventClient {
  const { ackEveryEvents, ackAllowed, onEvent, onConnected, onResync, onProtocolError } = options;
  let transport: ClientTransport | null = null;
  let connected = false;
  let epoch: string | null = null;
  let lastSeq = 0;
  let eventsSinceAck = 0;
  let replayThroughSeq = 0;

  function sendAck(): void {
    eventsSinceAck = 0;
    if (transport !== null && connected) transport.send({ type: "ack", seq: lastSeq });
  }

  function connectedFrame(frame: FrameFields): ReceiveOutcome {
    connected = true;
    if (typeof frame.last_seq === "number") replayThroughSeq = frame.last_seq;
    if (epoch === null && typeof frame.epoch === "string" && typeof frame.last_seq === "number") {
      // First connection ever: live events only, from the newest seq the server holds.
      epoch = frame.epoch;
      lastSeq = frame.last_seq;
    }
    onConnected?.(frame as ConnectedFrame);
    return RECEIVE_OUTCOMES.connected;
  }

  function resyncFrame(frame: FrameFields): ReceiveOutcome {
    if (typeof frame.epoch !== "string" || typeof frame.oldest_seq !== "number") return RECEIVE_OUTCOMES.ignored;
    const previousEpoch = epoch;
    const previousLastSeq = lastSeq;
    epoch = frame.epoch;
    lastSeq = frame.oldest_seq - 1;
    if (typeof frame.last_seq === "number") replayThroughSeq = frame.last_seq;
    if (onResync !== undefined) {
      const lostEvents = previousEpoch === epoch ? Math.max(0, lastSeq - previousLastSeq) : null;
      onResync(frame as ResyncRequiredFrame, { previousEpoch, previousLastSeq, lostEvents });
    }
    return RECEIVE_OUTCOMES.resync;
  }

  function eventFrame(frame: FrameFields, seq: number): ReceiveOutcome {
    if (epoch === null || frame.epoch !== epoch) return RECEIVE_OUTCOMES.foreignEpoch;
    if (seq <= lastSeq) return RECEIVE_OUTCOMES.duplicate;
    if (seq !== lastSeq + 1) return RECEIVE_OUTCOMES.gap;
    lastSeq = seq;
    eventsSinceAck += 1;
    const deliveredOn = transport;
    onEvent?.(frame as AgentEvent);
    // The app may have closed the socket from onEvent: its ack is the next connection's business.
    if (deliveredOn === transport && ackEveryEvents > 0 && eventsSinceAck >= ackEveryEvents && (ackAllowed === undefined || ackAllowed())) sendAck();
    return RECEIVE_OUTCOMES.event;
  }

  function receive(frame: unknown): ReceiveOutcome {
    if (transport === null || typeof frame !== "object" || frame === null) return RECEIVE_OUTCOMES.ignored;
    const fields = frame as FrameFields;
    switch (fields.type) {
      case "connected":
        return connectedFrame(fields);
      case "resync_required":
        return resyncFrame(fields);
      case "protocol_error":
        onProtocolError?.(frame as ProtocolErrorFrame);
        return RECEIVE_OUTCOMES.protocolError;
      default:
        return typeof fields.seq === "number" ? eventFrame(fields, fields.seq) : RECEIVE_OUTCOMES.ignored;
    }
  }

  return {
    get epoch() {
      return epoch;
    },
    get lastSeq() {
      return lastSeq;
    },
    get connected() {
      return connected;
    },
    get attached() {
      return transport !== null;
    },
    get replayThroughSeq() {
      return replayThroughSeq;
    },
    get eventsSinceAck() {
      return eventsSinceAck;
    },
    resumePoint: () => (epoch === null ? undefined : { epoch, lastSeq }),
    socketOpened(next) {
      transport = next;
      connected = false;
      eventsSinceAck = 0;
      replayThroughSeq = 0;
    },
    receive,
    socketClosed() {
      transport = null;
      connected = false;
    },
    send(frame: ClientFrame) {
      if (transport === null || !connected) return false;
      transport.send(frame);
      return true;
    },
    flushAck() {
      if (transport === null || !connected || eventsSinceAck === 0) return false;
      sendAck();
      return true;
    },
  };
}
