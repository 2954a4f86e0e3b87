/** The checker's end-of-run result, as data (formatting is the caller's). */
import type { TimingInvariantName } from "./invariants.ts";
import type { Violation } from "./Violation.ts";

/** One timing budget of docs/protocol.md invariant 9, judged on its own. */
export interface TimingVerdict {
  name: TimingInvariantName;
  /** True when every observation was within budget (or there was none). */
  ok: boolean;
  /**
   * The worst observation: the largest start latency, silence, run duration or tool
   * overrun (completion minus declared duration), or the delivery latency p99.
   * null when nothing was observed.
   */
  observed: number | null;
  /** The budget `observed` is compared with. */
  budget: number;
  /** Unit of `observed` and `budget`. */
  unit: "ms";
  /** How many observations were judged. */
  samples: number;
  /** How many were over budget (for delivery latency: 1 when the p99 is, else 0). */
  overBudget: number;
}

/** Exact (or, past latencySamplesMax, reservoir-estimated) live delivery latency, receivedAtMs minus ts. */
export interface LatencySummary {
  /** Live events measured (replays excluded: their ts is old by design). */
  count: number;
  /** Nearest-rank percentiles over the kept samples; 0 when count is 0. */
  p50: number;
  p95: number;
  p99: number;
  /** Exact maximum; 0 when count is 0. */
  max: number;
  /** True when count exceeded latencySamplesMax and the percentiles are reservoir estimates. */
  sampled: boolean;
}

/** Counters of what the checker saw. */
export interface CheckerCounts {
  /** Server frames received on tracked connections. */
  frames: number;
  /** Valid agent events among them. */
  events: number;
  eventsByType: Record<string, number>;
  /** Connections opened (and tracked). */
  connections: number;
  /** Distinct users. */
  users: number;
  /** Distinct runs whose agent_started any connection received. */
  runsStarted: number;
  /** Distinct runs whose agent_completed any connection received. */
  runsCompleted: number;
  /** Calls about connections the checker does not track (never opened, already closed, or past a bound). */
  framesIgnored: number;
}

/** A bound that was reached: what was forgotten or refused because of it (never silent, STYLE rule 6). */
export interface BoundReached {
  /** The CheckerOptions field. */
  option: string;
  limit: number;
  /** How many times it was hit. */
  times: number;
  /** What the checker did about it. */
  effect: string;
}

/** The verdict of one run of the checker. */
export interface CheckerVerdict {
  /** No safety and no liveness violation (stored or past violationsMax). Timing never makes this false. */
  ok: boolean;
  safety: Violation[];
  liveness: Violation[];
  timing: TimingVerdict[];
  counts: CheckerCounts;
  latencyMs: LatencySummary;
  /** Violations not stored because violationsMax was reached, by category. */
  violationsNotStored: { safety: number; liveness: number; timing: number };
  boundsReached: BoundReached[];
}
