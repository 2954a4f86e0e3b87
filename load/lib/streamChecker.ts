/**
 * Glue between one VU's WebSocket stream and the shared invariant checker
 * (protocol/checker, bundled into the script): every open, send, receive and close
 * goes in; every violation comes out as +1 on its class's k6 Counter
 * (`violations_order`, `violations_gap`, ...) and, up to a bound, as a log line.
 *
 * One checker per VU session (an iteration): a session is one logical device of
 * the VU's user, and its sequential connections (drops and resumes) form one view.
 */
import type { CheckerVerdict } from "../../protocol/checker/CheckerVerdict.ts";
import { VU_CHECKER_OPTIONS } from "../../protocol/checker/CheckerOptions.ts";
import { createChecker } from "../../protocol/checker/createChecker.ts";
import { createLazyChecker } from "../../protocol/checker/createLazyChecker.ts";
import { createSessionRecorder, type SessionRecorder } from "./sessionRecorder.ts";
import type { Violation } from "../../protocol/checker/Violation.ts";
import { VIOLATION_CLASSES, violationClassOf } from "../../protocol/checker/violationCountsByClass.ts";
import { violationCounters } from "./metrics.ts";

/** Violation messages one VU logs per session; the rest are counted, and one line says how many were not logged. */
export const VIOLATION_LOG_LINES_PER_SESSION_MAX = 5;

/** A stream checker for one session. Times are the caller's clock, ms since the epoch. */
export interface StreamChecker {
  opened(connectionId: string, options: { atMs: number; resume?: { epoch: string; lastSeq: number } }): void;
  /** `frame` is the value sent, `text` its JSON as sent. */
  sent(connectionId: string, frame: unknown, options: { text: string; atMs: number }): void;
  /**
   * `frame` is the parsed JSON (or the raw text when it did not parse: a content
   * violation), `text` the frame as received. Neither is kept past the call but the
   * frame, so a caller may reuse one options object for every frame (k6 pays for each
   * allocation).
   */
  received(connectionId: string, frame: unknown, options: { text: string; receivedAtMs: number }): void;
  closed(connectionId: string, options: { atMs: number; code: number }): void;
  /** End of the session; see Checker.finish. Idempotent. */
  finish(options: { atMs: number; requireRunsComplete: boolean }): CheckerVerdict;
  /** Violations found so far (stored ones; the counters have them all). */
  readonly violationCount: number;
  /** Emits the session's record (sessionRecorder.ts) under `recordId` through `emitLine`; false when there is none (a quiet session, or recording off). */
  emitRecord(recordId: string, emitLine: (line: string) => void): boolean;
}

/**
 * Makes the checker of one session of `userId` on device `deviceId`; `log` receives the
 * bounded violation lines; an engaged session keeps its last `recordLinesMax` lines (0:
 * none) for {@link StreamChecker.emitRecord}.
 */
export function createStreamChecker(identity: { userId: string; deviceId: string }, options: { log: (line: string) => void; recordLinesMax: number }): StreamChecker {
  let recorder: SessionRecorder | undefined;
  const checker = createLazyChecker(VU_CHECKER_OPTIONS, {
    onEngage: (held) => {
      if (options.recordLinesMax <= 0) return;
      const record = createSessionRecorder(identity, { linesMax: options.recordLinesMax });
      recorder = record;
      for (const call of held) {
        if (call.kind === "open") record.opened(call.open.connectionId, { atMs: call.open.atMs, resume: call.open.resume });
        else if (call.kind === "send") record.sent(call.connectionId, call.frame, call.atMs);
        else if (call.kind === "recv") record.received(call.connectionId, call.frame, call.atMs);
        else record.closed(call.connectionId, { atMs: call.atMs, code: call.code });
      }
    },
  });
  let counted = 0;
  let logged = 0;
  let notLogged = 0;

  function count(violations: readonly Violation[]): void {
    if (violations.length === 0) return; // the usual case: no iterator made
    for (const violation of violations) {
      counted += 1;
      const violationClass = violationClassOf(violation);
      if (violationClass === undefined) continue; // timing (invariant 9): the k6 trends and thresholds judge it
      violationCounters[violationClass].add(1);
      if (logged < VIOLATION_LOG_LINES_PER_SESSION_MAX) {
        logged += 1;
        options.log(`violation [${violationClass}] ${violation.invariant}/${violation.kind}: ${violation.message}`);
      } else notLogged += 1;
    }
  }

  return {
    // Each call goes to the checker first: the call that engages it is not among the held ones, so it is recorded after.
    opened(connectionId, openOptions) {
      checker.connectionOpened({
        connectionId,
        deviceId: identity.deviceId,
        userId: identity.userId,
        atMs: openOptions.atMs,
        ...(openOptions.resume === undefined ? {} : { resume: openOptions.resume }),
      });
      recorder?.opened(connectionId, { atMs: openOptions.atMs, resume: openOptions.resume });
    },
    sent(connectionId, frame, sendOptions) {
      count(checker.clientFrame(connectionId, frame, sendOptions));
      recorder?.sent(connectionId, sendOptions.text, sendOptions.atMs);
    },
    received(connectionId, frame, receiveOptions) {
      count(checker.serverFrame(connectionId, frame, receiveOptions));
      recorder?.received(connectionId, receiveOptions.text, receiveOptions.receivedAtMs);
    },
    closed(connectionId, closeOptions) {
      checker.connectionClosed(connectionId, closeOptions);
      recorder?.closed(connectionId, closeOptions);
    },
    finish(finishOptions) {
      const storedBefore = checker.violations.length;
      const verdict = checker.finish(finishOptions);
      count(checker.violations.slice(storedBefore));
      // Every class shows in the summary, with 0 when clean.
      for (const violationClass of VIOLATION_CLASSES) violationCounters[violationClass].add(0);
      if (notLogged > 0) {
        options.log(`${notLogged} more violation(s) of user ${identity.userId} not logged (bound ${VIOLATION_LOG_LINES_PER_SESSION_MAX} per session); the violations_* counters have them all`);
        notLogged = 0;
      }
      return verdict;
    },
    get violationCount() {
      return counted;
    },
    emitRecord(recordId, emitLine) {
      if (recorder === undefined) return false;
      recorder.emit(recordId, emitLine);
      return true;
    },
  };
}

/**
 * A stand-in for {@link createStreamChecker} that checks nothing (`CHECK=off`): the
 * same run with and without the checker shows what the checker costs inside a VU.
 * Its verdict is always ok, so it must never gate a real run.
 */
export function createUncheckedStream(): StreamChecker {
  const verdict: CheckerVerdict = createChecker().finish({ atMs: 0, requireRunsComplete: false });
  return {
    opened: () => undefined,
    sent: () => undefined,
    received: () => undefined,
    closed: () => undefined,
    finish: () => verdict,
    violationCount: 0,
    emitRecord: () => false,
  };
}
