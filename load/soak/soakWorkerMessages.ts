/**
 * Messages between the soak's main thread (server, publisher, heap sampling) and its
 * client worker thread (every WebSocket client and its event client, drops, resumes, the checker).
 */
import type { SoakClientCounts } from "./SoakSummary.ts";

/** What the client worker needs to start. */
export interface SoakClientPlan {
  /** `ws://host:port/path` of the server. */
  url: string;
  /** User ids, how many devices (connections) each holds, and the user's access token (signed by the main thread). */
  users: Array<{ userId: string; devices: number; token: string }>;
  /** Mean interval between forced drops of one connection, ms; 0 never drops. Jittered ±50%. */
  dropEveryMs: number;
  /** Mean wait before a dropped device resumes, ms. Jittered ±50%. */
  reconnectDelayMs: number;
  /** Devices ack the newest seq they have held at least this long, ms. */
  ackDelayMs: number;
  /** Seed of the drop and reconnect jitter. */
  seed: number;
}

/** Main thread → worker. */
export type SoakWorkerCommand =
  | { kind: "start"; plan: SoakClientPlan }
  /** Target mode: start runs with start_agent, round-robin over users, at this rate. 0 stops. */
  | { kind: "drive"; runsPerSecond: number }
  /** Stop dropping; answer `quiesced` once every device is connected again. */
  | { kind: "quiesce" }
  /**
   * Wait until every device holds its user's newest seq (`heads`; in target mode, the
   * newest any device of the user saw), then judge and answer `result`.
   */
  | { kind: "finish"; heads: Record<string, number> | null; timeoutMs: number }
  | { kind: "close" };

/** Worker → main thread. */
export type SoakWorkerReport =
  | { kind: "started"; devices: number }
  | { kind: "progress"; open: number; eventsReceived: number; forcedDrops: number; resumes: number }
  | { kind: "quiesced" }
  | { kind: "result"; counts: SoakClientCounts }
  | { kind: "closed" }
  | { kind: "error"; message: string };
