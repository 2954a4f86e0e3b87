/**
 * Each invariant of docs/protocol.md in two registers: the rule as the protocol states
 * it (from the checker's table, the single source), and what breaking it means to
 * someone using the chat, for a reader who has not read the protocol.
 */
import { INVARIANTS } from "../protocol/checker/invariants.ts";

const MEANING: Record<string, string> = {
  run_started_first: "The client saw a run's events before (or without) its start, so it cannot tell which request they belong to.",
  run_completed_last: "A run looked finished and then kept talking, or never said it finished: the chat shows a wrong final state.",
  thinking_before_tool: "A tool ran before the agent said what it was thinking; the protocol promises the reasoning comes first.",
  tool_pairing: "A tool call started and never finished (or finished twice, or finished without starting): the spinner never stops.",
  content: "A frame had a missing, empty or unknown field; a client parsing it strictly would fail.",
  isolation: "A user received an event that belongs to another user: a privacy leak between accounts.",
  order_exactly_once: "A connection saw a seq twice, skipped one, or got them out of order: messages duplicated, missing or shuffled on screen.",
  completeness: "An event never reached a device that stayed connected (or resumed in time): the user silently misses part of the answer.",
  timing_start_latency: "The agent took too long to acknowledge a request.",
  timing_thinking_interval: "A busy run went quiet for too long; the user may think it hung.",
  timing_tool_duration: "A tool took longer than it declared.",
  timing_run_duration: "A whole run took longer than its budget.",
  timing_delivery_latency: "Events took too long from the server to the screen (p99).",
};

/** The rule and its plain-language meaning; unknown names (a newer checker) get a neutral text. */
export function explainInvariant(name: string): { protocolNumber: number | null; rule: string; meaning: string } {
  const row = INVARIANTS.find((candidate) => candidate.name === name);
  return {
    protocolNumber: row?.protocolNumber ?? null,
    rule: row?.description ?? `Invariant "${name}" (not in this report's copy of docs/protocol.md).`,
    meaning: MEANING[name] ?? "See docs/protocol.md for what this invariant promises.",
  };
}

/** One-line description of a timing budget, by checker name. */
export function describeTiming(name: string): string {
  return INVARIANTS.find((candidate) => candidate.name === name)?.description ?? name;
}
