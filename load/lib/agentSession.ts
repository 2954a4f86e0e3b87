/**
 * One VU session against an agent-event server (docs/protocol.md), the engine under every
 * script: connect as the VU's user, keep `runsInFlightMax` agent runs going until
 * `runsPerSession` have completed, drop and resume (`last_seq` + `epoch`) when the
 * profile says so, then close with 1000. Every open, send, receive and close is fed
 * to the shared invariant checker (streamChecker.ts); every event feeds the k6
 * metrics (metrics.ts). Resolves when the session's last socket has closed.
 *
 * Decisions:
 * - All runs of the VU's user are this session's: user ids are unique per VU.
 * - `agent_started` carries no request_id, so a start is matched to its
 *   `start_agent` in send order (the server handles one connection's frames in order).
 * - The resume point, the epoch, live vs replay and ack pacing are the project's event
 *   client's (protocol/client, docs/client.md), the rules every client of this project
 *   follows: resume after the highest seq held without a hole; an event with seq <= the
 *   connection's `connected` (or `resync_required`) `last_seq` is a replay, and only
 *   live events are timed. The session still counts and times every event frame it
 *   receives (duplicates and events past a hole included: the checker judges them).
 * - A planned drop stops reading the socket at once: what arrives after it is the
 *   replay's job.
 * - An unplanned close (server restart, slow-consumer cut...) is resumed like a
 *   real client would, at most `unplannedReconnectsMax` times per session.
 * - Client frames per connection stay under `clientFramesPerSecondMax` (our server
 *   closes a connection over 200/s with 1008).
 */
import { check } from "k6";
import { clearTimeout, setTimeout } from "k6/timers";
import { WebSocket } from "k6/websockets";
import type { CheckerVerdict } from "../../protocol/checker/CheckerVerdict.ts";
import { createEventClient } from "../../protocol/client/createEventClient.ts";
import type { ResumePoint } from "../../protocol/client/ResumePoint.ts";
import { withResumeQuery } from "../../protocol/client/withResumeQuery.ts";
import {
  agentStartLatency,
  eventLatency,
  eventsReceived,
  eventsReplayed,
  GENERATOR_LAG_PROBE_MS,
  generatorLag,
  protocolErrors,
  resumes,
  resyncs,
  runsCompleted,
} from "./metrics.ts";
import { createStreamChecker, createUncheckedStream } from "./streamChecker.ts";
import type { VuCredentials } from "./token.ts";

/** When a session drops its connection on purpose and resumes. */
export type DropPlan =
  | { kind: "never" }
  /** Once, when half of the session's runs have started (so runs are in flight). */
  | { kind: "once" }
  /** Every `everyMs` of wall-clock time (aligned across VUs: a storm), plus up to `jitterMs`. */
  | { kind: "storm"; everyMs: number; jitterMs: number };

/** The shape of a session's workload. Units are in the names. */
export interface SessionProfile {
  /** `start_agent.scenario` per run, cycled (run n takes entry n % length); `default` omits the field. */
  scenarios: readonly string[];
  /** `start_agent.agent_type`. */
  agentType: string;
  /** `start_agent.message`. */
  message: string;
  /** Runs started (and awaited) per session. */
  runsPerSession: number;
  /** Runs in flight at once (our server allows 32 per user). */
  runsInFlightMax: number;
  /** Pause between a run's completion and the next start in its slot, ms. */
  thinkTimeMs: number;
  drops: DropPlan;
  /** Time between a planned drop's close and the resume, ms. */
  dropPauseMs: number;
  /** A session still waiting for runs after this long ends with a failed check, ms. */
  sessionTimeoutMs: number;
  /** Send `ack` every this many events; 0 never. */
  ackEveryEvents: number;
  /** Unplanned closes resumed per session before giving up. */
  unplannedReconnectsMax: number;
  /** Client frames per connection per second, at most. */
  clientFramesPerSecondMax: number;
  /** Feed every frame to the invariant checker (`CHECK=off` turns it off to measure the checker's own cost). */
  checkInvariants: boolean;
  /** Lines of the session kept for a replayable record when the checker flags it; 0 records nothing. */
  recordLinesMax: number;
  /** Flagged sessions a VU emits records of, at most (the rest are counted, not recorded). */
  recordSessionsPerVuMax: number;
}

