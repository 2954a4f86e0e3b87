/**
 * Answers an upgrade request with a plain HTTP error and closes the raw socket: no
 * WebSocket is opened, nothing is delivered.
 */
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";

/** What to answer: the status, a short text body and any extra headers. */
export interface UpgradeRefusal {
  status: number;
  body: string;
  headers?: Readonly<Record<string, string>>;
}

/** Writes `HTTP/1.1 <status>` with a short text body, then destroys the socket once written. */
export function refuseUpgrade(socket: Duplex, refusal: UpgradeRefusal): void {
  const { status, body, headers = {} } = refusal;
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const text = `${body}\n`;
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}`,
    "Connection: close",
    "Content-Type: text/plain; charset=utf-8",
    `Content-Length: ${Buffer.byteLength(text)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.once("finish", () => socket.destroy());
  socket.end(`${lines.join("\r\n")}\r\n\r\n${text}`);
}
