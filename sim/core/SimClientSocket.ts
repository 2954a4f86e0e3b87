/**
 * The two ends' callback shapes and the client end of a simulated connection, in their own
 * file so that the network (createSimNetwork.ts) and its connections (_internals/SimConnection.ts)
 * both import them without importing each other.
 */

/**
 * What the server side hands back when it accepts a socket. Named like the
 * manager's `ConnectionHandlers`, so `manager.accept(...)`'s result fits as is.
 */
export interface ServerSideHandlers {
  /** A data frame from the client arrived: text, or (flagged) a binary one, carried here as its text. */
  socketOnMessage(text: string, options?: { binary?: boolean }): void;
  /** The answer to a `ping()` arrived. */
  socketOnPong(): void;
  /** The connection closed: the client's close code, the echo of the server's own, or 1006. Called once. */
  socketOnClose(code: number): void;
}

/** The simulated client application's callbacks. Pings never reach it: its stack answers them. */
export interface ClientEndpointHandlers {
  /** A text frame from the server arrived. */
  socketOnMessage(text: string): void;
  /** The connection closed: the server's close code, the echo of the client's own, or 1006. Called once. */
  socketOnClose(code: number): void;
}

/** An end's closing-handshake state, as a WebSocket's readyState. */
export type SimEndState = "open" | "closing" | "closed";

/** The client end of a simulated connection (a browser WebSocket, minus the events API). */
export interface SimClientSocket {
  readonly connectionId: string;
  /** Sends one text frame. On a closing or closed socket it is ignored (traced as a drop), as a browser does. */
  send(text: string): void;
  /** Sends one binary frame holding `text`'s UTF-8 bytes (only a misbehaving client does: the protocol is text only). Ignored unless open. */
  sendBinary(text: string): void;
  /** Starts the closing handshake; `code` one ws accepts (1000-1014 but not 1004-1006, or 3000-4999), `reason` <= 123 UTF-8 bytes. Ignored unless open. */
  close(code: number, reason?: string): void;
  /** This end's state. */
  state(): SimEndState;
}
