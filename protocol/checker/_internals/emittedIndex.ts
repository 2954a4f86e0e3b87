/** What finish needs from the simulator's ground truth, indexed once. */
import type { EmittedLog } from "../Checker.ts";

/** Newest emitted seq per (user, epoch), the runs that started without completing, and where each run began. */
export interface EmittedIndex {
  /** Key `${userId}\u0000${epoch}`. */
  newestSeq: Map<string, number>;
  /**
   * Runs of each user's newest epoch (the last in log order) with an emitted agent_started
   * and no emitted agent_completed, in log order. Runs of older epochs are exempt: the
   * change of epoch (a restart) ended them, and resync_required announces that loss.
   */
  runsNotCompleted: { userId: string; epoch: string; runId: string; startedSeq: number }[];
  /** Keys `${userId}\u0000${epoch}\u0000${runId}` of runs whose agent_completed was emitted. */
  completedRuns: Set<string>;
  /** The lowest emitted seq of each run, by key `${userId}\u0000${epoch}\u0000${runId}`. */
  runLowestSeq: Map<string, number>;
  /**
   * The first event emitted after its run's agent_completed, per run, in log order: the
   * server broke invariant 2 whether or not a device was there to see it (a timer left
   * armed after the run, found by the simulator's quiescence phase).
   */
  emittedAfterCompleted: { userId: string; epoch: string; runId: string; seq: number; type: string }[];
  /** The epoch each run's first event was emitted in, by key `${userId}\u0000${runId}` (a run may outlive a restart). */
  runFirstEpoch: Map<string, string>;
  /** The seqs of every emitted agent_started, by key `${userId}\u0000${epoch}`, in log order (judgeUnansweredStarts.ts). */
  agentStartedSeqs: Map<string, number[]>;
}

/** The key of (user, epoch). */
export function userEpochKey(userId: string, epoch: string): string {
  return `${userId}\u0000${epoch}`;
}

/** Indexes `emitted` (one pass; the log is already in the caller's memory). */
export function indexEmitted(emitted: EmittedLog): EmittedIndex {
  const newestSeq = new Map<string, number>();
  const started = new Map<string, { userId: string; epoch: string; runId: string; startedSeq: number }>();
  const completedRuns = new Set<string>();
  const runLowestSeq = new Map<string, number>();
  const runFirstEpoch = new Map<string, string>();
  const newestEpoch = new Map<string, string>();
  const emittedAfterCompleted = new Map<string, EmittedIndex["emittedAfterCompleted"][number]>();
  const agentStartedSeqs = new Map<string, number[]>();
  for (const entry of emitted) {
    newestEpoch.set(entry.userId, entry.epoch);
    const key = userEpochKey(entry.userId, entry.epoch);
    newestSeq.set(key, Math.max(newestSeq.get(key) ?? 0, entry.seq));
    const run = `${key}\u0000${entry.runId}`;
    runLowestSeq.set(run, Math.min(runLowestSeq.get(run) ?? entry.seq, entry.seq));
    const userRun = `${entry.userId}\u0000${entry.runId}`;
    if (!runFirstEpoch.has(userRun)) runFirstEpoch.set(userRun, entry.epoch);
    if (entry.type === "agent_started") {
      const seqs = agentStartedSeqs.get(key);
      if (seqs === undefined) agentStartedSeqs.set(key, [entry.seq]);
      else seqs.push(entry.seq);
    }
    if (entry.type === "agent_started" && !started.has(run)) {
      started.set(run, { userId: entry.userId, epoch: entry.epoch, runId: entry.runId, startedSeq: entry.seq });
    }
    if (completedRuns.has(run) && !emittedAfterCompleted.has(run)) {
      emittedAfterCompleted.set(run, { userId: entry.userId, epoch: entry.epoch, runId: entry.runId, seq: entry.seq, type: entry.type });
    }
    if (entry.type === "agent_completed") completedRuns.add(run);
  }
  const runsNotCompleted = [...started.entries()]
    .filter(([run, value]) => !completedRuns.has(run) && newestEpoch.get(value.userId) === value.epoch)
    .map(([, value]) => value);
  return { newestSeq, runsNotCompleted, completedRuns, runLowestSeq, runFirstEpoch, emittedAfterCompleted: [...emittedAfterCompleted.values()], agentStartedSeqs };
}
