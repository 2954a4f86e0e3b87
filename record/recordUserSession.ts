/**
 * One user's recorded session against a live server: one device that connects with the
 * user's token, starts `runs` agent runs one after another, optionally drops its socket
 * every `dropEveryMs` and resumes from the event client's resume point (`last_seq` +
 * `epoch`), and writes every open, send, recv and close as a trace line
 * (protocol/trace.ts) with the wall clock as `t` (the clock the server stamps `ts` with,
 * so the checker's timing budgets read true).
 *
 * Decisions:
 * - The resume, dedup and ack rules are the event client's (protocol/client), not ours.
 * - Progress is read from the raw frames, not from the client's in-order stream: against a
 *   broken server the client may hold back a run's agent_completed behind a hole forever,
 *   and the recording must still move on to its next run (the checker judges the hole).
 * - A planned drop is abrupt (`terminate`): the close line says 1006, as a client whose
 *   network vanished sees it; nothing read after it is recorded (the replay's job).
 * - An unplanned close is resumed like a planned one, at most `unplannedReconnectsMax` times.
 * - A `start_agent` not yet answered by its run's `agent_started` is sent again (same
 *   `request_id`: the server starts one run) on the next connection.
 * - Time and timers come from the caller's ports (like the viewer session): the CLI binds them
 *   to the wall clock. Timers left armed when the session ends do nothing (each checks
 *   `ended`); the caller cancels them when it is done (recordLive's `cancelAll`).
 */
import { WebSocket } from "ws";
import { CLOSE_CODES } from "../protocol/closeCodes.ts";
import { createEventClient, withResumeQuery } from "../protocol/client/index.ts";
import type { ClientFrame } from "../protocol/frames.ts";
import type { TraceLine } from "../protocol/trace.ts";
import type { Clock } from "../server/ports/clock.ts";
import type { Scheduler } from "../server/ports/scheduler.ts";

/** What one user's session does. */
export interface UserSessionPlan {
  /** ws:// or wss:// URL of the server's WebSocket endpoint. */
  target: string;
  /** The token's `sub`. */
  userId: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token: string;
  /** Agent runs to start, one after another. */
  runs: number;
  /** `start_agent.scenario`; undefined omits the field (the server's default script). */
  scenario: string | undefined;
  /** Drop the socket this often, ms; 0 never. */
  dropEveryMs: number;
  /** Time between a drop and the resume, ms. */
  dropPauseMs: number;
  /** Unplanned closes resumed at most, per session. */
  unplannedReconnectsMax: number;
  /** Send `ack` every this many events handed over by the event client (0: never). */
  ackEveryEvents: number;
  /** Prefix of every `request_id` (unique per recording). */
  requestIdPrefix: string;
}

/** What happened, besides the trace. */
export interface UserSessionResult {
  userId: string;
  runsStarted: number;
  runsCompleted: number;
  drops: number;
  resumes: number;
  /** Why the session ended before its runs completed; null when they all did. */
  stoppedEarly: string | null;
}

/** A running session; `stop` ends it at once (the caller's deadline). */
export interface UserSession {
  done: Promise<UserSessionResult>;
  stop(reason: string): void;
}

/** The ports a session reads time and sets timers through. */
export interface UserSessionOptions {
  /** Receives every trace line, in the order it happened. */
  onTraceLine: (line: TraceLine) => void;
  /** Stamps trace lines (`t`, ms since the Unix epoch): the wall clock the server stamps `ts` with. */
  clock: Clock;
  /** Drops, resumes and the close wait. */
  scheduler: Scheduler;
  /**
   * Where connection `connectionNumber` (1 for the first) goes; default `plan.target` every
   * time. Several instances behind one broker: each resume may go to another one.
   */
  targetOf?: (connectionNumber: number) => string;
}

