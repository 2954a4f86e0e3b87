/**
 * Drives the client worker from the benchmark's main thread: connect N clients, arm a
 * count, wait for it, close.
 */
import { Worker } from "node:worker_threads";

/** What the worker reports when it has received every expected event. */
export interface PoolResult {
  received: number;
  atMs: number;
  latencyMs: { count: number; p50: number; p99: number; max: number };
}

/** A pool of benchmark clients in one worker thread. */
export interface ClientPool {
  connect(urls: string[]): Promise<void>;
  /** Arms the counter; the returned promise resolves when `total` events arrived (or rejects after `timeoutMs`). */
  expect(total: number, timeoutMs: number): Promise<{ done: Promise<PoolResult> }>;
  close(): Promise<void>;
}

/** Starts the worker. */
export function createClientPool(): ClientPool {
  // The worker is TypeScript too; its .mjs entry loads it through tsx.
  const worker = new Worker(new URL("./clientWorkerEntry.mjs", import.meta.url));
  const next = (kind: string, timeoutMs = 60_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bench clients: no "${kind}" within ${timeoutMs} ms`)), timeoutMs);
      const listener = (message: Record<string, unknown>) => {
        if (message.kind === "error") {
          clearTimeout(timer);
          worker.off("message", listener);
          reject(new Error(`bench client: ${String(message.message)}`));
        } else if (message.kind === kind) {
          clearTimeout(timer);
          worker.off("message", listener);
          resolve(message);
        }
      };
      worker.on("message", listener);
    });
  return {
    async connect(urls) {
      const connected = next("connected");
      worker.postMessage({ kind: "connect", urls });
      await connected;
    },
    async expect(total, timeoutMs) {
      const ready = next("ready");
      worker.postMessage({ kind: "expect", total });
      await ready;
      return { done: next("done", timeoutMs) as unknown as Promise<PoolResult> };
    },
    async close() {
      const closed = next("closed");
      worker.postMessage({ kind: "close" });
      await closed;
      await worker.terminate();
    },
  };
}
