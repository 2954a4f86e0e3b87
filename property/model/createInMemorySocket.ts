/**
 * An in-memory SocketPort for the model-based test: `send` hands the frame to the client
 * at once (nothing is ever buffered, so `bufferedBytes` is 0), a ping is answered with a
 * pong 1 ms later on the virtual clock, and a send can be made to fail on purpose.
 */
import type { ConnectionHandlers } from "../../server/manager/createConnectionManager.ts";
import type { Scheduler } from "../../server/ports/scheduler.ts";
import { SocketSendError, type SocketPort } from "../../server/ports/socketPort.ts";

/** The client's end of an in-memory socket: what it received and how it closed. */
export interface InMemoryClientEnd {
  /** Frames received, parsed, in order. */
  readonly received: unknown[];
  /** The code the server closed with, or null. */
  closedByServer: number | null;
  /** The code the client closed with, or null. */
  closedByClient: number | null;
  /** Sends that will throw SocketSendError("transport") before the next one succeeds. */
  failSends: number;
}

/** A SocketPort for the manager plus its client end; `bind` wires the manager's handlers after `accept`. */
export interface InMemorySocket {
  readonly port: SocketPort;
  readonly client: InMemoryClientEnd;
  bind(handlers: ConnectionHandlers | null): void;
  /** The client sends a text frame (ignored once either side closed). */
  clientSend(text: string): void;
  /** The client closes (1000 clean, 1006 abrupt); the manager hears it at once. */
  clientClose(code: number): void;
}

/** Creates an in-memory socket whose pongs are scheduled on `scheduler`. */
export function createInMemorySocket(scheduler: Scheduler): InMemorySocket {
  const client: InMemoryClientEnd = { received: [], closedByServer: null, closedByClient: null, failSends: 0 };
  let handlers: ConnectionHandlers | null = null;
  const open = () => client.closedByServer === null && client.closedByClient === null;
  const port: SocketPort = {
    send(text) {
      if (!open()) throw new SocketSendError("closed", "the socket is closed");
      if (client.failSends > 0) {
        client.failSends -= 1;
        throw new SocketSendError("transport", "injected send failure");
      }
      client.received.push(JSON.parse(text) as unknown);
    },
    bufferedBytes: () => 0,
    ping() {
      scheduler.after(1, () => {
        if (open()) handlers?.socketOnPong();
      });
    },
    close(code) {
      if (!open()) return;
      client.closedByServer = code;
      // ws reports its own close back to the server side; the manager must take that calmly.
      handlers?.socketOnClose(code);
    },
  };
  return {
    port,
    client,
    bind(bound) {
      handlers = bound;
    },
    clientSend(text) {
      if (open()) handlers?.socketOnMessage(text);
    },
    clientClose(code) {
      if (!open()) return;
      client.closedByClient = code;
      handlers?.socketOnClose(code);
    },
  };
}
