/** The shape of the shared invariant checker (see createChecker). */
import type { CheckerVerdict } from "./CheckerVerdict.ts";
import type { Violation } from "./Violation.ts";

/** A client socket that opened (after a successful upgrade). */
export interface ConnectionOpen {
  /** Unique among the connections open at once (e.g. `d1#2`). */
  connectionId: string;
  /** The logical client; its connections are sequential and a resume continues its view. */
  deviceId: string;
  /** The authenticated user (the token's `sub`). */
  userId: string;
  /** Caller's clock, ms. */
  atMs: number;
  /** The resume the client asked for (`epoch`, `last_seq` in the upgrade query). */
  resume?: { epoch: string; lastSeq: number };
}

/**
 * Ground truth from a simulator: every event the server emitted, server side.
 * Optional; it sharpens completeness (newest seq) and run completion at finish.
 */
export type EmittedLog = ReadonlyArray<{ userId: string; epoch: string; seq: number; runId: string; type: string }>;

/** Options of {@link Checker.finish}. */
export interface FinishOptions {
  /** Caller's clock, ms. */
  atMs: number;
  /**
   * The run is over and quiet: every run a device saw start must have completed, and
   * devices whose last connection closed normally (code 1000) are judged too.
   */
  requireRunsComplete: boolean;
  emitted?: EmittedLog;
}

/**
 * A read-only observer of client connections. Feed it what clients saw, in the order
 * they saw it; it returns violations as it finds them and a verdict at the end.
 */
export interface Checker {
  /** A client socket opened. */
  connectionOpened(open: ConnectionOpen): void;
  /** A frame a client sent (start_agent is used for start latency and run attribution). */
  clientFrame(connectionId: string, frame: unknown, options: { atMs: number }): Violation[];
  /** A frame a client received, already JSON.parsed (pass the raw parsed value, not a validated one). */
  /** Returns the violations this frame revealed (a shared empty list when none: do not modify it). */
  serverFrame(connectionId: string, frame: unknown, options: { receivedAtMs: number }): readonly Violation[];
  /** A client socket closed, with the code the client saw (1006 when abrupt). */
  connectionClosed(connectionId: string, options: { atMs: number; code: number }): void;
  /** End-of-run checks (completeness, liveness, delivery latency) and the verdict. Idempotent: later calls return the first verdict. */
  finish(options: FinishOptions): CheckerVerdict;
  /** Every violation stored so far, in the order found (at most violationsMax). */
  readonly violations: readonly Violation[];
}
