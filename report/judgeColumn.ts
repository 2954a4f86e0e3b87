/**
 * The big PASS/FAIL of a results column and why, in words: a sim run fails on a
 * safety or liveness violation or a crash; a sweep on any failing seed; a load run
 * on any failed k6 threshold; a soak on any missed goal; a bug zoo on any planted bug
 * the checkers missed. "Would have alerted" verdicts are shown, never judged here: a
 * planted stall is supposed to page.
 * Timing budgets never fail a verdict by themselves (docs/protocol.md invariant 9 is
 * reported beside, as the checker does).
 */
import type { OverallVerdict, ResultColumn, SimRunRow } from "./ReportData.ts";

const OUTCOME_WORDS: Record<string, string> = {
  safety: "safety violation",
  liveness: "liveness failure (did not settle)",
  timing: "a required timing budget missed",
  crash: "crashed",
  nondeterminism: "nondeterministic (same seed, different trace)",
};

/** Judges every result in `column`. */
export function judgeColumn(column: Omit<ResultColumn, "verdict">): OverallVerdict {
  const reasons: string[] = [];
  for (const sim of column.sims) {
    if (sim.outcome === "pass") continue;
    const byInvariant = new Map<string, number>();
    for (const violation of sim.verdict?.violations ?? []) byInvariant.set(violation.invariant, (byInvariant.get(violation.invariant) ?? 0) + 1);
    const detail = [...byInvariant.entries()].map(([name, count]) => `${name} ×${count}`).join(", ");
    const extra = sim.crash !== null ? (sim.crash.split("\n")[0] ?? "") : detail !== "" ? detail : (sim.livenessReason ?? "");
    reasons.push(`${runName(sim)}: ${OUTCOME_WORDS[sim.outcome] ?? sim.outcome}${extra === "" ? "" : ` — ${extra}`}`);
  }
  for (const sim of column.simsListedOnly) if (sim.outcome !== "pass") reasons.push(`${runName(sim)}: ${OUTCOME_WORDS[sim.outcome] ?? sim.outcome}`);
  for (const sweep of column.sweeps) {
    if (sweep.failures.length === 0) continue;
    const byOutcome = Object.entries(sweep.failuresByOutcome).map(([outcome, count]) => `${count} ${outcome}`).join(", ");
    reasons.push(`sweep ${sweep.path}: ${sweep.failures.length} of ${sweep.seeds} seed runs failed (${byOutcome})`);
  }
  for (const load of column.loads) {
    const failed = load.thresholds.filter((threshold) => !threshold.ok);
    if (load.verdict === "INVALID") reasons.push(`load run ${load.name}: INVALID — the load generator fell behind (generator_lag), so the run measured itself, not the server`);
    else if (failed.length > 0) reasons.push(`load run ${load.name}: ${failed.length} threshold(s) failed — ${failed.map((threshold) => `${threshold.metric} ${threshold.expression}`).join(", ")}`);
  }
  for (const soak of column.soaks) {
    const failed = soak.goals.filter((goal) => !goal.ok);
    if (!soak.ok) reasons.push(`soak ${soak.path}: ${failed.length === 0 ? "failed" : `${failed.length} goal(s) missed — ${failed.map((goal) => goal.name).join(", ")}`}`);
  }
  for (const zoo of column.bugZoos) {
    const missed = zoo.rows.filter((row) => row.status === "missed");
    if (missed.length > 0) reasons.push(`bug zoo ${zoo.path}: ${missed.length} planted bug(s) not caught — ${missed.map((row) => row.bug).join(", ")}`);
  }
  const runs = [...column.sims, ...column.simsListedOnly];
  const liveCount = runs.filter((run) => run.source === "live").length;
  const judged = [
    plural(runs.length - liveCount, "simulator run"),
    plural(liveCount, "live recording"),
    plural(column.sweeps.length, "sweep"),
    plural(column.loads.length, "load run"),
    plural(column.soaks.length, "soak"),
    plural(column.bugZoos.length, "bug zoo result"),
  ].filter((part) => part !== "");
  return { ok: reasons.length === 0, reasons, judged: judged.join(", ") };
}

/** What decided a run: "seed 3", or "live ws://host/ws" for a recording (its server). */
export function runOrigin(run: Pick<SimRunRow, "source" | "seed" | "target">): string {
  return run.source === "live" ? `live ${run.target ?? "?"}` : `seed ${run.seed}`;
}

/** "seed 3 · multi-user-isolation · planted cross-user-leak", or "live ws://host/ws · default" for a recording. */
export function runName(run: Pick<SimRunRow, "source" | "seed" | "target" | "scenario" | "plant">): string {
  return `${runOrigin(run)} · ${run.scenario}${run.plant === null ? "" : ` · planted ${run.plant}`}`;
}

function plural(count: number, noun: string): string {
  if (count === 0) return "";
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
