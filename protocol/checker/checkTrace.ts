/**
 * Re-checks a recorded JSONL trace (protocol/trace.ts) with a fresh checker: `open`,
 * `send`, `recv` and `close` lines drive it; other kinds are ignored. A line that is not
 * JSON or lacks its fields is reported with its 1-based line number, never thrown, and
 * makes `ok` false: a trace that cannot be read in full proves nothing.
 */
import type { EmittedLog } from "./Checker.ts";
import type { CheckerVerdict } from "./CheckerVerdict.ts";
import type { CheckerOptions } from "./CheckerOptions.ts";
import { createChecker } from "./createChecker.ts";
import type { Checker } from "./Checker.ts";

/** Options of {@link checkTrace}: the checker's, plus how to finish. */
export interface CheckTraceOptions extends CheckerOptions {
  /** Clock value passed to finish (ms). Default: the largest `t` in the trace. */
  finishAtMs?: number;
  /** Passed to finish. Default false. */
  requireRunsComplete?: boolean;
  /** Passed to finish. */
  emitted?: EmittedLog;
  /** Trace problems kept (the rest are counted in lines.unreadable). Default 100. */
  traceProblemsMax?: number;
  /** Makes the checker the lines are fed to: createChecker (default), or createLazyChecker to re-check a k6 session the way its VU did. */
  makeChecker?: (options: CheckerOptions) => Checker;
}

/** A line the checker could not use. */
export interface TraceProblem {
  /** 1-based. */
  lineNumber: number;
  message: string;
}

/** The checker's verdict plus what happened to the trace's lines. */
export interface TraceVerdict extends CheckerVerdict {
  traceProblems: TraceProblem[];
  lines: { total: number; checked: number; ignored: number; unreadable: number };
}

/** Characters of a bad line quoted in a problem at most. */
const QUOTED_CHARACTERS_MAX = 80;

/** See the module comment. */
export function checkTrace(text: string, options: CheckTraceOptions = {}): TraceVerdict {
  const { finishAtMs, requireRunsComplete = false, emitted, traceProblemsMax = 100, makeChecker = createChecker, ...checkerOptions } = options;
  const checker = makeChecker(checkerOptions);
  const problems: TraceProblem[] = [];
  const lines = { total: 0, checked: 0, ignored: 0, unreadable: 0 };
  let latestMs = 0;
  const rawLines = text.split("\n");
  for (let index = 0; index < rawLines.length; index += 1) {
    const line = (rawLines[index] as string).replace(/\r$/, "");
    if (line.trim() === "") continue;
    lines.total += 1;
    const outcome = feedLine(checker, line);
    if (typeof outcome === "string") {
      lines.unreadable += 1;
      if (problems.length < traceProblemsMax) problems.push({ lineNumber: index + 1, message: outcome });
      continue;
    }
    latestMs = Math.max(latestMs, outcome.t);
    if (outcome.checked) lines.checked += 1;
    else lines.ignored += 1;
  }
  const finishOptions = emitted === undefined ? { atMs: finishAtMs ?? latestMs, requireRunsComplete } : { atMs: finishAtMs ?? latestMs, requireRunsComplete, emitted };
  const verdict = checker.finish(finishOptions);
  return { ...verdict, ok: verdict.ok && lines.unreadable === 0, traceProblems: problems, lines };
}

/** Feeds one line; returns what it was, or a problem sentence. */
function feedLine(checker: Checker, line: string): { t: number; checked: boolean } | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return `not JSON (${(error as Error).message}): ${quote(line)}`;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return `not a JSON object: ${quote(line)}`;
  const record = value as Record<string, unknown>;
  const { t, kind, conn } = record;
  if (typeof t !== "number" || !Number.isFinite(t)) return `field t must be a number (ms): ${quote(line)}`;
  if (typeof kind !== "string") return `field kind must be a string: ${quote(line)}`;
  if (kind !== "open" && kind !== "send" && kind !== "recv" && kind !== "close") return { t, checked: false };
  if (typeof conn !== "string" || conn === "") return `a ${kind} line needs a non-empty string conn: ${quote(line)}`;
  switch (kind) {
    case "open":
      return feedOpen(checker, record, { t, conn, line });
    case "send":
      if (!("frame" in record)) return `a send line needs a frame: ${quote(line)}`;
      checker.clientFrame(conn, record.frame, { atMs: t });
      return { t, checked: true };
    case "recv":
      if ("frame" in record) checker.serverFrame(conn, record.frame, { receivedAtMs: t });
      else if (typeof record.raw === "string") checker.serverFrame(conn, record.raw, { receivedAtMs: t });
      else return `a recv line needs a frame or a raw string: ${quote(line)}`;
      return { t, checked: true };
    case "close":
      if (typeof record.code !== "number") return `a close line needs a numeric code: ${quote(line)}`;
      checker.connectionClosed(conn, { atMs: t, code: record.code });
      return { t, checked: true };
  }
}

function feedOpen(checker: Checker, record: Record<string, unknown>, where: { t: number; conn: string; line: string }): { t: number; checked: boolean } | string {
  const { device, user, resume } = record;
  if (typeof device !== "string" || device === "" || typeof user !== "string" || user === "") {
    return `an open line needs non-empty string device and user: ${quote(where.line)}`;
  }
  if (resume === undefined) {
    checker.connectionOpened({ connectionId: where.conn, deviceId: device, userId: user, atMs: where.t });
    return { t: where.t, checked: true };
  }
  const resumeRecord = typeof resume === "object" && resume !== null ? (resume as Record<string, unknown>) : {};
  const { epoch, last_seq: lastSeq } = resumeRecord;
  if (typeof epoch !== "string" || typeof lastSeq !== "number" || !Number.isInteger(lastSeq) || lastSeq < 0) {
    return `an open line's resume needs a string epoch and a non-negative integer last_seq: ${quote(where.line)}`;
  }
  checker.connectionOpened({ connectionId: where.conn, deviceId: device, userId: user, atMs: where.t, resume: { epoch, lastSeq } });
  return { t: where.t, checked: true };
}

function quote(line: string): string {
  return line.length <= QUOTED_CHARACTERS_MAX ? line : `${line.slice(0, QUOTED_CHARACTERS_MAX)}…`;
}
