/**
 * A simulated client device: one user's phone or laptop. It connects through the
 * simulated network, resumes with `(epoch, last_seq)` after every close, acks what it
 * holds, sends `start_agent` and `cancel`, and feeds every frame it sends or receives
 * to the shared invariant checker and the trace. Like a real client, it knows only
 * what reached it over the wire; the one exception is `requestStarted` (below), a
 * harness shortcut that tells it which of its requests started a run, so it can
 * retry a `start_agent` lost in flight with the same `request_id` (idempotent).
 */
import type { Checker } from "../protocol/checker/Checker.ts";
import type { ClientFrame } from "../protocol/frames.ts";

/** What the device needs from the simulation around it. */
export interface SimDeviceHost {
  nowMs(): number;
  after(delayMs: number, callback: () => void): void;
  /** Opens a socket to the server; returns false when the server refuses (down). */
  openSocket(device: SimDevice, connectionId: string, resume: { epoch: string; last_seq: number } | undefined): boolean;
  /** Sends text on the device's open socket. */
  sendText(connectionId: string, text: string): void;
  /** Closes the device's socket cleanly (client-initiated reconnect). */
  closeSocket(connectionId: string, code: number): void;
  trace(line: Record<string, unknown>): void;
  checker: Checker;
  /** True once the simulation is over: no more reconnects. */
  stopped(): boolean;
}

/** Options of {@link createSimDevice}. */
export interface SimDeviceOptions {
  userId: string;
  deviceId: string;
  ackEveryEvents: number;
  reconnectDelayMs: () => number;
}

/** A simulated device. */
export interface SimDevice {
  readonly userId: string;
  readonly deviceId: string;
  /** The current socket's id, or null while disconnected. */
  readonly connectionId: string | null;
  /** Epoch and newest contiguous seq it holds (seq 0 before any event). */
  position(): { epoch: string | null; lastSeq: number; connected: boolean };
  connect(): void;
  /** Sends (now, or on the next connect) a `start_agent`, re-sent on reconnect until it started a run. */
  requestRun(frame: Extract<ClientFrame, { type: "start_agent" }>): void;
  /** Marks a request as started (harness shortcut, see the file comment). */
  requestStarted(requestId: string): void;
  cancel(runId: string): void;
  /** Closes cleanly and reconnects after the drawn delay. */
  reconnect(delayMs: number): void;
  /** A frame arrived on socket `socketId`; frames of a socket the device already left are ignored. */
  socketOnMessage(socketId: string, text: string): void;
  /** Socket `socketId` closed; closes of a socket the device already left are ignored. */
  socketOnClose(socketId: string, code: number): void;
}

/** Creates a device bound to `host`. */
export function createSimDevice(host: SimDeviceHost, options: SimDeviceOptions): SimDevice {
  const { userId, deviceId } = options;
  const pendingRequests = new Map<string, ClientFrame>();
  let connectionIndex = 0;
  let connectionId: string | null = null;
  let connected = false;
  let epoch: string | null = null;
  let lastSeq = 0;
  let eventsSinceAck = 0;
  let reconnectScheduled = false;
  let nextReconnectDelayMs: number | null = null;

  function send(frame: ClientFrame): void {
    if (connectionId === null || !connected) return;
    const atMs = host.nowMs();
    host.trace({ kind: "send", conn: connectionId, frame });
    host.checker.clientFrame(connectionId, frame, { atMs });
    host.sendText(connectionId, JSON.stringify(frame));
  }

  function scheduleReconnect(delayMs: number): void {
    if (reconnectScheduled || host.stopped()) return;
    reconnectScheduled = true;
    host.after(delayMs, () => {
      reconnectScheduled = false;
      connect();
    });
  }

  function connect(): void {
    if (connectionId !== null || host.stopped()) return;
    connectionIndex += 1;
    const id = `${deviceId}#${connectionIndex}`;
    const resume = epoch === null ? undefined : { epoch, last_seq: lastSeq };
    const opened = host.openSocket(device, id, resume);
    if (!opened) {
      host.trace({ kind: "refused", conn: id, device: deviceId });
      scheduleReconnect(options.reconnectDelayMs());
      return;
    }
    connectionId = id;
    connected = false;
    eventsSinceAck = 0;
  }

  function frameOnConnected(frame: { epoch: string; last_seq: number }): void {
    connected = true;
    if (epoch === null) {
      // First connection ever: live events only, from the newest seq the server holds.
      epoch = frame.epoch;
      lastSeq = frame.last_seq;
    }
    for (const request of pendingRequests.values()) send(request);
  }

  function socketOnMessage(socketId: string, text: string): void {
    if (connectionId !== socketId) return;
    const receivedAtMs = host.nowMs();
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      host.trace({ kind: "recv", conn: connectionId, raw: text });
      host.checker.serverFrame(connectionId, text, { receivedAtMs });
      return;
    }
    host.trace({ kind: "recv", conn: connectionId, frame });
    host.checker.serverFrame(connectionId, frame, { receivedAtMs });
    const typed = frame as { type?: unknown; epoch?: unknown; seq?: unknown; last_seq?: unknown; oldest_seq?: unknown };
    if (typed.type === "connected") {
      frameOnConnected(frame as { epoch: string; last_seq: number });
    } else if (typed.type === "resync_required") {
      epoch = String(typed.epoch);
      lastSeq = Number(typed.oldest_seq) - 1;
    } else if (typeof typed.seq === "number" && typed.epoch === epoch && typed.seq === lastSeq + 1) {
      // Only a contiguous event advances the resume point: after a gap, resume asks again.
      lastSeq = typed.seq;
      eventsSinceAck += 1;
      if (options.ackEveryEvents > 0 && eventsSinceAck >= options.ackEveryEvents) {
        eventsSinceAck = 0;
        send({ type: "ack", seq: lastSeq });
      }
    }
  }

  function socketOnClose(socketId: string, code: number): void {
    if (connectionId !== socketId) return;
    host.trace({ kind: "close", conn: connectionId, code });
    host.checker.connectionClosed(connectionId, { atMs: host.nowMs(), code });
    connectionId = null;
    connected = false;
    const delayMs = nextReconnectDelayMs ?? options.reconnectDelayMs();
    nextReconnectDelayMs = null;
    scheduleReconnect(delayMs);
  }

  const device: SimDevice = {
    userId,
    deviceId,
    get connectionId() {
      return connectionId;
    },
    position: () => ({ epoch, lastSeq, connected }),
    connect,
    requestRun(frame) {
      pendingRequests.set(frame.request_id, frame);
      send(frame);
    },
    requestStarted(requestId) {
      pendingRequests.delete(requestId);
    },
    cancel(runId) {
      send({ type: "cancel", run_id: runId });
    },
    reconnect(delayMs) {
      if (connectionId === null) return;
      const socketId = connectionId;
      nextReconnectDelayMs = delayMs;
      host.closeSocket(socketId, 1000);
      // The client is done with this socket at once; its late close handshake is ignored.
      socketOnClose(socketId, 1000);
    },
    socketOnMessage,
    socketOnClose,
  };
  return device;
}
