/**
 * The viewer's connection: a browser WebSocket driven by the project's event client
 * (protocol/client), which owns the resume point, dedup and acks. This file owns only
 * what a browser host owns: opening sockets, reconnecting after a close, and the runs the
 * user asked for that still wait for a connection. Time comes through the server's ports
 * (main.ts binds them to the real adapters), as everywhere in server/.
 */
import { createEventClient, RECEIVE_OUTCOMES, withResumeQuery, type EventClient, type ReceiveOutcome } from "../../../protocol/client/index.ts";
import { CLOSE_CODES } from "../../../protocol/closeCodes.ts";
import type { Clock } from "../../ports/clock.ts";
import type { Scheduler } from "../../ports/scheduler.ts";
import type { EventTable } from "./createEventTable.ts";
import type { ViewerConfig } from "./ViewerConfig.ts";

/** Counters the page shows beside the table. */
export interface ViewerCounts {
  connections: number;
  events: number;
  duplicates: number;
  gaps: number;
  foreign: number;
  resyncs: number;
}

/** The buttons' actions and the state the page shows. */
export interface ViewerSession {
  readonly client: EventClient;
  readonly counts: ViewerCounts;
  /** Sends a `start_agent` now, or as soon as a connection is up. */
  startRun(): void;
  /** Closes the socket (code 4000); the session reconnects and resumes. */
  drop(): void;
}

/** What a session needs around it. */
export interface ViewerSessionOptions {
  table: EventTable;
  /** Called after every socket event (the page redraws its status). */
  onChange: () => void;
  clock: Clock;
  scheduler: Scheduler;
}

/** Connects at once and keeps reconnecting. */
export function createViewerSession(config: ViewerConfig, options: ViewerSessionOptions): ViewerSession {
  const { table, onChange, clock, scheduler } = options;
  const counts: ViewerCounts = { connections: 0, events: 0, duplicates: 0, gaps: 0, foreign: 0, resyncs: 0 };
  const pendingStarts: Array<{ type: "start_agent"; request_id: string; agent_type: string; message: string }> = [];
  let socket: WebSocket | null = null;
  let requestIndex = 0;

  const client = createEventClient({
    ackEveryEvents: config.ackEveryEvents,
    onEvent: (event) => {
      counts.events += 1;
      table.addEvent(event, { receivedAtMs: clock.nowMs(), replayed: event.seq <= client.replayThroughSeq });
    },
    onConnected: (frame) => {
      table.addNote("connect", `connected as ${frame.user_id} (connection ${frame.connection_id}, epoch ${frame.epoch}, server last_seq ${frame.last_seq}); resume point ${client.lastSeq}`);
      while (pendingStarts.length > 0) {
        const start = pendingStarts[0];
        if (start === undefined || !client.send(start)) break;
        pendingStarts.shift();
      }
    },
    onResync: (frame, loss) => {
      counts.resyncs += 1;
      const lost = loss.lostEvents === null ? "an unknown number of events (new epoch)" : `${loss.lostEvents} event(s)`;
      table.addNote("resync", `resync_required: epoch ${frame.epoch}, oldest_seq ${frame.oldest_seq}; lost ${lost}`);
    },
    onProtocolError: (frame) => table.addNote("error", `protocol_error ${frame.code}: ${frame.message}`),
  });

  function count(outcome: ReceiveOutcome): void {
    if (outcome === RECEIVE_OUTCOMES.duplicate) counts.duplicates += 1;
    else if (outcome === RECEIVE_OUTCOMES.gap) counts.gaps += 1;
    else if (outcome === RECEIVE_OUTCOMES.foreignEpoch) counts.foreign += 1;
  }

  function connect(): void {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const base = `${scheme}://${location.host}${config.wsPath}?token=${encodeURIComponent(config.token)}`;
    const resume = client.resumePoint();
    const opened = new WebSocket(withResumeQuery(base, resume));
    socket = opened;
    counts.connections += 1;
    table.addNote("connect", resume === undefined ? "connecting (fresh: live events only)" : `reconnecting: resume after seq ${resume.lastSeq} of epoch ${resume.epoch}`);
    opened.onopen = () => {
      if (socket !== opened) return;
      client.socketOpened({ send: (frame) => opened.send(JSON.stringify(frame)) });
      onChange();
    };
    opened.onmessage = (message: MessageEvent) => {
      if (socket !== opened) return;
      let frame: unknown;
      try {
        frame = JSON.parse(String(message.data));
      } catch {
        table.addNote("error", `not JSON: ${String(message.data).slice(0, 120)}`);
        return;
      }
      count(client.receive(frame));
      onChange();
    };
    opened.onclose = (event: CloseEvent) => {
      if (socket !== opened) return;
      socket = null;
      client.socketClosed();
      table.addNote("close", `closed with ${event.code}${event.reason === "" ? "" : ` (${event.reason})`}; reconnecting in ${config.reconnectDelayMs} ms`);
      onChange();
      scheduler.after(config.reconnectDelayMs, connect);
    };
  }

  connect();
  return {
    client,
    counts,
    startRun() {
      requestIndex += 1;
      const start = {
        type: "start_agent" as const,
        request_id: `viewer-${clock.nowMs().toString(36)}-${requestIndex}`,
        agent_type: "performance_analyst",
        message: "Analyze my system performance",
      };
      if (!client.send(start)) pendingStarts.push(start);
    },
    drop() {
      socket?.close(CLOSE_CODES.clientDrop, "viewer: dropped on purpose");
    },
  };
}
