/**
 * Invariant 7 across connections: "every connection of a user sees the same seq for
 * the same event". The first copy of each (epoch, seq) any connection of the user
 * received is remembered (type, run_id and its data, compared as canonical JSON only when
 * a second copy arrives, so the common single copy costs nothing; bounded by
 * eventsRememberedPerUserMax, oldest forgotten first); every later copy must match it.
 * `ts` is not compared: the protocol names type, run and data as the event's identity.
 */
import type { AgentEvent } from "../../frames.ts";
import type { EventMemory } from "./checkerState.ts";
import { canonicalJson } from "./canonicalJson.ts";
import { NO_FINDINGS, type Finding } from "./ViolationSink.ts";

/** The memory of one copy of an event. */
export function eventMemoryOf(event: AgentEvent, connectionId: string): EventMemory {
  return { type: event.type, runId: event.run_id, data: event.data, connectionId };
}

/** Compares a copy with the remembered first copy. Read-only. */
export function checkSeqConflict(
  remembered: EventMemory | undefined,
  copy: EventMemory,
  options: { event: AgentEvent; subject: string },
): readonly Finding[] {
  if (remembered === undefined) return NO_FINDINGS;
  const { event, subject } = options;
  if (remembered.type === copy.type && remembered.runId === copy.runId && remembered.data === copy.data) return NO_FINDINGS;
  const differences: string[] = [];
  if (remembered.type !== copy.type) differences.push(`type ${remembered.type} there, ${copy.type} here`);
  if (remembered.runId !== copy.runId) differences.push(`run ${remembered.runId} there, ${copy.runId} here`);
  if (differences.length === 0 && canonicalJson(remembered.data) !== canonicalJson(copy.data)) differences.push("different data");
  if (differences.length === 0) return NO_FINDINGS;
  return [
    {
      invariant: "order_exactly_once",
      kind: "seq_conflict",
      runId: event.run_id,
      seqs: [event.seq],
      message: `${subject}: seq ${event.seq} (epoch ${event.epoch}) is not the event connection ${remembered.connectionId} received under that seq (${differences.join("; ")}).`,
    },
  ];
}
