/**
 * Run leases on the simulated broker, as server/adapters/createRunLeases.ts keeps them on
 * Redis: each instance refreshes its lease every leaseMs / 3 while it reaches the broker;
 * every leaseMs / 2 it sweeps the registry of runs in flight and ends each run whose
 * owner's lease has expired (claimed and removed in one step, so exactly one survivor
 * ends it) the way createRunLeases does: the open tool's `tool_completed` (error),
 * `error_event`, `agent_completed` (status error). A run is ended within 1.5 × leaseMs of
 * its owner's death. A crash leaves the lease to expire; nothing here knows it is simulated.
 */
import type { AgentEventDraft } from "../../protocol/frames.ts";
import type { Clock } from "../../server/ports/clock.ts";
import type { Scheduler, TimerHandle } from "../../server/ports/scheduler.ts";
import { orphanEndDrafts } from "../../server/runtime/runEndDrafts.ts";
import type { SimBroker, SimRunRecord } from "./createSimBroker.ts";

/** Replaceable part of the lease keeper, for the bug zoo only. */
export interface SimLeaseParts {
  /** Whether `owner`'s lease is alive at `nowMs`. Default: its expiry is still ahead. */
  leaseAlive?: (lease: { expiresAtMs: number | undefined; nowMs: number; leaseMs: number }) => boolean;
}

/** Options of {@link createSimRunLeases}. */
export interface SimRunLeasesOptions {
  broker: SimBroker;
  instanceId: string;
  /** Whether this instance reaches the broker now: no refresh and no sweep while it does not. */
  reachable: () => boolean;
  clock: Clock;
  scheduler: Scheduler;
  leaseMs: number;
  /** Publishes through this instance's manager (the broker assigns the seq). */
  publish: (userId: string, draft: AgentEventDraft) => void;
  onOrphanEnded: (run: { runId: string; userId: string; owner: string }) => void;
  parts?: SimLeaseParts;
}

/** One instance's lease keeper. */
export interface SimRunLeases {
  start(): void;
  /** Stops refreshing and sweeping; the lease is left to expire (a crash). */
  stop(): void;
}

/** Creates one instance's lease keeper (call `start`). */
export function createSimRunLeases(options: SimRunLeasesOptions): SimRunLeases {
  const { broker, clock, scheduler, leaseMs, instanceId, reachable } = options;
  const leaseAlive = options.parts?.leaseAlive ?? (({ expiresAtMs, nowMs }) => expiresAtMs !== undefined && expiresAtMs > nowMs);
  let refreshTimer: TimerHandle | null = null;
  let sweepTimer: TimerHandle | null = null;

  function leaseRefresh(): void {
    if (reachable()) broker.leases.set(instanceId, clock.nowMs() + leaseMs);
    refreshTimer = scheduler.after(Math.floor(leaseMs / 3), leaseRefresh);
  }

  function leaseSweep(): void {
    if (reachable()) {
      const nowMs = clock.nowMs();
      for (const [runId, record] of [...broker.runs]) {
        if (record.owner === instanceId || leaseAlive({ expiresAtMs: broker.leases.get(record.owner), nowMs, leaseMs })) continue;
        broker.runs.delete(runId);
        endOrphan(runId, record);
      }
    }
    sweepTimer = scheduler.after(Math.floor(leaseMs / 2), leaseSweep);
  }

  function endOrphan(runId: string, record: SimRunRecord): void {
    const drafts = orphanEndDrafts({ runId, agentId: record.agentId, owner: record.owner, endedBy: instanceId, executionTimeMs: clock.nowMs() - record.startedAtMs, openTool: record.tool });
    for (const draft of drafts) options.publish(record.userId, draft);
    options.onOrphanEnded({ runId, userId: record.userId, owner: record.owner });
  }

  return {
    start() {
      broker.leases.set(instanceId, clock.nowMs() + leaseMs);
      refreshTimer = scheduler.after(Math.floor(leaseMs / 3), leaseRefresh);
      sweepTimer = scheduler.after(Math.floor(leaseMs / 2), leaseSweep);
    },
    stop() {
      refreshTimer?.cancel();
      sweepTimer?.cancel();
      refreshTimer = null;
      sweepTimer = null;
    },
  };
}
