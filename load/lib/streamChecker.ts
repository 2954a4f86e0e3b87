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
import type { Violation } from "../../protocol/checker/Violation.ts";
import { VIOLATION_CLASSES, violationClassOf } from "../../protocol/checker/violationCountsByClass.ts";
import { violationCounters } from "./metrics.ts";

/** Violation messages one VU logs per session; the rest are counted, and one line says how many were not logged. */
export const VIOLATION_LOG_LINES_PER_SESSION_MAX = 5;

/** A stream checker for one session. Times are the caller's clock, ms since the epoch. */
export interface StreamChecker {
  opened(connectionId: string, options: { atMs: number; resume?: { epoch: string; lastSeq: number } }): void;
  sent(connectionId: string, frame: unknown, atMs: number): void;
  /** `frame` is the parsed JSON (or the raw text when it did not parse: a content violation). */
  received(connectionId: string, frame: unknown, receivedAtMs: number): void;
  closed(connectionId: string, options: { atMs: number; code: number }): void;
  /** End of the session; see Checker.finish. Idempotent. */
  finish(options: { atMs: number; requireRunsComplete: boolean }): CheckerVerdict;
  /** Violations found so far (stored ones; the counters have them all). */
  readonly violationCount: number;
}

/** Makes the checker of one session of `userId` on device `deviceId`; `log` receives the bounded violation lines. */
export function createStreamChecker(identity: { userId: string; deviceId: string }, options: { log: (line: string) => void }): StreamChecker {
  const checker = createChecker(VU_CHECKER_OPTIONS);
  let counted = 0;
  let logged = 0;
  let notLogged = 0;

  function count(violations: readonly Violation[]): void {
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
    opened(connectionId, openOptions) {
      checker.connectionOpened({
        connectionId,
        deviceId: identity.deviceId,
        userId: identity.userId,
        atMs: openOptions.atMs,
        ...(openOptions.resume === undefined ? {} : { resume: openOptions.resume }),
      });
    },
    sent(connectionId, frame, atMs) {
      count(checker.clientFrame(connectionId, frame, { atMs }));
    },
    received(connectionId, frame, receivedAtMs) {
      count(checker.serverFrame(connectionId, frame, { receivedAtMs }));
    },
    closed(connectionId, closeOptions) {
      checker.connectionClosed(connectionId, closeOptions);
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
  };
}