/** Who the session is and where it goes. */
export interface SessionIdentity {
  /**
   * `ws://host:port/path` of the server, or of each of its instances (one stream per
   * user shared between them, e.g. through Redis): the session's first connection goes
   * to `targets[firstTargetIndex]`, each later one (a resume) to the next in the list.
   */
  targets: readonly string[];
  firstTargetIndex: number;
  credentials: VuCredentials;
  /** The logical device (the checker's device id), e.g. `vu7`. */
  deviceId: string;
  /** Prefix of this session's request ids; unique per user across sessions, e.g. `i3`. */
  requestIdPrefix: string;
  /** Wait this long before connecting, ms (spreads the VUs' first sessions apart). */
  connectDelayMs: number;
  /** Log lines (violations, failures) go here. */
  log: (line: string) => void;
  /** Lines of a flagged session's record go here, unprefixed (the console: `npm run load` collects them). */
  emitRecordLine: (line: string) => void;
}

/** What a session did, for the caller's checks and logs. */
export interface SessionOutcome {
  completed: boolean;
  runsSent: number;
  runsCompleted: number;
  verdict: CheckerVerdict;
}

interface Connection {
  id: string;
  socket: WebSocket;
  resume: ResumePoint | undefined;
  opened: boolean;
  connected: boolean;
  /** Set when the script stops reading this socket (planned drop or end). */
  retired: boolean;
  plannedClose: "drop" | "end" | undefined;
  /** Send times of recent client frames (rate cap), ms. */
  recentFramesAtMs: number[];
  closed: boolean;
}

type Timer = ReturnType<typeof setTimeout>;

/** Records this VU emitted (module state is per VU in k6 and in the Node runner). */
let recordsEmitted = 0;

