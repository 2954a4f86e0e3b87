/**
 * The recorded-trace format (JSONL, one object per line) that the simulator writes
 * and that `npm run sim -- --replay <file>` re-checks. Any client of any server that
 * speaks docs/protocol.md can record one: only `open`, `send`, `recv` and `close` lines
 * are needed. Other kinds (faults, server decisions) are kept for people and ignored
 * by the checker.
 *
 * Read back by protocol/readTrace.ts, the one reader. The line shapes are type aliases (not
 * interfaces) so that a line is also a `Record<string, unknown>` to code that reads any field.
 *
 * `conn` names one client-side socket; `device` names the logical client that
 * reconnects (and resumes) across sockets; `t` is the recorder's clock in ms.
 */

/** A client socket opened (after a successful upgrade), optionally resuming. */
export type TraceOpen = {
  t: number;
  kind: "open";
  conn: string;
  device: string;
  user: string;
  resume?: { epoch: string; last_seq: number };
};

/** A frame the client sent. */
export type TraceSend = {
  t: number;
  kind: "send";
  conn: string;
  frame: unknown;
};

/** A frame the client received (parsed JSON; `raw` holds text that did not parse). */
export type TraceReceive = {
  t: number;
  kind: "recv";
  conn: string;
  frame?: unknown;
  raw?: string;
};

/** The client socket closed (`code` as the client saw it; 1006 when abrupt). */
export type TraceClose = {
  t: number;
  kind: "close";
  conn: string;
  code: number;
};

/** Any line the checker reads. */
export type TraceCheckedLine = TraceOpen | TraceSend | TraceReceive | TraceClose;

/** A line the checker ignores: a fault, a server decision, a phase marker… */
export interface TraceOtherLine {
  t: number;
  kind: string;
  [field: string]: unknown;
}

/** Any trace line. */
export type TraceLine = TraceCheckedLine | TraceOtherLine;
