/**
 * `GET /health`: the server's state in one JSON object.
 *
 * Status rule (kept simple on purpose):
 * - `SHUTTING_DOWN` once `close()` has begun;
 * - `DEGRADED` while the stream broker is unreachable (`broker_unavailable`: new upgrades
 *   get 503, open connections were closed with 1013 to resume later), or when, within the last `degradedWindowMs` (default 60 s), a send failed,
 *   a slow consumer was closed (4409) or a heartbeat closed a connection (4408): clients
 *   are being disconnected by the server and must resume. `degradedReasons` names which;
 * - `ACTIVE` otherwise.
 */
import type { Clock } from "../ports/clock.ts";
import type { ManagerDecision } from "../manager/ManagerDecision.ts";
import type { ManagerStats } from "../manager/createConnectionManager.ts";
import type { AgentRuntimeStats } from "../runtime/createAgentRuntime.ts";
import type { BrokerStats } from "../ports/streamBroker.ts";

/** Default look-back for DEGRADED, ms. */
export const DEGRADED_WINDOW_MS_DEFAULT = 60_000;

/** The body of `GET /health`. */
export interface HealthReport {
  status: "ACTIVE" | "DEGRADED" | "SHUTTING_DOWN";
  /** Why DEGRADED (empty otherwise): `broker_unavailable`, `send_failed`, `slow_consumer`, `heartbeat_timeout`, `stream_lost`. */
  degradedReasons: string[];
  /** Where users' streams live: `in-process` or `redis`, and whether it is reachable. */
  broker: BrokerStats;
  connections: number;
  users: number;
  activeRuns: number;
  runsStarted: number;
  runsCompleted: number;
  eventsPublished: number;
  sendFailures: number;
  replayEvents: number;
  replayBytes: number;
  uptimeMs: number;
}

/** What makes a server DEGRADED. */
type DegradingKind = "send_failed" | "slow_consumer" | "heartbeat_timeout" | "stream_lost";

/** Options of {@link createHealthTracker}. */
export interface HealthTrackerOptions {
  clock: Clock;
  snapshot: () => { manager: ManagerStats; runtime: AgentRuntimeStats; broker: BrokerStats };
  degradedWindowMs?: number;
}

/** Tracks recent trouble and builds health reports. */
export interface HealthTracker {
  /** The manager observer's `decision` hook. */
  observeDecision(decision: ManagerDecision): void;
  /** A send failed after `ws` accepted it. */
  sendFailedAsync(): void;
  /** From now on the status is SHUTTING_DOWN. */
  markShuttingDown(): void;
  report(): HealthReport;
}

/** Creates a tracker; uptime counts from this call. */
export function createHealthTracker(options: HealthTrackerOptions): HealthTracker {
  const { clock } = options;
  const windowMs = options.degradedWindowMs ?? DEGRADED_WINDOW_MS_DEFAULT;
  const startedAtMs = clock.nowMs();
  const lastSeenMs = new Map<DegradingKind, number>();
  let asyncSendFailures = 0;
  let shuttingDown = false;

  function seen(kind: DegradingKind): void {
    lastSeenMs.set(kind, clock.nowMs());
  }

  return {
    observeDecision(decision) {
      if (decision.kind === "send_failed" || decision.kind === "slow_consumer" || decision.kind === "heartbeat_timeout" || decision.kind === "stream_lost") {
        seen(decision.kind);
      }
    },
    sendFailedAsync() {
      asyncSendFailures += 1;
      seen("send_failed");
    },
    markShuttingDown() {
      shuttingDown = true;
    },
    report() {
      const nowMs = clock.nowMs();
      const { manager, runtime, broker } = options.snapshot();
      const recent: string[] = [...lastSeenMs].filter(([, atMs]) => nowMs - atMs < windowMs).map(([kind]) => kind);
      const degradedReasons = (broker.available ? recent : [...recent, "broker_unavailable"]).sort();
      const status = shuttingDown ? "SHUTTING_DOWN" : degradedReasons.length > 0 ? "DEGRADED" : "ACTIVE";
      return {
        status,
        degradedReasons,
        broker,
        connections: manager.connections,
        users: manager.users,
        activeRuns: runtime.activeRuns,
        runsStarted: runtime.runsStarted,
        runsCompleted: runtime.runsCompleted,
        eventsPublished: manager.eventsPublished,
        sendFailures: manager.sendFailures + asyncSendFailures,
        replayEvents: manager.replayEvents,
        replayBytes: manager.replayBytes,
        uptimeMs: nowMs - startedAtMs,
      };
    },
  };
}
