/**
 * Re-checks a recorded JSONL trace (protocol/trace.ts), read by protocol/readTrace.ts,
 * with a fresh checker: `open`, `send`, `recv` and `close` lines drive it; other kinds
 * are ignored. A line that is not JSON or lacks its fields is reported with its 1-based line number, never thrown, and
 * makes `ok` false: a trace that cannot be read in full proves nothing.
 */
import type { EmittedLog } from "./Checker.ts";
import type { CheckerVerdict } from "./CheckerVerdict.ts";
import type { CheckerOptions } from "./CheckerOptions.ts";
import { createChecker } from "./createChecker.ts";
import type { Checker } from "./Checker.ts";
import { isCheckedLine, readTrace } from "../readTrace.ts";
import type { TraceCheckedLine } from "../trace.ts";

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

/** See the module comment. */
export function checkTrace(text: string, options: CheckTraceOptions = {}): TraceVerdict {
  const { finishAtMs, requireRunsComplete = false, emitted, traceProblemsMax = 100, makeChecker = createChecker, ...checkerOptions } = options;
  const checker = makeChecker(checkerOptions);
  const problems: TraceProblem[] = [];
  const lines = { total: 0, checked: 0, ignored: 0, unreadable: 0 };
  let latestMs = 0;
  for (const entry of readTrace(text)) {
    lines.total += 1;
    if ("problem" in entry) {
      lines.unreadable += 1;
      if (problems.length < traceProblemsMax) problems.push({ lineNumber: entry.lineNumber, message: entry.problem });
      continue;
    }
    const line = entry.line;
    latestMs = Math.max(latestMs, line.t);
    if (isCheckedLine(line)) {
      feedLine(checker, line);
      lines.checked += 1;
    } else {
      lines.ignored += 1;
    }
  }
  const finishOptions = emitted === undefined ? { atMs: finishAtMs ?? latestMs, requireRunsComplete } : { atMs: finishAtMs ?? latestMs, requireRunsComplete, emitted };
  const verdict = checker.finish(finishOptions);
  return { ...verdict, ok: verdict.ok && lines.unreadable === 0, traceProblems: problems, lines };
}

/** Feeds one line readTrace validated to the checker. */
function feedLine(checker: Checker, line: TraceCheckedLine): void {
  switch (line.kind) {
    case "open":
      checker.connectionOpened(
        line.resume === undefined
          ? { connectionId: line.conn, deviceId: line.device, userId: line.user, atMs: line.t }
          : { connectionId: line.conn, deviceId: line.device, userId: line.user, atMs: line.t, resume: { epoch: line.resume.epoch, lastSeq: line.resume.last_seq } },
      );
      return;
    case "send":
      checker.clientFrame(line.conn, line.frame, { atMs: line.t });
      return;
    case "recv":
      // readTrace guarantees a frame or a raw string.
      checker.serverFrame(line.conn, "frame" in line ? line.frame : line.raw, { receivedAtMs: line.t });
      return;
    case "close":
      checker.connectionClosed(line.conn, { atMs: line.t, code: line.code });
      return;
  }
}