/** Starts one session; every trace line goes to `onTraceLine` in the order it happened. */
export function recordUserSession(plan: UserSessionPlan, options: UserSessionOptions): UserSession {
  const { onTraceLine, clock, scheduler } = options;
  const deviceId = `${plan.userId}-d1`;
  let connectionNumber = 0;
  let socket: WebSocket | undefined;
  let connectionId = "";
  let runsStarted = 0;
  let runsCompleted = 0;
  let drops = 0;
  let resumes = 0;
  let unplannedReconnects = 0;
  let ended = false;
  let resolveDone: (result: UserSessionResult) => void = () => undefined;
  const done = new Promise<UserSessionResult>((resolvePromise) => (resolveDone = resolvePromise));
  /** `start_agent` frames sent whose `agent_started` has not come yet, oldest first. */
  const startsUnanswered: ClientFrame[] = [];
  const runIdsStarted = new Set<string>();
  const runIdsCompleted = new Set<string>();

  const client = createEventClient({
    ackEveryEvents: plan.ackEveryEvents,
    onConnected: () => {
      for (const frame of startsUnanswered) client.send(frame);
      if (runsStarted === 0) startNextRun();
    },
  });

  function connect(): void {
    connectionNumber += 1;
    connectionId = `${deviceId}#${connectionNumber}`;
    const resume = client.resumePoint();
    const thisConnection = connectionId;
    const target = options.targetOf?.(connectionNumber) ?? plan.target;
    const opened = new WebSocket(withResumeQuery(target, resume), { headers: { Authorization: `Bearer ${plan.token}` } });
    socket = opened;
    let open = false;
    opened.on("open", () => {
      if (ended || socket !== opened) return;
      open = true;
      // Attached before the open line: a trace-bound stop inside onTraceLine then finds it and closes it.
      client.socketOpened({
        send: (frame) => {
          opened.send(JSON.stringify(frame));
          onTraceLine({ t: clock.nowMs(), kind: "send", conn: thisConnection, frame });
        },
      });
      onTraceLine({ t: clock.nowMs(), kind: "open", conn: thisConnection, device: deviceId, user: plan.userId, ...(resume === undefined ? {} : { resume: { epoch: resume.epoch, last_seq: resume.lastSeq } }) });
      if (!ended && plan.dropEveryMs > 0) scheduler.after(plan.dropEveryMs, () => plannedDrop(opened));
    });
    opened.on("message", (data) => {
      if (!client.attached || socket !== opened) return;
      const text = String(data);
      let frame: unknown;
      try {
        frame = JSON.parse(text);
      } catch {
        onTraceLine({ t: clock.nowMs(), kind: "recv", conn: thisConnection, raw: text });
        return;
      }
      onTraceLine({ t: clock.nowMs(), kind: "recv", conn: thisConnection, frame });
      client.receive(frame);
      noteProgress(frame);
    });
    opened.on("error", () => undefined); // the close that follows says it
    opened.on("close", (code) => {
      if (socket !== opened || !client.attached) {
        if (!open && socket === opened && !ended) unplannedClose(`the connection closed before opening (code ${code})`);
        return;
      }
      client.socketClosed();
      onTraceLine({ t: clock.nowMs(), kind: "close", conn: thisConnection, code });
      if (!ended) unplannedClose(`the server closed the connection (code ${code})`);
    });
  }

  function noteProgress(frame: unknown): void {
    if (typeof frame !== "object" || frame === null) return;
    const { type, run_id: runId } = frame as { type?: unknown; run_id?: unknown };
    if (typeof runId !== "string") return;
    if (type === "agent_started" && !runIdsStarted.has(runId)) {
      runIdsStarted.add(runId);
      startsUnanswered.shift();
    }
    if (type === "agent_completed" && !runIdsCompleted.has(runId)) {
      runIdsCompleted.add(runId);
      runsCompleted += 1;
      if (runsCompleted >= plan.runs) finish(null);
      else startNextRun();
    }
  }

  function startNextRun(): void {
    if (runsStarted >= plan.runs) return;
    const frame: ClientFrame = {
      type: "start_agent",
      request_id: `${plan.requestIdPrefix}-${plan.userId}-r${runsStarted}`,
      agent_type: "recorder",
      message: "recorded run",
      ...(plan.scenario === undefined ? {} : { scenario: plan.scenario }),
    };
    runsStarted += 1;
    startsUnanswered.push(frame);
    client.send(frame); // false while not connected: onConnected sends it
  }

  function plannedDrop(target: WebSocket): void {
    if (ended || socket !== target || !client.attached) return;
    drops += 1;
    closeAbruptly(target);
    resumeAfterPause();
  }

  /** Connects again after `dropPauseMs`, unless the session ended meanwhile. */
  function resumeAfterPause(): void {
    scheduler.after(plan.dropPauseMs, () => {
      if (ended) return;
      resumes += 1;
      connect();
    });
  }

  /** Stops reading `target` and records the close as the client sees an abrupt one (1006). */
  function closeAbruptly(target: WebSocket): void {
    client.socketClosed();
    onTraceLine({ t: clock.nowMs(), kind: "close", conn: connectionId, code: CLOSE_CODES.abnormal });
    target.terminate();
  }

  function unplannedClose(reason: string): void {
    unplannedReconnects += 1;
    if (unplannedReconnects > plan.unplannedReconnectsMax) {
      finish(`${reason}, ${unplannedReconnects} times without being asked; gave up`);
      return;
    }
    resumeAfterPause();
  }

  function finish(stoppedEarly: string | null): void {
    if (ended) return;
    ended = true;
    const last = socket;
    const result = { userId: plan.userId, runsStarted, runsCompleted, drops, resumes, stoppedEarly };
    if (last === undefined || !client.attached) {
      last?.terminate();
      resolveDone(result);
      return;
    }
    // A normal close, recorded when the client sees it end (or now, if the server never answers).
    client.socketClosed();
    const closedConnection = connectionId;
    let recorded = false;
    const record = (code: number): void => {
      if (recorded) return;
      recorded = true;
      giveUp.cancel();
      onTraceLine({ t: clock.nowMs(), kind: "close", conn: closedConnection, code });
      resolveDone(result);
    };
    const giveUp = scheduler.after(CLOSE_WAIT_MS, () => {
      last.terminate();
      record(CLOSE_CODES.abnormal);
    });
    last.removeAllListeners("close");
    last.on("close", (code) => record(code));
    last.close(CLOSE_CODES.normal, "recording done");
  }

  connect();
  return { done, stop: (reason) => finish(reason) };
}

/** How long a normal close waits for the server's close frame, ms. */
const CLOSE_WAIT_MS = 2000;
