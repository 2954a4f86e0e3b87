/**
 * A simulation's trace lines (protocol/trace.ts format plus the simulator's `decision`
 * and `fault` lines) indexed per client connection, for properties that judge what the
 * trace shows beyond the checker's verdict (a 4409 close seen by the client, a
 * resync_required before a replay).
 */
import { isCheckedLine, readTraceLine } from "../../protocol/readTrace.ts";

/** Any trace line, parsed. */
export interface SimTraceLine {
  t: number;
  kind: string;
  [field: string]: unknown;
}

/** A received frame, parsed. */
export interface ReceivedFrame {
  t: number;
  frame: Record<string, unknown>;
}

/** One client socket, from its `open` line to its `close` line. */
export interface ClientConnectionTrace {
  /** Client-side id, `u1-d1#2`. */
  conn: string;
  device: string;
  user: string;
  openedAtMs: number;
  resume: { epoch: string; last_seq: number } | undefined;
  /** The manager's id for it (the `connection_id` of its connected frame), once known. */
  serverConnectionId: string | undefined;
  received: ReceivedFrame[];
  close: { t: number; code: number } | undefined;
}

/** See the module comment. */
export interface SimTrace {
  lines: SimTraceLine[];
  /** Client connections in the order they opened. */
  connections: ClientConnectionTrace[];
  byConnection: Map<string, ClientConnectionTrace>;
  byServerConnectionId: Map<string, ClientConnectionTrace>;
  /** `decision` lines (the manager's observer), in order. */
  decisions: SimTraceLine[];
}

/**
 * Reads (protocol/readTrace.ts, the reader the checker and the report use) and indexes
 * `traceLines` (one JSON object per line). A line the reader rejects throws: the
 * simulator wrote it, so it is a bug in the simulator, not an input to judge.
 */
export function readSimTrace(traceLines: readonly string[]): SimTrace {
  const lines: SimTraceLine[] = [];
  const connections: ClientConnectionTrace[] = [];
  const byConnection = new Map<string, ClientConnectionTrace>();
  const byServerConnectionId = new Map<string, ClientConnectionTrace>();
  const decisions: SimTraceLine[] = [];
  traceLines.forEach((text, index) => {
    const line = readTraceLine(text);
    if (typeof line === "string") throw new Error(`simulator trace line ${index + 1}: ${line}`);
    lines.push(line);
    if (line.kind === "decision") {
      decisions.push(line);
      return;
    }
    if (!isCheckedLine(line)) return;
    if (line.kind === "open") {
      const connection: ClientConnectionTrace = {
        conn: line.conn,
        device: line.device,
        user: line.user,
        openedAtMs: line.t,
        resume: line.resume,
        serverConnectionId: undefined,
        received: [],
        close: undefined,
      };
      connections.push(connection);
      byConnection.set(line.conn, connection);
      return;
    }
    const connection = byConnection.get(line.conn);
    if (connection === undefined) return;
    if (line.kind === "recv" && typeof line.frame === "object" && line.frame !== null) {
      const frame = line.frame as Record<string, unknown>;
      connection.received.push({ t: line.t, frame });
      if (frame.type === "connected" && typeof frame.connection_id === "string") {
        connection.serverConnectionId = frame.connection_id;
        byServerConnectionId.set(frame.connection_id, connection);
      }
    } else if (line.kind === "close") {
      connection.close = { t: line.t, code: line.code };
    }
  });
  return { lines, connections, byConnection, byServerConnectionId, decisions };
}

/** The agent events a connection received (frames with a numeric seq), in order. */
export function receivedEvents(connection: ClientConnectionTrace): Array<ReceivedFrame & { seq: number; epoch: string }> {
  return connection.received
    .filter((received) => typeof received.frame.seq === "number")
    .map((received) => ({ ...received, seq: received.frame.seq as number, epoch: String(received.frame.epoch) }));
}
