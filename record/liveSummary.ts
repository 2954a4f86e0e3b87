/**
 * The `summary.json` of a live recording: the simulator's summary fields (kind "sim", so
 * the report and the replay read it like a simulator run's), marked `source: "live"`
 * with its `target` and no seed.
 */
import type { RecordCommand } from "./parseRecordArguments.ts";
import type { LiveRecording } from "./recordLive.ts";

/** The summary.json of a recording: the simulator's fields, marked live (no seed; the target instead). */
export function liveSummary(recording: LiveRecording, options: { command: RecordCommand; replay: string; traceSha256: string }) {
  const { command } = options;
  const { verdict } = recording;
  const runsRequested = command.runs * command.users.length;
  const runsCompleted = recording.sessions.reduce((sum, session) => sum + session.runsCompleted, 0);
  const stopped = recording.sessions.filter((session) => session.stoppedEarly !== null);
  const livenessReason =
    stopped.length === 0 ? null : `${runsCompleted} of ${runsRequested} run(s) completed: ${stopped.map((session) => `${session.userId}: ${session.stoppedEarly}`).join("; ")}`;
  const outcome: "pass" | "safety" | "liveness" = verdict.safety.length > 0 ? "safety" : !verdict.ok || livenessReason !== null ? "liveness" : "pass";
  return {
    kind: "sim" as const,
    source: "live" as const,
    target: command.target,
    seed: null,
    scenario: command.scenario ?? "default",
    plant: null,
    users: command.users,
    outcome,
    crash: null,
    faultPlan: null,
    drops: { everyMs: command.dropEveryMs, pauseMs: command.dropPauseMs },
    verdict,
    recordedMs: recording.endedAtMs - recording.startedAtMs,
    startedAt: new Date(recording.startedAtMs).toISOString(),
    totals: {
      runsRequested,
      runsStarted: recording.sessions.reduce((sum, session) => sum + session.runsStarted, 0),
      runsCompleted,
      drops: recording.sessions.reduce((sum, session) => sum + session.drops, 0),
      resumes: recording.sessions.reduce((sum, session) => sum + session.resumes, 0),
      traceLines: recording.lines.length,
    },
    timeline: {},
    livenessReason,
    repro: options.replay,
    traceSha256: options.traceSha256,
    realMs: recording.endedAtMs - recording.startedAtMs,
  };
}

/** A summary as {@link liveSummary} builds it. */
export type LiveSummary = ReturnType<typeof liveSummary>;
