/**
 * The manager's view of one accepted WebSocket (STYLE rule 3). `ws` satisfies it in
 * production (adapters/wsSocket.ts) and the simulated network in the simulator. The
 * manager never learns which one it has.
 */
export interface SocketPort {
  /**
   * Queues one text frame. Throws {@link SocketSendError} when the socket cannot
   * take it (closed, or the transport failed); the caller keeps the event for replay.
   */
  send(text: string): void;
  /** Bytes queued but not yet written to the network, derived from the send queue. */
  bufferedBytes(): number;
  /** Sends a WebSocket ping; the answering pong arrives through the connection's `onPong`. */
  ping(): void;
  /** Starts a closing handshake with `code` and a short `reason` (<= 123 bytes). */
  close(code: number, reason: string): void;
}

/** Thrown by {@link SocketPort.send} when a frame cannot be queued. */
export class SocketSendError extends Error {
  /** Machine-readable cause, e.g. `"closed"` or `"transport"`. */
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = "SocketSendError";
    this.code = code;
  }
}
