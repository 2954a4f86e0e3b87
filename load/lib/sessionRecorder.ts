/**
 * A bounded, cheap record of one k6 session's frames (opens, sends, receives, closes,
 * with the VU's receive times), kept so that a session the checker flags can be
 * replayed: `npm run sim -- --replay` re-checks it and `npm run report` draws it.
 *
 * Cost: a ring of parallel arrays filled in place, so recording an event stores four
 * references and allocates nothing (the frame text exists already). It is made only
 * for a session whose checker engaged (streamChecker.ts): a quiet session, the usual
 * one, records nothing, and an engaged one starts from the calls its checker held.
 * Only a flagged
 * session pays for turning the ring into trace lines (protocol/trace.ts format) and
 * emitting them as console lines (traceConsoleLines.ts): the one output k6 (any
 * version) and the Node runner share outside handleSummary. `npm run load` collects
 * them into `results/load/<run>/traces/`.
 */
import { b64encode } from "k6/encoding";
import { formatTraceConsoleLines } from "./traceConsoleLines.ts";

const KIND_OPEN = 0;
const KIND_SEND = 1;
const KIND_RECV = 2;
const KIND_CLOSE = 3;

/** One session's recorder. */
export interface SessionRecorder {
  opened(connectionId: string, options: { atMs: number; resume: { epoch: string; lastSeq: number } | undefined }): void;
  /** `frame`: the text as sent, or the frame value (recorded as its JSON). */
  sent(connectionId: string, frame: unknown, atMs: number): void;
  /** `frame`: the text as received (kept raw when it is not JSON), or the parsed frame. */
  received(connectionId: string, frame: unknown, atMs: number): void;
  closed(connectionId: string, options: { atMs: number; code: number }): void;
  /** The record as trace lines (JSONL), from the oldest connection still whole in the ring. */
  traceText(): string;
  /** Emits the record on the console (see the module comment) under `recordId`. */
  emit(recordId: string, log: (line: string) => void): void;
}

/** A recorder keeping the last `linesMax` lines of the session of `userId` on device `deviceId`. */
export function createSessionRecorder(identity: { userId: string; deviceId: string }, options: { linesMax: number }): SessionRecorder {
  const size = Math.max(1, options.linesMax);
  const times: number[] = new Array<number>(size);
  const kinds: number[] = new Array<number>(size);
  const connections: string[] = new Array<string>(size);
  const payloads: unknown[] = new Array<unknown>(size);
  let next = 0;
  let count = 0;

  function put(kind: number, connectionId: string, atMs: number, payload: unknown): void {
    times[next] = atMs;
    kinds[next] = kind;
    connections[next] = connectionId;
    payloads[next] = payload;
    next = next + 1 === size ? 0 : next + 1;
    if (count < size) count += 1;
  }

  function lineAt(slot: number): string {
    const base = { t: times[slot] as number, conn: connections[slot] as string };
    const payload = payloads[slot];
    switch (kinds[slot]) {
      case KIND_OPEN: {
        const resume = payload as { epoch: string; lastSeq: number } | undefined;
        return JSON.stringify({
          t: base.t,
          kind: "open",
          conn: base.conn,
          device: identity.deviceId,
          user: identity.userId,
          ...(resume === undefined ? {} : { resume: { epoch: resume.epoch, last_seq: resume.lastSeq } }),
        });
      }
      case KIND_SEND:
        return JSON.stringify({ t: base.t, kind: "send", conn: base.conn, frame: typeof payload === "string" ? parseOrText(payload) : payload });
      case KIND_RECV: {
        const parsed = typeof payload === "string" ? parseOrUndefined(payload) : payload;
        return JSON.stringify(parsed === undefined ? { t: base.t, kind: "recv", conn: base.conn, raw: payload } : { t: base.t, kind: "recv", conn: base.conn, frame: parsed });
      }
      default:
        return JSON.stringify({ t: base.t, kind: "close", conn: base.conn, code: payload });
    }
  }

  return {
    opened: (connectionId, openOptions) => put(KIND_OPEN, connectionId, openOptions.atMs, openOptions.resume),
    sent: (connectionId, frame, atMs) => put(KIND_SEND, connectionId, atMs, frame),
    received: (connectionId, frame, atMs) => put(KIND_RECV, connectionId, atMs, frame),
    closed: (connectionId, closeOptions) => put(KIND_CLOSE, connectionId, closeOptions.atMs, closeOptions.code),
    traceText() {
      const lines: string[] = [];
      const first = count < size ? 0 : next;
      // After a wrap, the oldest connection is cut: start at the first open still held.
      let started = count < size;
      for (let offset = 0; offset < count; offset += 1) {
        const slot = (first + offset) % size;
        if (!started && kinds[slot] !== KIND_OPEN) continue;
        started = true;
        lines.push(lineAt(slot));
      }
      return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
    },
    emit(recordId, log) {
      for (const line of formatTraceConsoleLines(recordId, b64encode(this.traceText(), "std"))) log(line);
    },
  };
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function parseOrText(text: string): unknown {
  const parsed = parseOrUndefined(text);
  return parsed === undefined ? text : parsed;
}
