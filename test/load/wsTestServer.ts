import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

/** One text frame the test server received, with the connection's path. */
export interface ReceivedFrame {
  path: string;
  text: string;
}

/** A tiny WebSocket server for runner tests, on 127.0.0.1 and a free port. */
export interface WsTestServer {
  /** `ws://127.0.0.1:<port>` */
  url: string;
  /** Every text frame received, in arrival order. */
  frames: ReceivedFrame[];
  /** Request headers of every accepted connection. */
  handshakeHeaders: Record<string, string | string[] | undefined>[];
  close(): Promise<void>;
}

/**
 * Starts the server. Paths:
 * - `/echo`: echoes every frame (text stays text, binary stays binary);
 * - `/stream?count=N&close=CODE`: sends N numbered text frames, then closes with CODE (default 1000);
 * - `/reject`: refuses the upgrade with HTTP 401.
 */
export async function startWsTestServer(): Promise<WsTestServer> {
  const frames: ReceivedFrame[] = [];
  const handshakeHeaders: WsTestServer["handshakeHeaders"] = [];
  const server = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    verifyClient: (info, accept) => {
      if (info.req.url?.startsWith("/reject") === true) accept(false, 401, "Unauthorized");
      else accept(true);
    },
  });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  server.on("connection", (socket: WebSocket, request) => {
    const url = new URL(request.url ?? "/", "ws://127.0.0.1");
    handshakeHeaders.push(request.headers);
    socket.on("message", (data, isBinary) => {
      if (!isBinary) frames.push({ path: url.pathname, text: data.toString() });
      if (url.pathname === "/echo") socket.send(data, { binary: isBinary });
    });
    if (url.pathname === "/stream") {
      const count = Number(url.searchParams.get("count") ?? "1");
      const closeCode = Number(url.searchParams.get("close") ?? "1000");
      for (let index = 1; index <= count; index += 1) socket.send(`frame-${index}`);
      socket.close(closeCode, closeCode === 1000 ? "" : "closing on purpose");
    }
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    frames,
    handshakeHeaders,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
