/**
 * The `summary.json` fields of a trace recorded from a live server, in the simulator's
 * layout (kind "sim", so `npm run report` draws it and `npm run sim -- --replay` names
 * it), marked `source: "live"` with its target and no seed. Shared by `npm run record`
 * (record/liveSummary.ts adds its own totals) and the flagged k6 sessions `npm run load`
 * collects (collectFlaggedSessions.ts).
 */
import type { CheckerVerdict } from "../protocol/checker/CheckerVerdict.ts";
import type { RunOutcome } from "../protocol/exitCodes.ts";

/** What a live summary is built from. */
export interface LiveRunFacts {
  target: string;
  /** What drove the runs (a record scenario, or `k6 <script>`). */
  scenario: string;
  verdict: CheckerVerdict;
  /** Recorder's clock (wall time, ms) of the first and last trace lines. */
  startedAtMs: number;
  endedAtMs: number;
  /** The command that re-checks the trace. */
  repro: string;
  /** Why the recording counts as a liveness failure beyond the verdict, if it does. */
  livenessReason?: string | null;
}

/** The simulator's summary fields for a live recording. */
export function liveRunSummary(facts: LiveRunFacts) {
  const { verdict } = facts;
  const livenessReason = facts.livenessReason ?? null;
  const outcome: Extract<RunOutcome, "pass" | "safety" | "liveness"> = verdict.safety.length > 0 ? "safety" : !verdict.ok || livenessReason !== null ? "liveness" : "pass";
  return {
    kind: "sim" as const,
    source: "live" as const,
    target: facts.target,
    seed: null,
    scenario: facts.scenario,
    plant: null,
    outcome,
    crash: null,
    faultPlan: null,
    verdict,
    recordedMs: facts.endedAtMs - facts.startedAtMs,
    startedAt: new Date(facts.startedAtMs).toISOString(),
    timeline: {},
    livenessReason,
    repro: facts.repro,
  };
}
