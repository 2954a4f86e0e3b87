/**
 * The `summary.json` of a live recording: load/liveRunSummary.ts's fields (the
 * simulator's layout, marked live) plus what only a recording knows: its users, drops
 * and run totals.
 */
import { liveRunSummary } from "../load/liveRunSummary.ts";
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
  return {
    ...liveRunSummary({
      target: command.target,
      scenario: command.scenario ?? "default",
      verdict,
      startedAtMs: recording.startedAtMs,
      endedAtMs: recording.endedAtMs,
      repro: options.replay,
      livenessReason,
    }),
    users: command.users,
    drops: { everyMs: command.dropEveryMs, pauseMs: command.dropPauseMs },
    totals: {
      runsRequested,
      runsStarted: recording.sessions.reduce((sum, session) => sum + session.runsStarted, 0),
      runsCompleted,
      drops: recording.sessions.reduce((sum, session) => sum + session.drops, 0),
      resumes: recording.sessions.reduce((sum, session) => sum + session.resumes, 0),
      traceLines: recording.lines.length,
    },
    traceSha256: options.traceSha256,
  };
}

/** A summary as {@link liveSummary} builds it. */
export type LiveSummary = ReturnType<typeof liveSummary>;
