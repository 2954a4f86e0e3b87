/**
 * Binds a `ws` WebSocket to the manager (STYLE rule 3): {@link createWsSocketPort}
 * makes it a {@link SocketPort}, {@link bindWsSocket} forwards its events to the
 * manager's {@link ConnectionHandlers}.
 *
 * Closing: every server-initiated close sends a close frame; the WebSocketServer's
 * `closeTimeout` (see createHttpServer's `closeTimeoutMs`, 1 s by default instead of
 * ws's 30 s) destroys the socket when the peer does not answer. A heartbeat close
 * (4408) therefore drops a gone peer within closeTimeoutMs, while a live but deaf
 * client still learns the code.
 */
import { WebSocket, type RawData } from "ws";
import type { ConnectionHandlers } from "../manager/createConnectionManager.ts";
import { SocketSendError, type SocketPort } from "../ports/socketPort.ts";
import { CLOSE_CODES } from "../../protocol/limits.ts";

/** Longest close reason a WebSocket close frame can carry, bytes. */
export const CLOSE_REASON_BYTES_MAX = 123;

/** Options of {@link createWsSocketPort}. */
export interface WsSocketPortOptions {
  /**
   * A send that `ws` accepted failed later (reported through its callback). The port
   * has already closed the socket with 1011, so the client resumes from its last seq;
   * this hook is for metrics and logs.
   */
  onAsyncSendFailure?: (error: Error) => void;
}

/** Wraps an open `ws` WebSocket as a SocketPort. */
export function createWsSocketPort(ws: WebSocket, options: WsSocketPortOptions = {}): SocketPort {
  const sendOnDone = (error?: Error): void => {
    if (error === undefined || error === null) return;
    options.onAsyncSendFailure?.(error);
    // The frame is in the replay buffer; closing makes the client resume instead of living with a gap.
    if (ws.readyState === WebSocket.OPEN) ws.close(CLOSE_CODES.internalError, "send failed");
  };

  return {
    send(text: string): void {
      if (ws.readyState !== WebSocket.OPEN) {
        throw new SocketSendError("closed", `socket is not open (readyState ${ws.readyState})`);
      }
      try {
        ws.send(text, sendOnDone);
      } catch (error) {
        throw new SocketSendError("transport", error instanceof Error ? error.message : String(error));
      }
    },
    bufferedBytes: () => ws.bufferedAmount,
    ping(): void {
      if (ws.readyState !== WebSocket.OPEN) return;
      try {
        ws.ping();
      } catch {
        // A socket that cannot take a ping is closing; the heartbeat notices the missing pong.
      }
    },
    close(code: number, reason: string): void {
      if (ws.readyState === WebSocket.CLOSING || ws.readyState === WebSocket.CLOSED) return;
      ws.close(code, truncateUtf8(reason, CLOSE_REASON_BYTES_MAX));
    },
  };
}

/** Options of {@link bindWsSocket}. */
export interface BindWsSocketOptions {
  /** `ws` reported an error (an oversized frame: 1009, invalid UTF-8: 1007...). `ws` closes the socket itself. */
  onError?: (error: Error & { code?: string }) => void;
}

/** Forwards a WebSocket's message, pong and close events to the manager's handlers. */
export function bindWsSocket(ws: WebSocket, handlers: ConnectionHandlers, options: BindWsSocketOptions = {}): void {
  ws.on("message", (data: RawData, isBinary: boolean) => {
    const bytes = rawDataByteLength(data);
    // Binary frames are refused by the manager; there is no point decoding them.
    handlers.socketOnMessage(isBinary ? "" : rawDataToText(data), { binary: isBinary, bytes });
  });
  ws.on("pong", () => handlers.socketOnPong());
  ws.on("close", (code: number) => handlers.socketOnClose(code));
  // Without an 'error' listener, ws's error event would crash the process.
  ws.on("error", (error: Error & { code?: string }) => options.onError?.(error));
}

function rawDataByteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, chunk) => sum + chunk.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

function rawDataToText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return data instanceof ArrayBuffer ? Buffer.from(data).toString("utf8") : data.toString("utf8");
}

function truncateUtf8(text: string, bytesMax: number): string {
  let result = text;
  while (Buffer.byteLength(result, "utf8") > bytesMax) result = result.slice(0, -1);
  return result;
}
