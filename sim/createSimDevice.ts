/**
 * A simulated client device: one user's phone or laptop. It connects through the
 * simulated network, resumes with `(epoch, last_seq)` after every close, acks what it
 * holds, sends `start_agent` and `cancel`, and feeds every frame it sends or receives
 * to the shared invariant checker and the trace. Like a real client, it knows only
 * what reached it over the wire; the one exception is `requestStarted` (below), a
 * harness shortcut that tells it which of its requests started a run, so it can
 * retry a `start_agent` lost in flight with the same `request_id` (idempotent).
 *
 * The resume, dedup and ack rules are not the device's: they come from the project's event
 * client (protocol/client/, docs/client.md), the same one every client uses. The device adds
 * only what a simulated device is: its sockets, its trace lines and its fault behaviour.
 */
import type { Checker } from "../protocol/checker/Checker.ts";
import { createEventClient } from "../protocol/client/createEventClient.ts";
import type { ClientFrame } from "../protocol/frames.ts";

/** What the device needs from the simulation around it. */
export interface SimDeviceHost {
  nowMs(): number;
  after(delayMs: number, callback: () => void): void;
  /** Opens a socket to the server; returns false when the server refuses (down). */
  openSocket(device: SimDevice, connectionId: string, resume: { epoch: string; last_seq: number } | undefined): boolean;
  /** Sends text on the device's open socket; a binary frame with `binary` (a misbehaving client only). */
  sendText(connectionId: string, text: string, options?: { binary?: true }): void;
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
  /**
   * Sends its latest `start_agent` again, same `request_id`, when connected (the `resend_start`
   * fault: a client that did not see `agent_started` before a drop); its request id, or null
   * when it has none or is not connected.
   */
  resendLatestStart(): string | null;
  cancel(runId: string): void;
  /**
   * Sends `text` as it is, past the event client (a misbehaving client: a flood, a frame too
   * big, a binary frame). The trace's `send` line and the checker get `shown` (default: the
   * text), so a replayed trace judges what the live run judged; a frame too long to trace
   * shows as a short description. False when not connected.
   */
  sendRaw(text: string, options?: { binary?: true; shown?: unknown }): boolean;
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
  let latestStart: Extract<ClientFrame, { type: "start_agent" }> | null = null;
  const client = createEventClient({
    ackEveryEvents: options.ackEveryEvents,
    onConnected: () => {
      for (const request of pendingRequests.values()) client.send(request);
    },
  });
  let connectionIndex = 0;
  let connectionId: string | null = null;
  let reconnectScheduled = false;
  let nextReconnectDelayMs: number | null = null;

  /** The client's transport on socket `id`: every frame is traced and checked before it leaves. */
  function transportOn(id: string): { send(frame: ClientFrame): void } {
    return {
      send(frame) {
        host.trace({ kind: "send", conn: id, frame });
        host.checker.clientFrame(id, frame, { atMs: host.nowMs() });
        host.sendText(id, JSON.stringify(frame));
      },
    };
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
    const resume = client.resumePoint();
    const opened = host.openSocket(device, id, resume === undefined ? undefined : { epoch: resume.epoch, last_seq: resume.lastSeq });
    if (!opened) {
      host.trace({ kind: "refused", conn: id, device: deviceId });
      scheduleReconnect(options.reconnectDelayMs());
      return;
    }
    connectionId = id;
    client.socketOpened(transportOn(id));
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
    client.receive(frame);
  }

  function socketOnClose(socketId: string, code: number): void {
    if (connectionId !== socketId) return;
    host.trace({ kind: "close", conn: connectionId, code });
    host.checker.connectionClosed(connectionId, { atMs: host.nowMs(), code });
    connectionId = null;
    client.socketClosed();
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
    position: () => ({ epoch: client.epoch, lastSeq: client.lastSeq, connected: client.connected }),
    connect,
    requestRun(frame) {
      pendingRequests.set(frame.request_id, frame);
      latestStart = frame;
      client.send(frame);
    },
    resendLatestStart() {
      if (latestStart === null || !client.connected) return null;
      client.send(latestStart);
      return latestStart.request_id;
    },
    requestStarted(requestId) {
      pendingRequests.delete(requestId);
    },
    cancel(runId) {
      client.send({ type: "cancel", run_id: runId });
    },
    sendRaw(text, rawOptions = {}) {
      if (connectionId === null) return false;
      const shown = rawOptions.shown ?? text;
      host.trace({ kind: "send", conn: connectionId, frame: shown, ...(rawOptions.binary === true ? { binary: true } : {}) });
      host.checker.clientFrame(connectionId, shown, { atMs: host.nowMs() });
      host.sendText(connectionId, text, rawOptions.binary === true ? { binary: true } : {});
      return true;
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
