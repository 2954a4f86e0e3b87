/**
 * The shape every manager decision must have, one row per kind, and the one check that
 * reads it. A decision is the manager's own account of what it did at a limit or a fault
 * (server/manager/ManagerDecision.ts): metrics, logs and the simulator's trace are built
 * from it, so a decision with a field missing, of the wrong type or impossible (a trim
 * of 0 events, a replay whose count disagrees with its range) is a lie in every one of them.
 */
import type { ManagerDecision, ManagerDecisionKind } from "../../server/manager/ManagerDecision.ts";

type FieldRule = "string" | "nonEmptyString" | "count" | "positiveCount" | "seq" | "seqOrNull" | "boolean";

/** Every kind's fields and the rule each must satisfy; a new kind fails to compile here until it has a row. */
const DECISION_FIELDS: Readonly<Record<ManagerDecisionKind, Readonly<Record<string, FieldRule>>>> = {
  connection_opened: { connectionId: "nonEmptyString", userId: "nonEmptyString", resumeFromSeq: "seqOrNull" },
  connection_refused: { userId: "nonEmptyString", reason: "nonEmptyString" },
  connection_closed: { connectionId: "nonEmptyString", userId: "nonEmptyString", code: "count", reason: "nonEmptyString", byServer: "boolean" },
  replayed: { connectionId: "nonEmptyString", userId: "nonEmptyString", fromSeq: "seq", toSeq: "seq", count: "positiveCount" },
  resync_required: { connectionId: "nonEmptyString", userId: "nonEmptyString", requestedEpoch: "string", requestedSeq: "seq", oldestSeq: "seq", lastSeq: "seq" },
  replay_evicted: { userId: "nonEmptyString", count: "positiveCount", oldestSeq: "seqOrNull" },
  replay_trimmed: { userId: "nonEmptyString", count: "positiveCount", throughSeq: "seq" },
  slow_consumer: { connectionId: "nonEmptyString", userId: "nonEmptyString", bufferedBytes: "count", limitBytes: "count" },
  send_failed: { connectionId: "nonEmptyString", userId: "nonEmptyString", seq: "seqOrNull", error: "nonEmptyString" },
  heartbeat_timeout: { connectionId: "nonEmptyString", userId: "nonEmptyString", missedPongs: "positiveCount" },
  protocol_error: { connectionId: "nonEmptyString", userId: "nonEmptyString", code: "nonEmptyString", message: "nonEmptyString" },
  rate_limited: { connectionId: "nonEmptyString", userId: "nonEmptyString", messages: "positiveCount", windowMs: "positiveCount" },
  frame_too_big: { connectionId: "nonEmptyString", userId: "nonEmptyString", bytes: "positiveCount", limitBytes: "positiveCount" },
  token_expired: { connectionId: "nonEmptyString", userId: "nonEmptyString" },
  stream_lost: { userId: "nonEmptyString", reason: "nonEmptyString", connections: "count" },
  broker_error: { userId: "nonEmptyString", operation: "nonEmptyString", error: "nonEmptyString" },
  stream_evicted: { userId: "nonEmptyString", epoch: "string", lastSeq: "seq", events: "count", idleMs: "count", reason: "nonEmptyString" },
};

function satisfies(value: unknown, rule: FieldRule): boolean {
  switch (rule) {
    case "string":
      return typeof value === "string";
    case "nonEmptyString":
      return typeof value === "string" && value !== "";
    case "boolean":
      return typeof value === "boolean";
    case "count":
    case "seq":
      return Number.isSafeInteger(value) && (value as number) >= 0;
    case "positiveCount":
      return Number.isSafeInteger(value) && (value as number) >= 1;
    case "seqOrNull":
      return value === null || (Number.isSafeInteger(value) && (value as number) >= 0);
  }
}

/**
 * What is wrong with `decision`'s shape, in one phrase, or "" when nothing is: an unknown
 * kind, a missing or extra field, a field breaking its rule, or a `replayed` whose count is
 * not the size of its range.
 */
export function decisionShapeProblem(decision: ManagerDecision): string {
  const record = decision as unknown as Record<string, unknown>;
  const kind = record["kind"];
  const fields = typeof kind === "string" && Object.hasOwn(DECISION_FIELDS, kind) ? DECISION_FIELDS[kind as ManagerDecisionKind] : undefined;
  if (fields === undefined) return `a decision of unknown kind ${JSON.stringify(kind)} (fields: ${Object.keys(record).join(", ") || "none"})`;
  for (const [name, rule] of Object.entries(fields)) {
    if (!satisfies(record[name], rule)) return `a ${kind} decision whose ${name} is ${JSON.stringify(record[name])}, not a ${rule}`;
  }
  const extra = Object.keys(record).filter((name) => name !== "kind" && !Object.hasOwn(fields, name));
  if (extra.length > 0) return `a ${kind} decision with fields no ${kind} has: ${extra.join(", ")}`;
  if (decision.kind === "replayed" && decision.count !== decision.toSeq - decision.fromSeq + 1) {
    return `a replayed decision of ${decision.count} event(s) for seqs ${decision.fromSeq}..${decision.toSeq}`;
  }
  return "";
}
