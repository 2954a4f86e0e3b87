/**
 * Records one session per user against a live server at once, and judges the trace with
 * the shared checker exactly as `npm run sim -- --replay` will (checkTrace with its
 * defaults), so the recording's verdict and the replay's are the same by construction.
 */
import { checkTrace, type TraceVerdict } from "../protocol/checker/checkTrace.ts";
import type { TraceLine } from "../protocol/trace.ts";
import type { RealScheduler } from "../server/adapters/realScheduler.ts";
import type { Clock } from "../server/ports/clock.ts";
import { recordUserSession, type UserSessionPlan, type UserSessionResult } from "./recordUserSession.ts";

/** What to record. */
export interface LivePlan {
  /** One session per entry (user id and token). */
  users: ReadonlyArray<{ userId: string; token: string }>;
  /** The rest of each session's plan. */
  session: Omit<UserSessionPlan, "userId" | "token">;
  /** Every session is stopped after this long, ms. */
  timeoutMs: number;
  /** Trace lines kept at most; past it every session stops and the recording says so. */
  traceLinesMax: number;
}

/** A recording and its verdict. */
export interface LiveRecording {
  /** The trace, one JSON text per line, in the order things happened. */
  lines: string[];
  verdict: TraceVerdict;
  sessions: UserSessionResult[];
  /** Wall clock at the start and the end, ms since the Unix epoch. */
  startedAtMs: number;
  endedAtMs: number;
}

/** The ports a recording reads time and sets timers through (the CLI binds them to the real world). */
export interface LivePorts {
  /** Stamps trace lines and the recording's start and end, ms since the Unix epoch. */
  clock: Clock;
  /** The deadline and every session's timers; all cancelled once every session has ended. */
  scheduler: RealScheduler;
  /** Where each user's connection `connectionNumber` goes (see UserSessionOptions.targetOf); default the plan's target. */
  targetOf?: (userId: string, connectionNumber: number) => string;
}

/** Runs every session to its end (runs done, gave up, timeout or trace bound) and checks the trace. */
export async function recordLive(plan: LivePlan, ports: LivePorts): Promise<LiveRecording> {
  const { clock, scheduler } = ports;
  const lines: string[] = [];
  const startedAtMs = clock.nowMs();
  const sessions: Array<ReturnType<typeof recordUserSession>> = [];
  const onTraceLine = (line: TraceLine): void => {
    if (lines.length >= plan.traceLinesMax) return;
    lines.push(JSON.stringify(line));
    if (lines.length === plan.traceLinesMax) for (const session of sessions) session.stop(`the trace reached its bound of ${plan.traceLinesMax} lines`);
  };
  for (const user of plan.users) {
    const targetOf = ports.targetOf;
    const sessionPorts = { onTraceLine, clock, scheduler, ...(targetOf === undefined ? {} : { targetOf: (connectionNumber: number) => targetOf(user.userId, connectionNumber) }) };
    sessions.push(recordUserSession({ ...plan.session, ...user }, sessionPorts));
  }
  scheduler.after(plan.timeoutMs, () => {
    for (const session of sessions) session.stop(`--timeout-ms ${plan.timeoutMs} passed`);
  });
  try {
    const results = await Promise.all(sessions.map((session) => session.done));
    return { lines, verdict: checkTrace(lines.join("\n")), sessions: results, startedAtMs, endedAtMs: clock.nowMs() };
  } finally {
    // The deadline and the timers ended sessions left armed (drops, resumes): none may keep the process up.
    scheduler.cancelAll();
  }
}
