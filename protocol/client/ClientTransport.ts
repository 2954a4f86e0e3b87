/**
 * The one port between the event client and a socket: how a client frame leaves.
 * A browser or `ws` socket satisfies it with `(frame) => socket.send(JSON.stringify(frame))`;
 * k6 the same way; the simulator with its traced, checked simulated socket. The client never
 * opens or closes sockets itself: the host does, and tells it (`socketOpened`, `socketClosed`).
 */
import type { ClientFrame } from "../frames.ts";

/** Sends one client frame on the socket the host opened. */
export interface ClientTransport {
  /** Serialises and sends `frame` (the host decides how: JSON text on a WebSocket). */
  send(frame: ClientFrame): void;
}
