/**
 * Runs survive their instance (docs/protocol.md, "Several instances"). Every instance on
 * a shared Redis holds a lease (`<prefix>:lease:<instanceId>`, refreshed every leaseMs / 3).
 * The broker's append script keeps the registry of runs in flight (`<prefix>:runs` and
 * `<prefix>:run-tools`) in the same atomic step as each run's first and last event. When an instance dies its lease expires; a surviving instance's
 * sweep (every leaseMs / 4 after the previous one finished) claims each orphaned run in
 * one Lua step (so exactly one instance ends it) and ends it as the runtime would:
 * `tool_completed` (error) for an open tool, `error_event`, then `agent_completed` with
 * status `error`. A run is thus ended within 1.25 × leaseMs of its owner's death plus one
 * sweep's round trips; the promise (docs/protocol.md) is 1.5 × leaseMs, the rest is margin
 * for a busy instance (measured: `npm run bench -- --section churn`). A graceful shutdown drops the lease at
 * once, so its runs are ended by the next sweep.
 */
import type { Redis } from "ioredis";
import type { RunRecord } from "./createRedisBroker.ts";
import type { AgentEventDraft } from "../../protocol/frames.ts";
import type { Clock } from "../ports/clock.ts";
import type { Scheduler, TimerHandle } from "../ports/scheduler.ts";
import { orphanEndDrafts } from "../runtime/runEndDrafts.ts";

/** Where instances' leases live: `<prefix>:lease:<instanceId>` (request claims read them too). */
export function leaseKeyPrefix(keyPrefix: string): string {
  return `${keyPrefix}:lease:`;
}

/** Default lease of an instance over its runs, ms. */
export const RUN_LEASE_MS_DEFAULT = 10_000;

/** Default of {@link RunLeasesOptions.runsPerSweepMax}. */
export const RUNS_PER_SWEEP_MAX_DEFAULT = 10_000;

/**
 * Claims one orphaned run: deletes and returns {record, open tool or ''} only when its
 * owner's lease (KEYS[3]) is gone, so exactly one survivor ends it.
 */
const CLAIM_SCRIPT = `
local record = redis.call('HGET', KEYS[1], ARGV[1])
if not record then return false end
if redis.call('EXISTS', KEYS[3]) == 1 then return false end
local tool = redis.call('HGET', KEYS[2], ARGV[1]) or ''
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return {record, tool}
`;

/** Options of {@link createRunLeases}. */
export interface RunLeasesOptions {
  redis: Redis;
  keyPrefix: string;
  /** The registry the broker's append script keeps (see createRedisBroker.ts). */
  runsKey: string;
  runToolsKey: string;
  /** This instance's id, unique across instances and restarts. */
  instanceId: string;
  clock: Clock;
  scheduler: Scheduler;
  /** The lease, ms: how long a dead instance's runs may wait before a survivor ends them (plus one sweep). */
  leaseMs?: number;
  /**
   * Runs examined per sweep (the HSCAN COUNT hint); the next sweep goes on from where this
   * one stopped, so every run is reached within a full pass. Default 10 000.
   */
  runsPerSweepMax?: number;
  /** Publishes an event for a user (the manager's publish: the broker assigns its seq). */
  publish: (userId: string, draft: AgentEventDraft) => void;
  /** An orphaned run was ended here. */
  onOrphanEnded?: (run: { runId: string; userId: string; owner: string }) => void;
}

/** The lease keeper of one instance. */
export interface RunLeases {
  /** Takes the lease and starts refreshing and sweeping. */
  start(): Promise<void>;
  /** Orphans this instance ended so far. */
  readonly orphansEnded: number;
  /** Stops, and drops the lease so the survivors end this instance's runs at their next sweep. */
  stop(): Promise<void>;
}

