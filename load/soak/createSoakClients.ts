/**
 * The main thread's handle on the soak's client worker: starts it (a TypeScript worker
 * loaded through tsx, see soakClientWorkerEntry.mjs), sends commands and awaits answers.
 */
import { Worker } from "node:worker_threads";
import type { Scheduler } from "../../server/ports/scheduler.ts";
import type { SoakClientCounts } from "./SoakSummary.ts";
import type { SoakClientPlan, SoakWorkerCommand, SoakWorkerReport } from "./soakWorkerMessages.ts";

/** Progress as the worker last reported it. */
export interface SoakClientProgress {
  open: number;
  eventsReceived: number;
  forcedDrops: number;
  resumes: number;
}

/** The client worker, from the main thread. */
export interface SoakClients {
  /** Starts every device; resolves when each is connected. */
  start(plan: SoakClientPlan, timeoutMs: number): Promise<number>;
  /** Target mode: start_agent runs at this rate (0 stops). */
  drive(runsPerSecond: number): void;
  /** Stops the drops; resolves when every device is connected again. */
  quiesce(timeoutMs: number): Promise<void>;
  /** Waits for every device to catch up with `heads`, then returns the counts. */
  finish(heads: Record<string, number> | null, timeoutMs: number): Promise<SoakClientCounts>;
  progress(): SoakClientProgress;
  close(): Promise<void>;
}

/** Starts the worker thread. */
export function createSoakClients(options: { scheduler: Scheduler }): SoakClients {
  const worker = new Worker(new URL("./soakClientWorkerEntry.mjs", import.meta.url));
  let progress: SoakClientProgress = { open: 0, eventsReceived: 0, forcedDrops: 0, resumes: 0 };
  let failure: Error | null = null;
  const waiters = new Set<(report: SoakWorkerReport) => void>();
  worker.on("message", (report: SoakWorkerReport) => {
    if (report.kind === "progress") progress = { open: report.open, eventsReceived: report.eventsReceived, forcedDrops: report.forcedDrops, resumes: report.resumes };
    if (report.kind === "error") failure = new Error(`soak clients: ${report.message}`);
    for (const waiter of [...waiters]) waiter(report);
  });
  worker.on("error", (error) => {
    failure = error;
    for (const waiter of [...waiters]) waiter({ kind: "error", message: error.message });
  });

  function send(command: SoakWorkerCommand): void {
    worker.postMessage(command);
  }

  function next<K extends SoakWorkerReport["kind"]>(kind: K, timeoutMs: number): Promise<Extract<SoakWorkerReport, { kind: K }>> {
    return new Promise((resolve, reject) => {
      if (failure !== null) {
        reject(failure);
        return;
      }
      const timer = options.scheduler.after(timeoutMs, () => {
        waiters.delete(waiter);
        reject(new Error(`soak clients: no "${kind}" within ${timeoutMs} ms`));
      });
      const waiter = (report: SoakWorkerReport) => {
        if (report.kind === "error") {
          timer.cancel();
          waiters.delete(waiter);
          reject(new Error(`soak clients: ${report.message}`));
        } else if (report.kind === kind) {
          timer.cancel();
          waiters.delete(waiter);
          resolve(report as Extract<SoakWorkerReport, { kind: K }>);
        }
      };
      waiters.add(waiter);
    });
  }

  return {
    async start(plan, timeoutMs) {
      const started = next("started", timeoutMs);
      send({ kind: "start", plan });
      return (await started).devices;
    },
    drive(runsPerSecond) {
      send({ kind: "drive", runsPerSecond });
    },
    async quiesce(timeoutMs) {
      const quiesced = next("quiesced", timeoutMs);
      send({ kind: "quiesce" });
      await quiesced;
    },
    async finish(heads, timeoutMs) {
      const result = next("result", timeoutMs + 30_000);
      send({ kind: "finish", heads, timeoutMs });
      return (await result).counts;
    },
    progress: () => progress,
    async close() {
      const closed = next("closed", 10_000).catch(() => undefined);
      send({ kind: "close" });
      await closed;
      await worker.terminate();
    },
  };
}
