/**
 * Missing-start suspicions: a run whose first event in a device's view is not
 * agent_started, where only the device's own unanswered start_agent says the view covers
 * the run's start (attributeRunsToOwnStarts; see checkDeviceRunEvent). Copies of one event
 * reach a user's connections with skew (two phones, two networks), so another device may
 * receive the run's agent_started well after this one received its next event. Hence:
 *
 * - raised, not reported: bounded per user (missingStartSuspicionsPerUserMax, oldest
 *   dropped unjudged, so the bound can only hide a violation, never invent one);
 * - cleared as soon as any connection of the user receives an event of the run at a lower
 *   seq (the run began before, or beside, the device's view);
 * - judged at finish: with the emitted log, exactly (cleared when the server emitted an
 *   event of the run at a lower seq, or in an earlier epoch: a run may outlive a restart,
 *   and a client re-sends its pending start_agent after reconnecting); without it,
 *   reported unless cleared (also cleared when any connection saw the run in another epoch).
 */
import type { AgentEvent } from "../../frames.ts";
import type { MissingStartSuspicion, UserState } from "./checkerState.ts";
import { runKey } from "./recordUserEvent.ts";
import { rememberBounded } from "./rememberBounded.ts";
import type { Finding, FindingContext } from "./ViolationSink.ts";

/** Raises a suspicion (one per run; the first raised stays). Returns true when the bound dropped the oldest. */
export function suspectMissingStart(user: UserState, suspicion: MissingStartSuspicion, options: { entriesMax: number }): boolean {
  const key = runKey(suspicion.epoch, suspicion.runId);
  if (user.missingStartSuspicions.has(key)) return false;
  return rememberBounded(user.missingStartSuspicions, key, suspicion, { entriesMax: options.entriesMax });
}

/** Clears the suspicion on `event`'s run when the event (the first copy any connection of the user received) precedes the suspected one. */
export function clearMissingStartSuspicion(user: UserState, event: AgentEvent): void {
  if (user.missingStartSuspicions.size === 0) return;
  const key = runKey(event.epoch, event.run_id);
  const suspicion = user.missingStartSuspicions.get(key);
  if (suspicion !== undefined && event.seq < suspicion.seq) user.missingStartSuspicions.delete(key);
}

/**
 * The suspicions of `user` that finish reports, each with the context it was found in.
 * `emittedLowestSeqOf` (from the emitted log, when given) is the lowest seq the server
 * emitted for the run, or undefined when the log has none.
 */
export function judgeMissingStartSuspicions(
  user: UserState,
  options: {
    emittedLowestSeqOf: ((epoch: string, runId: string) => number | undefined) | undefined;
    emittedFirstEpochOf: ((runId: string) => string | undefined) | undefined;
  },
): { finding: Finding; context: FindingContext }[] {
  const judged: { finding: Finding; context: FindingContext }[] = [];
  for (const suspicion of user.missingStartSuspicions.values()) {
    const { emittedLowestSeqOf, emittedFirstEpochOf } = options;
    // The run began in another epoch: its start went with a restart, the loss was announced.
    const seenEpoch = user.runEpochs.get(suspicion.runId);
    if (seenEpoch !== undefined && seenEpoch !== suspicion.epoch) continue;
    const firstEpoch = emittedFirstEpochOf?.(suspicion.runId);
    if (firstEpoch !== undefined && firstEpoch !== suspicion.epoch) continue;
    let evidence: string;
    if (emittedLowestSeqOf === undefined) {
      evidence = `no connection of the user received an event of the run before seq ${suspicion.seq}`;
    } else {
      const lowest = emittedLowestSeqOf(suspicion.epoch, suspicion.runId);
      if (lowest !== undefined && lowest < suspicion.seq) continue;
      evidence = `the emitted log has no event of the run before seq ${suspicion.seq}`;
    }
    judged.push({ finding: { ...suspicion.finding, message: `${suspicion.finding.message} Judged at finish: ${evidence}.` }, context: suspicion.context });
  }
  return judged;
}
