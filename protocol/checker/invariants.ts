/**
 * The invariants of docs/protocol.md as the checker names them: one entry per protocol
 * invariant, with invariant 9 (timing) split into its five budgets. Runtime-free.
 */

/** How a violation counts: safety and liveness make a run fail; timing is reported beside. */
export type ViolationCategory = "safety" | "liveness" | "timing";

/** One row of {@link INVARIANTS}. */
export interface InvariantInfo {
  /** The checker's name for the invariant. */
  readonly name: string;
  /** The invariant's number in docs/protocol.md (1..9). */
  readonly protocolNumber: number;
  /** The category of most of its violations (`run_not_completed` is liveness under a safety invariant). */
  readonly category: ViolationCategory;
  /** One line: what it asserts. */
  readonly description: string;
}

/**
 * Every invariant the checker asserts, in docs/protocol.md order. The table is the
 * single source of `protocolNumber` and `category` for each {@link InvariantName}.
 */
export const INVARIANTS = [
  {
    name: "run_started_first",
    protocolNumber: 1,
    category: "safety",
    description: "agent_started is the first event of each run, exactly once.",
  },
  {
    name: "run_completed_last",
    protocolNumber: 2,
    category: "safety",
    description: "agent_completed is the last event of each run, exactly once; an error completion follows an error_event.",
  },
  {
    name: "thinking_before_tool",
    protocolNumber: 3,
    category: "safety",
    description: "At least one agent_thinking comes before a run's first tool_executing.",
  },
  {
    name: "tool_pairing",
    protocolNumber: 4,
    category: "safety",
    description: "Each tool_executing gets exactly one tool_completed with its execution_id and tool_name before agent_completed.",
  },
  {
    name: "content",
    protocolNumber: 5,
    category: "safety",
    description: "Every server frame is a known type with every required field present and non-empty.",
  },
  {
    name: "isolation",
    protocolNumber: 6,
    category: "safety",
    description: "A connection only receives frames of its own authenticated user.",
  },
  {
    name: "order_exactly_once",
    protocolNumber: 7,
    category: "safety",
    description: "A connection's seqs rise by exactly 1 from where it started or resumed, and a seq names one event everywhere.",
  },
  {
    name: "completeness",
    protocolNumber: 8,
    category: "liveness",
    description: "Every event of a user reaches each of that user's devices that stays open, except announced losses.",
  },
  {
    name: "timing_start_latency",
    protocolNumber: 9,
    category: "timing",
    description: "agent_started is emitted within the budget (default 100 ms) of the start_agent send.",
  },
  {
    name: "timing_thinking_interval",
    protocolNumber: 9,
    category: "timing",
    description: "A run that has not completed is never silent longer than the budget (default 2000 ms).",
  },
  {
    name: "timing_tool_duration",
    protocolNumber: 9,
    category: "timing",
    description: "tool_completed comes within the tool's declared duration plus the slack (default 100 ms).",
  },
  {
    name: "timing_run_duration",
    protocolNumber: 9,
    category: "timing",
    description: "A run completes in under the budget (default 30000 ms).",
  },
  {
    name: "timing_delivery_latency",
    protocolNumber: 9,
    category: "timing",
    description: "The p99 of live emit-to-receive latency is under the budget (default 50 ms).",
  },
] as const satisfies readonly InvariantInfo[];

/** The name of one invariant in {@link INVARIANTS}. */
export type InvariantName = (typeof INVARIANTS)[number]["name"];

/** The names of the five timing invariants, in table order. */
export type TimingInvariantName = Extract<InvariantName, `timing_${string}`>;

/** The {@link INVARIANTS} row of `name`. */
export function invariantInfo(name: InvariantName): InvariantInfo {
  const info = INVARIANTS.find((row) => row.name === name);
  if (info === undefined) throw new Error(`invariantInfo: unknown invariant ${name}`);
  return info;
}
