/**
 * Counts violations by the k6 metric classes. Each violation maps to exactly one class,
 * by invariant and kind:
 *
 * | class      | violations |
 * |------------|------------|
 * | isolation  | isolation (6): foreign_event, foreign_started_user, connected_user_mismatch |
 * | content    | content (5): every kind, unexpected_protocol_error included (the server refused a frame the client sent well-formed) |
 * | duplicate  | order_exactly_once (7): duplicate |
 * | gap        | order_exactly_once (7): gap (a seq jump the client saw); completeness (8): needless_resync (a loss announced that did not happen) |
 * | silent_gap | order_exactly_once (7): epoch_mismatch, seq_regressed (the client was handed another stream, or one that went back, without resync_required); completeness (8): every other kind (events that never came); run_completed_last (2): run_not_completed; run_started_first (1): unanswered_start (an agent_started never emitted) |
 * | pairing    | tool_pairing (4): every kind |
 * | order      | order_exactly_once (7): reorder, before_start, before_connected, connected_twice, seq_conflict; run_started_first (1, except unanswered_start), run_completed_last (2, except run_not_completed), thinking_before_tool (3): every kind |
 *
 * unanswered_start is judged only with the simulator's emitted log, so a k6 VU never
 * reports it; it has a class so that every checker kind has exactly one.
 *
 * Timing violations (9) belong to no class: they are reported by the timing verdicts.
 */
import type { Violation } from "./Violation.ts";

/** The k6 metric classes. */
export const VIOLATION_CLASSES = ["order", "pairing", "duplicate", "gap", "isolation", "content", "silent_gap"] as const;

/** One of {@link VIOLATION_CLASSES}. */
export type ViolationClass = (typeof VIOLATION_CLASSES)[number];

/** The class of one violation (see the module comment), or undefined for timing. */
export function violationClassOf(violation: Pick<Violation, "invariant" | "kind">): ViolationClass | undefined {
  switch (violation.invariant) {
    case "isolation":
      return "isolation";
    case "content":
      return "content";
    case "tool_pairing":
      return "pairing";
    case "completeness":
      return violation.kind === "needless_resync" ? "gap" : "silent_gap";
    case "run_started_first":
      return violation.kind === "unanswered_start" ? "silent_gap" : "order";
    case "thinking_before_tool":
      return "order";
    case "run_completed_last":
      return violation.kind === "run_not_completed" ? "silent_gap" : "order";
    case "order_exactly_once":
      if (violation.kind === "duplicate") return "duplicate";
      if (violation.kind === "gap") return "gap";
      if (violation.kind === "epoch_mismatch" || violation.kind === "seq_regressed") return "silent_gap";
      return "order";
    default:
      return undefined;
  }
}

/** Counts of `violations` per class; every class is present (0 when none). */
export function violationCountsByClass(violations: readonly Pick<Violation, "invariant" | "kind">[]): Record<ViolationClass, number> {
  const counts: Record<ViolationClass, number> = { order: 0, pairing: 0, duplicate: 0, gap: 0, isolation: 0, content: 0, silent_gap: 0 };
  for (const violation of violations) {
    const violationClass = violationClassOf(violation);
    if (violationClass !== undefined) counts[violationClass] += 1;
  }
  return counts;
}