/** Runs one session; see the module comment. */
export function runAgentSession(identity: SessionIdentity, profile: SessionProfile): Promise<SessionOutcome> {
  const { credentials, log } = identity;
  const checker = profile.checkInvariants
    ? createStreamChecker({ userId: credentials.userId, deviceId: identity.deviceId }, { log, recordLinesMax: profile.recordLinesMax })
    : createUncheckedStream();
  // Reused for every frame received (the checker keeps neither it nor the text).
  const receiveOptions = { text: "", receivedAtMs: 0 };
  const timers = new Set<Timer>();
  const startSentAtMs: number[] = [];
  const runsStarted = new Set<string>();
  const runsDone = new Set<string>();
  let current: Connection | undefined;
  let connections = 0;
  let runsSent = 0;
  let startsOwed = 0;
  let startsRefused = 0;
  let droppedOnce = false;
  let slotsOpened = false;
  let unplannedReconnects = 0;
  let resyncCount = 0;
  let protocolErrorCount = 0;
  let connectedOnce = false;
  let ended: { completed: boolean; verdict: CheckerVerdict } | undefined;
  let resolveSession: (outcome: SessionOutcome) => void = () => undefined;
  // Acks respect the frame-rate cap too: over it, the ack waits for a later event and then
  // carries the newer resume point (acks coalesce; checking the rate also prunes the window).
  const client = createEventClient({
    ackEveryEvents: profile.ackEveryEvents,
    ackAllowed: () => current !== undefined && frameRateWaitMs(current) === 0,
  });
  const done = new Promise<SessionOutcome>((resolve) => (resolveSession = resolve));

  function later(delayMs: number, callback: () => void): void {
    // Nothing is scheduled once the session ended: k6 keeps an iteration alive while any
    // of its timers is pending, so a timer armed after end() would hold the VU until
    // gracefulStop interrupts it (and stretch the test, diluting its events/s).
    if (ended !== undefined) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      callback();
    }, delayMs);
    timers.add(timer);
  }

  function connect(): void {
    connections += 1;
    const resume = client.resumePoint();
    const target = identity.targets[(identity.firstTargetIndex + connections - 1) % identity.targets.length] as string;
    const url = withResumeQuery(target, resume);
    const socket = new WebSocket(url, null, { headers: { Authorization: `Bearer ${credentials.token}` }, tags: { name: "agent_ws" } });
    const connection: Connection = {
      id: `${identity.deviceId}#${connections}`,
      socket,
      resume,
      opened: false,
      connected: false,
      retired: false,
      plannedClose: undefined,
      recentFramesAtMs: [],
      closed: false,
    };
    current = connection;
    socket.onopen = () => {
      connection.opened = true;
      const openedAtMs = Date.now();
      checker.opened(connection.id, { atMs: openedAtMs, ...(resume === undefined ? {} : { resume }) });
      client.socketOpened({ send: (frame) => sendFrame(connection, frame) });
      if (ended !== undefined) closeRetired(connection, "end");
    };
    socket.onmessage = (event) => socketOnMessage(connection, event?.data);
    socket.onerror = (event) => {
      if (!connection.opened && ended === undefined) log(`user ${credentials.userId}: cannot connect to ${target}: ${event?.error ?? "unknown error"}`);
    };
    socket.addEventListener("close", (event) => socketOnClose(connection, (event as { code?: unknown } | undefined)?.code));
  }

  function socketOnMessage(connection: Connection, data: unknown): void {
    if (connection.retired) return;
    const receivedAtMs = Date.now();
    const text = typeof data === "string" ? data : String(data);
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      frame = text; // the checker reports it (content)
    }
    receiveOptions.text = text;
    receiveOptions.receivedAtMs = receivedAtMs;
    checker.received(connection.id, frame, receiveOptions);
    if (typeof frame !== "object" || frame === null) return;
    client.receive(frame);
    serverFrame(connection, frame as Record<string, unknown>, receivedAtMs);
  }

  function serverFrame(connection: Connection, frame: Record<string, unknown>, receivedAtMs: number): void {
    switch (frame["type"]) {
      case "connected":
        connectedOnOpen(connection, frame);
        return;
      case "resync_required":
        resyncCount += 1;
        resyncs.add(1);
        return;
      case "protocol_error":
        protocolErrorCount += 1;
        protocolErrors.add(1);
        if (protocolErrorCount === 1) log(`user ${credentials.userId}: protocol_error ${String(frame["code"])}: ${String(frame["message"])}`);
        // Our only frames are start_agent and ack; count it as a refused start so the session can still end.
        startsRefused += 1;
        startSentAtMs.shift();
        finishIfDone();
        return;
      default:
        if (typeof frame["seq"] === "number" && typeof frame["type"] === "string") agentEvent(connection, frame, { seq: frame["seq"], type: frame["type"], receivedAtMs });
    }
  }

  function connectedOnOpen(connection: Connection, frame: Record<string, unknown>): void {
    if (connection.connected) return;
    connection.connected = true;
    connectedOnce = true;
    if (runsSent === 0 && !slotsOpened) openSlots();
    pump();
    scheduleStormDrop(connection);
  }

  function agentEvent(connection: Connection, frame: Record<string, unknown>, event: { seq: number; type: string; receivedAtMs: number }): void {
    eventsReceived.add(1);
    const live = event.seq > client.replayThroughSeq;
    if (!live) eventsReplayed.add(1);
    else if (typeof frame["ts"] === "number") eventLatency.add(event.receivedAtMs - frame["ts"]);
    const runId = typeof frame["run_id"] === "string" ? frame["run_id"] : "";
    if (event.type === "agent_started" && !runsStarted.has(runId)) {
      runsStarted.add(runId);
      const sentAtMs = startSentAtMs.shift();
      if (live && sentAtMs !== undefined) agentStartLatency.add(event.receivedAtMs - sentAtMs);
      if (profile.drops.kind === "once" && !droppedOnce && runsStarted.size >= Math.ceil(profile.runsPerSession / 2)) {
        droppedOnce = true;
        plannedDrop(connection);
        return;
      }
    }
    if (event.type === "agent_completed" && !runsDone.has(runId)) {
      runsDone.add(runId);
      runsCompleted.add(1);
      if (runsSent < profile.runsPerSession) {
        later(profile.thinkTimeMs, () => {
          startsOwed += 1;
          pump();
        });
      }
      finishIfDone();
    }
  }

  /**
   * Opens the session's run slots, one every thinkTimeMs / runsInFlightMax ms rather
   * than all at once, so the load is smooth instead of one burst per session.
   */
  function openSlots(): void {
    slotsOpened = true;
    const slots = Math.min(profile.runsInFlightMax, profile.runsPerSession);
    const spacingMs = profile.thinkTimeMs / profile.runsInFlightMax;
    for (let slot = 0; slot < slots; slot += 1) {
      if (slot === 0 || spacingMs < 1) startsOwed += 1;
      else {
        later(Math.round(slot * spacingMs), () => {
          startsOwed += 1;
          pump();
        });
      }
    }
  }

  /** Sends the starts owed while the connection is usable and under its frame rate. */
  function pump(): void {
    const connection = current;
    if (ended !== undefined || connection === undefined || !connection.connected || connection.retired) return;
    while (startsOwed > 0 && runsSent < profile.runsPerSession) {
      const waitMs = frameRateWaitMs(connection);
      if (waitMs > 0) {
        later(waitMs, pump);
        return;
      }
      const runIndex = runsSent;
      runsSent += 1;
      startsOwed -= 1;
      const scenario = profile.scenarios[runIndex % profile.scenarios.length] ?? "default";
      const frame: Record<string, unknown> = {
        type: "start_agent",
        request_id: `${identity.requestIdPrefix}-r${runIndex}`,
        agent_type: profile.agentType,
        message: profile.message,
      };
      if (scenario !== "default") frame["scenario"] = scenario;
      startSentAtMs.push(Date.now());
      sendFrame(connection, frame);
    }
  }

  function sendFrame(connection: Connection, frame: Record<string, unknown>): void {
    const atMs = Date.now();
    const text = JSON.stringify(frame);
    connection.socket.send(text);
    connection.recentFramesAtMs.push(atMs);
    checker.sent(connection.id, frame, { text, atMs });
  }

  /** How long until one more frame fits under clientFramesPerSecondMax, ms (0: now). */
  function frameRateWaitMs(connection: Connection): number {
    const nowMs = Date.now();
    const recent = connection.recentFramesAtMs;
    while (recent.length > 0 && (recent[0] ?? 0) <= nowMs - 1000) recent.shift();
    if (recent.length < profile.clientFramesPerSecondMax) return 0;
    return (recent[0] ?? nowMs) + 1000 - nowMs + 1;
  }

  function scheduleStormDrop(connection: Connection): void {
    const drops = profile.drops;
    if (drops.kind !== "storm") return;
    const delayMs = drops.everyMs - (Date.now() % drops.everyMs) + Math.floor(Math.random() * (drops.jitterMs + 1));
    later(delayMs, () => {
      if (ended === undefined && current === connection && connection.connected && !connection.retired) plannedDrop(connection);
    });
  }

  function plannedDrop(connection: Connection): void {
    if (client.epoch === null) return;
    closeRetired(connection, "drop", 4000, "k6 planned drop");
  }

  function closeRetired(connection: Connection, reason: "drop" | "end", code = 1000, text = ""): void {
    if (connection.closed) return;
    connection.retired = true;
    if (connection === current && client.attached) client.socketClosed();
    connection.plannedClose = reason;
    connection.socket.close(code, text);
  }

  function socketOnClose(connection: Connection, codeFromEvent: unknown): void {
    if (connection.closed) return;
    connection.closed = true;
    connection.retired = true;
    if (connection === current && client.attached) client.socketClosed();
    const code = typeof codeFromEvent === "number" ? codeFromEvent : connection.plannedClose === "end" ? 1000 : connection.plannedClose === "drop" ? 4000 : 1006;
    if (connection.opened) {
      const closedAtMs = Date.now();
      checker.closed(connection.id, { atMs: closedAtMs, code });
    }
    if (ended !== undefined) {
      if (connection === current) settle();
      return;
    }
    if (connection.plannedClose === "drop") {
      resumeAfter(profile.dropPauseMs);
      return;
    }
    if (!connectedOnce) {
      end(false);
      settle();
      return;
    }
    unplannedReconnects += 1;
    if (unplannedReconnects > profile.unplannedReconnectsMax) {
      log(`user ${credentials.userId}: connection closed (code ${code}) ${unplannedReconnects} times without being asked; giving up`);
      end(false);
      settle();
      return;
    }
    resumeAfter(profile.dropPauseMs);
  }

  function resumeAfter(pauseMs: number): void {
    later(pauseMs, () => {
      if (ended !== undefined) return;
      resumes.add(1);
      connect();
    });
  }

  function finishIfDone(): void {
    if (runsDone.size + startsRefused >= profile.runsPerSession) end(true);
  }

  /** Ends the session: the checker's verdict, the session's checks, the last close. */
  function end(completed: boolean): void {
    if (ended !== undefined) return;
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    // Finish before the last close, while the view is open: all runs done means the stream is quiet.
    const verdict = checker.finish({ atMs: Date.now(), requireRunsComplete: completed });
    ended = { completed, verdict };
    // A flagged session leaves its record for `npm run sim -- --replay` (see sessionRecorder.ts).
    if ((!verdict.ok || checker.violationCount > 0) && recordsEmitted < profile.recordSessionsPerVuMax) {
      if (checker.emitRecord(`${credentials.userId}.${identity.requestIdPrefix}`, identity.emitRecordLine)) recordsEmitted += 1;
    }
    check(verdict, {
      "connected": () => connectedOnce,
      "every run completed (or its loss was announced)": () => completed || resyncCount > 0,
      "no protocol_error": () => protocolErrorCount === 0,
      "stream passed the invariant checker": (result) => result.ok,
    });
    if (!completed) {
      log(
        `user ${credentials.userId}: session ended before its runs completed (${runsDone.size} of ${runsSent} sent, ${profile.runsPerSession} planned; ${resyncCount} resync(s))`,
      );
    }
    const connection = current;
    if (connection === undefined || connection.closed) settle();
    else if (connection.opened) closeRetired(connection, "end");
    // A connection still opening is closed by its onopen (k6 cannot close a CONNECTING socket cleanly everywhere).
  }

  function settle(): void {
    if (ended === undefined) return;
    resolveSession({ completed: ended.completed, runsSent, runsCompleted: runsDone.size, verdict: ended.verdict });
  }

  // The generator-lag probe: how late this VU's own timer fires (see metrics.ts). The first
  // one is due at once, so every session samples at least once: a session shorter than
  // the probe period (a fast server, quick runs) would otherwise leave generator_lag empty
  // and its INVALID gate blind.
  let probeDueMs = Date.now();
  function probeGeneratorLag(): void {
    const nowMs = Date.now();
    generatorLag.add(Math.max(0, nowMs - probeDueMs));
    probeDueMs = nowMs + GENERATOR_LAG_PROBE_MS;
    later(GENERATOR_LAG_PROBE_MS, probeGeneratorLag);
  }
  later(0, probeGeneratorLag);
  later(profile.sessionTimeoutMs, () => end(false));
  if (identity.connectDelayMs > 0) later(identity.connectDelayMs, connect);
  else connect();
  return done;
}
