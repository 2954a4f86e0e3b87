/**
 * The server tests' oracles for invariants 1-4 and 7, as calls of the shared checker
 * (protocol/checker/createChecker.ts): the tests judge a real server with the same rules
 * as the simulator, the properties and the k6 scripts, not a second hand-written copy.
 * Each oracle feeds one synthetic connection (a `connected` frame, then the events) to a
 * fresh checker and returns the messages of the invariants it asks about.
 */
import { createChecker } from "../../protocol/checker/createChecker.ts";
import type { Violation } from "../../protocol/checker/Violation.ts";

/** The fields of a received frame the oracles read (the kit's ReceivedFrame has them). */
export interface OracleFrame {
  type: string;
  seq?: number;
  user_id?: string;
  epoch?: string;
  [field: string]: unknown;
}

/** Feeds `events` after a `connected` frame at `startSeq` and returns every violation, finish included. */
function checkConnection(events: readonly OracleFrame[], startSeq: number): Violation[] {
  const checker = createChecker();
  const first = events[0];
  const userId = first?.user_id ?? "nobody";
  checker.connectionOpened({ connectionId: "oracle#1", deviceId: "oracle", userId, atMs: 0 });
  const connected = { type: "connected", user_id: userId, connection_id: "oracle#1", epoch: first?.epoch ?? "none", last_seq: startSeq };
  checker.serverFrame("oracle#1", connected, { receivedAtMs: 0 });
  for (const event of events) checker.serverFrame("oracle#1", event, { receivedAtMs: typeof event["ts"] === "number" ? event["ts"] : 0 });
  checker.finish({ atMs: 0, requireRunsComplete: true });
  return [...checker.violations];
}

/**
 * The per-run invariants of docs/protocol.md (1-4) over one run's events, in arrival
 * order; the problems found (empty when the run is well-formed). The events are renumbered
 * 1..n first: the checker judges runs only on a view without holes, and a run's events are
 * a subsequence of its user's stream (order is {@link seqProblems}' business).
 */
export function runProblems(events: readonly OracleFrame[]): string[] {
  const renumbered = events.map((event, index) => ({ ...event, seq: index + 1 }));
  return checkConnection(renumbered, 0)
    .filter((violation) => violation.protocolNumber >= 1 && violation.protocolNumber <= 4)
    .map((violation) => violation.message);
}

/** Problems with a connection's seqs (invariant 7): each must be the previous + 1, from `startSeq` + 1. */
export function seqProblems(events: readonly OracleFrame[], startSeq: number): string[] {
  return checkConnection(events, startSeq)
    .filter((violation) => violation.invariant === "order_exactly_once")
    .map((violation) => violation.message);
}
