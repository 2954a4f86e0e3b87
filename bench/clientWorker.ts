/**
 * Benchmark clients, in a worker thread so they do not share the server's event loop
 * (2 cores: one for the server under test, one for the clients). Plain `ws` clients:
 * they count agent events and record emit-to-receive latency (receive time - `ts`).
 */
import { parentPort } from "node:worker_threads";
import { build } from "hdr-histogram-js";
import WebSocket from "ws";

type Command = { kind: "connect"; urls: string[] } | { kind: "expect"; total: number } | { kind: "close" };

const sockets: WebSocket[] = [];
let expected = 0;
let received = 0;
let histogram = build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000, numberOfSignificantValueDigits: 3 });

function report(): void {
  parentPort?.postMessage({
    kind: "done",
    received,
    atMs: Date.now(),
    latencyMs: {
      count: histogram.totalCount,
      p50: histogram.getValueAtPercentile(50),
      p99: histogram.getValueAtPercentile(99),
      max: histogram.maxValue,
    },
  });
}

function onMessage(data: WebSocket.RawData): void {
  const text = data.toString();
  // A cheap parse of the envelope: only `ts` is needed, and it sits at a fixed key.
  const tsAt = text.indexOf('"ts":');
  if (tsAt < 0) return;
  const ts = Number(text.slice(tsAt + 5, text.indexOf(",", tsAt)));
  histogram.recordValue(Math.max(0, Date.now() - ts));
  received += 1;
  if (received === expected) report();
}

parentPort?.on("message", (command: Command) => {
  if (command.kind === "connect") {
    let open = 0;
    for (const url of command.urls) {
      const socket = new WebSocket(url);
      socket.on("message", onMessage);
      socket.on("error", (error) => parentPort?.postMessage({ kind: "error", message: error.message }));
      // Ready at the `connected` frame, not at "open": a server may send it later (a Redis-backed one
      // loads the stream first), and events before its last_seq are not this connection's.
      socket.once("message", () => {
        open += 1;
        if (open === command.urls.length) parentPort?.postMessage({ kind: "connected" });
      });
      sockets.push(socket);
    }
  } else if (command.kind === "expect") {
    expected = command.total;
    received = 0;
    histogram = build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000, numberOfSignificantValueDigits: 3 });
    parentPort?.postMessage({ kind: "ready" });
  } else {
    for (const socket of sockets) socket.terminate();
    sockets.length = 0;
    parentPort?.postMessage({ kind: "closed" });
  }
});
