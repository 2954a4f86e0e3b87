/**
 * Invariant 7 across connections: "every connection of a user sees the same seq for
 * the same event". The first copy of each (epoch, seq) any connection of the user
 * received is remembered (type, run_id and its data, compared key order aside only when a
 * second copy arrives, so the common single copy costs nothing; bounded by
 * eventsRememberedPerUserMax, oldest forgotten first); every later copy must match it.
 * `ts` is not compared: the protocol names type, run and data as the event's identity.
 */
import type { AgentEvent } from "../../frames.ts";
import { jsonEqual } from "./jsonEqual.ts";
import type { FirstCopy } from "./EventMemoryStore.ts";
import { NO_FINDINGS, type Finding } from "./ViolationSink.ts";

/** Compares `copy` with the remembered first copy of its (epoch, seq). Read-only. */
export function checkSeqConflict(first: FirstCopy, copy: AgentEvent, options: { subject: string }): readonly Finding[] {
  const remembered = first.event;
  if (remembered === copy) return NO_FINDINGS;
  const differences: string[] = [];
  if (remembered.type !== copy.type) differences.push(`type ${remembered.type} there, ${copy.type} here`);
  if (remembered.run_id !== copy.run_id) differences.push(`run ${remembered.run_id} there, ${copy.run_id} here`);
  if (differences.length === 0 && !jsonEqual(remembered.data, copy.data)) differences.push("different data");
  if (differences.length === 0) return NO_FINDINGS;
  return [
    {
      invariant: "order_exactly_once",
      kind: "seq_conflict",
      runId: copy.run_id,
      seqs: [copy.seq],
      message: `${options.subject}: seq ${copy.seq} (epoch ${copy.epoch}) is not the event connection ${first.connectionId} received under that seq (${differences.join("; ")}).`,
    },
  ];
}