/** Creates the lease keeper (call `start`). */
export function createRunLeases(options: RunLeasesOptions): RunLeases {
  const { redis, clock, scheduler, instanceId } = options;
  const leaseMs = options.leaseMs ?? RUN_LEASE_MS_DEFAULT;
  const runsPerSweepMax = options.runsPerSweepMax ?? RUNS_PER_SWEEP_MAX_DEFAULT;
  const { runsKey, runToolsKey } = options;
  const leasePrefix = leaseKeyPrefix(options.keyPrefix);
  const leaseKey = `${leasePrefix}${instanceId}`;
  let refreshTimer: TimerHandle | null = null;
  let sweepTimer: TimerHandle | null = null;
  let stopped = false;
  let orphansEnded = 0;
  /** Where the next sweep's HSCAN goes on ("0": a new pass), so orphans past the first batch are reached too. */
  let cursor = "0";
  const ignore = () => {};

  function refresh(): void {
    refreshTimer = null;
    if (stopped) return;
    redis.set(leaseKey, "1", "PX", leaseMs).catch(ignore);
    refreshTimer = scheduler.after(Math.floor(leaseMs / 3), refresh);
  }

  function sweepLater(): void {
    if (!stopped) sweepTimer = scheduler.after(Math.floor(leaseMs / 4), () => void sweep());
  }

  async function sweep(): Promise<void> {
    sweepTimer = null;
    try {
      const [nextCursor, fields] = await redis.hscan(runsKey, cursor, "COUNT", runsPerSweepMax);
      cursor = nextCursor;
      const owners = new Set<string>();
      const candidates: Array<{ runId: string; owner: string }> = [];
      for (let index = 0; index + 1 < fields.length; index += 2) {
        const owner = (JSON.parse(fields[index + 1] as string) as RunRecord).owner;
        if (owner === instanceId) continue;
        owners.add(owner);
        candidates.push({ runId: fields[index] as string, owner });
      }
      // Every lease check, then every claim, goes out at once (ioredis pipelines them on the
      // connection): one at a time, 60 orphans cost 60 round trips before the last one ended.
      const ownerList = [...owners];
      const leases = await Promise.all(ownerList.map((owner) => redis.exists(`${leasePrefix}${owner}`)));
      const dead = new Set(ownerList.filter((_, index) => leases[index] !== 1));
      await Promise.all(
        candidates
          .filter((candidate) => dead.has(candidate.owner))
          .map(async (candidate) => {
            if (stopped) return;
            const claimed = (await redis.eval(CLAIM_SCRIPT, 3, runsKey, runToolsKey, `${leasePrefix}${candidate.owner}`, candidate.runId)) as [string, string] | null;
            if (claimed === null || stopped) return;
            const tool = claimed[1] === "" ? null : (JSON.parse(claimed[1]) as { name: string; executionId: string });
            endOrphan(candidate.runId, JSON.parse(claimed[0]) as RunRecord, tool);
          }),
      );
    } catch {
      // Redis unreachable: the broker reports it (DEGRADED); the next sweep tries again.
    }
    sweepLater();
  }

  /** Ends an orphan as the runtime ends a failed run, the open tool's `tool_completed` first (it was running when the instance died). */
  function endOrphan(runId: string, record: RunRecord, tool: { name: string; executionId: string } | null): void {
    const drafts = orphanEndDrafts({ runId, agentId: record.agentId, owner: record.owner, endedBy: instanceId, executionTimeMs: clock.nowMs() - record.startedAtMs, openTool: tool });
    for (const draft of drafts) options.publish(record.userId, draft);
    orphansEnded += 1;
    options.onOrphanEnded?.({ runId, userId: record.userId, owner: record.owner });
  }

  return {
    async start() {
      await redis.set(leaseKey, "1", "PX", leaseMs);
      refreshTimer = scheduler.after(Math.floor(leaseMs / 3), refresh);
      sweepLater();
    },
    get orphansEnded() {
      return orphansEnded;
    },
    async stop() {
      stopped = true;
      refreshTimer?.cancel();
      sweepTimer?.cancel();
      await redis.del(leaseKey).catch(ignore);
    },
  };
}
