/**
 * Collects the counters the alert verdict needs while a simulation runs: the run-silence
 * gauge's highest value (the server's own RunSilenceTracker, fed every publish), refusals
 * at the pool limit and the peak of open connections (from manager decisions), and at the
 * end the send counters of every manager the run had (a restart replaces the manager).
 * A read-only observer: it changes nothing the simulation does, so traces stay the same.
 */
import type { ConnectionManager } from "../../server/manager/createConnectionManager.ts";
import type { ManagerDecision } from "../../server/manager/ManagerDecision.ts";
import { RunSilenceTracker } from "../../server/manager/RunSilenceTracker.ts";
import type { SimAlertCounters } from "./SimAlertVerdict.ts";

/** The observer {@link createAlertCounters} returns. */
export interface AlertCounters {
  /** An event of `runId` reaches the manager at `nowMs` (call before the manager publishes it). */
  published(userId: string, runId: string, options: { nowMs: number; completed: boolean }): void;
  /** A manager decision; `connectionsOpen` reads the deciding manager's open connections (called only on opens). */
  decided(decision: ManagerDecision, connectionsOpen: () => number): void;
  /** The counters at `nowMs`, summing the send counters of `managers` (every manager the run created). */
  finish(options: { nowMs: number; durationMs: number; managers: readonly ConnectionManager[] }): SimAlertCounters;
}

/** Options of {@link createAlertCounters}. */
export interface AlertCountersOptions {
  /** The manager's `connectionsMax`. */
  connectionsMax: number;
  /** The manager's `runsTrackedMax` (the tracker's bound, as in the server). */
  runsTrackedMax: number;
}

/** A fresh set of counters for one simulation. */
export function createAlertCounters(options: AlertCountersOptions): AlertCounters {
  const silence = new RunSilenceTracker({ runsTrackedMax: options.runsTrackedMax });
  let runSilenceMsMax = 0;
  let poolRefusals = 0;
  let connectionsPeak = 0;
  return {
    published(userId, runId, { nowMs, completed }) {
      // The gauge only grows between events, so its highest value is reached just before one.
      runSilenceMsMax = Math.max(runSilenceMsMax, silence.longestSilenceMs(nowMs));
      silence.observe(userId, runId, { nowMs, completed });
    },
    decided(decision, connectionsOpen) {
      if (decision.kind === "connection_refused" && decision.reason === "connections_total") poolRefusals += 1;
      if (decision.kind === "connection_opened") connectionsPeak = Math.max(connectionsPeak, connectionsOpen());
    },
    finish({ nowMs, durationMs, managers }) {
      runSilenceMsMax = Math.max(runSilenceMsMax, silence.longestSilenceMs(nowMs));
      let sendAttempts = 0;
      let sendFailures = 0;
      let replayEventsAtEnd = 0;
      let replayBytesAtEnd = 0;
      for (const [index, manager] of managers.entries()) {
        const stats = manager.stats();
        sendAttempts += stats.framesSent + stats.sendFailures + (stats.decisions["slow_consumer"] ?? 0);
        sendFailures += stats.sendFailures;
        if (index === managers.length - 1) {
          replayEventsAtEnd = stats.replayEvents;
          replayBytesAtEnd = stats.replayBytes;
        }
      }
      return { runSilenceMsMax, sendAttempts, sendFailures, poolRefusals, connectionsPeak, connectionsMax: options.connectionsMax, replayEventsAtEnd, replayBytesAtEnd, durationMs };
    },
  };
}
