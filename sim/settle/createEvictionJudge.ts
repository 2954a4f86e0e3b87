/**
 * Judges each `stream_evicted` decision against the manager's own limits, as it is taken:
 * a stream evicted before it was idle `streamIdleMs`, or by `usersRetainedMax` while no
 * more than that many idle streams were held, is a stream forgotten too early. The client
 * sees only a new epoch and an honest `resync_required` (the history is really gone), so
 * the checker cannot tell it from a legitimate eviction: only the simulator, which sees the
 * decision and the manager's counts at that moment, can. A read-only observer.
 */
import type { ManagerDecision } from "../../server/manager/ManagerDecision.ts";
import type { ManagerStats } from "../../server/manager/createConnectionManager.ts";

/** One early eviction: a safety failure beside the checker's. */
export interface EvictionFinding {
  userId: string;
  /** One sentence: the reason given, and the limit it broke. */
  message: string;
}

/** What {@link createEvictionJudge} returns. */
export interface EvictionJudge {
  /** Every manager decision, with the deciding manager's stats (read only for evictions). */
  decided(decision: ManagerDecision, stats: () => Pick<ManagerStats, "users" | "connectionsByUser">): void;
  /** The early evictions seen so far, in order. */
  findings(): EvictionFinding[];
}

/** Creates an {@link EvictionJudge} for a manager bound by `limits`. */
export function createEvictionJudge(limits: { streamIdleMs: number; usersRetainedMax: number }): EvictionJudge {
  const findings: EvictionFinding[] = [];
  return {
    decided(decision, stats) {
      if (decision.kind !== "stream_evicted") return;
      if (decision.reason === "idle_timeout" && decision.idleMs < limits.streamIdleMs) {
        findings.push({ userId: decision.userId, message: `${decision.userId}'s stream evicted for idle_timeout after ${decision.idleMs} ms idle, before streamIdleMs ${limits.streamIdleMs}` });
      }
      if (decision.reason === "users_retained_max") {
        // The evicted stream is gone already: every stream still held without a connection is idle.
        const current = stats();
        const idleHeld = current.users - current.connectionsByUser.size;
        if (idleHeld < limits.usersRetainedMax) {
          findings.push({ userId: decision.userId, message: `${decision.userId}'s stream evicted for users_retained_max while ${idleHeld} other idle stream(s) were held, fewer than usersRetainedMax ${limits.usersRetainedMax}` });
        }
      }
    },
    findings: () => [...findings],
  };
}
