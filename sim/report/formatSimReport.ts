/**
 * The validation report of one simulation, for people: status, totals, per-event-type
 * coverage, invariants, timing verdicts, a per-user timeline and every failure
 * explained with the line that reproduces it. Pure formatting of a SimulationResult.
 */
import { AGENT_EVENT_TYPES } from "../../protocol/eventTypes.ts";
import { INVARIANTS } from "../../protocol/checker/invariants.ts";
import type { Violation } from "../../protocol/checker/Violation.ts";
import { FAULT_KINDS } from "../faults/faultKinds.ts";
import { PER_MILLE_FIELDS, type FaultPlan } from "../faults/FaultPlan.ts";
import type { SimulationResult } from "../runSimulation.ts";
import { describeMissedTiming } from "../settle/judgeRequiredTiming.ts";
import { wouldHaveAlertedLine } from "../alerts/judgeSimAlerts.ts";
import type { SimAlertVerdict } from "../alerts/SimAlertVerdict.ts";

/** Options of {@link formatSimReport}. */
export interface SimReportOptions {
  /** The command line that reproduces this run. */
  repro: string;
  /** Where the trace and summary were written, if they were. */
  files?: { trace: string; summary: string };
  /** Wall time the simulation took, ms. */
  realMs: number;
  /** Timeline lines shown per user before eliding. */
  timelineLinesMax?: number;
  /** Violations shown in full before eliding. */
  violationsShownMax?: number;
}

const STATUS_WORDS = {
  pass: "PASSED",
  safety: "FAILED (safety violation)",
  liveness: "FAILED (liveness)",
  timing: "FAILED (required timing budget)",
  crash: "CRASHED",
} as const;

/** Formats the report as plain text (no colours: it must read the same in CI logs). */
export function formatSimReport(result: SimulationResult, options: SimReportOptions): string {
  const lines: string[] = [];
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const verdict = result.verdict;
  lines.push(`Simulation · scenario ${result.scenario} · seed ${result.seed}${result.plant === null ? "" : ` · planted bug: ${result.plant}`}`);
  lines.push(`Status: ${STATUS_WORDS[result.outcome]}`);
  lines.push("");
  const plan = result.faultPlan;
  // Every parameter, zeros included: a seed-drawn mix must be readable from the report alone.
  const mix = PER_MILLE_FIELDS.map((field) => `${field.replace("PerMille", "")} ${plan[field]}‰`);
  lines.push(`Fault mix: ${mix.join(", ")}`);
  // Each kind prints its own settings (sim/faults/kinds/), in registry order.
  const settings = FAULT_KINDS.flatMap((kind) => (kind.planSummary === undefined ? [] : [(kind.planSummary as (plan: FaultPlan) => string)(plan)]));
  lines.push(`  ${[`per ${plan.tickMs} ms tick`, ...settings, `reconnect after ${plan.reconnectDelayMsMin}–${plan.reconnectDelayMsMax} ms`].join("; ")}`);
  const injected = Object.entries(result.totals.faults).map(([kind, count]) => `${kind} ×${count}`);
  lines.push(`Faults injected: ${injected.length === 0 ? "none" : injected.join(", ")}`);
  const t = result.totals;
  const speedup = options.realMs > 0 ? `${Math.round(result.simTimeMs / options.realMs)}×` : "—";
  lines.push(
    `Totals: ${t.users} user(s), ${t.devices} device(s), ${t.runsRequested} run(s) requested, ${t.runsStarted} started, ${t.runsCompleted} completed; ` +
      `${t.eventsEmitted} events emitted, ${t.framesDelivered} frames delivered; ${seconds(result.simTimeMs)} simulated in ${options.realMs.toFixed(0)} ms (${speedup} real time)`,
  );
  if (verdict !== null) {
    lines.push("");
    lines.push("Event coverage (frames received by clients, replays included):");
    for (const type of AGENT_EVENT_TYPES) {
      const count = verdict.counts.eventsByType[type] ?? 0;
      lines.push(`  ${type.padEnd(16)} ${String(count).padStart(6)}  ${count > 0 ? "✓" : "– not exercised by this seed"}`);
    }
    lines.push("");
    lines.push("Invariants:");
    const failing = new Map<string, number>();
    for (const violation of [...verdict.safety, ...verdict.liveness]) failing.set(violation.invariant, (failing.get(violation.invariant) ?? 0) + 1);
    for (const invariant of INVARIANTS) {
      if (invariant.category === "timing") continue;
      const count = failing.get(invariant.name) ?? 0;
      lines.push(`  ${String(invariant.protocolNumber).padStart(2)} ${invariant.name.padEnd(22)} ${count === 0 ? "✓" : `✗ ${count} violation(s)`}  ${invariant.description}`);
    }
    lines.push("");
    const required = result.requiredTiming;
    lines.push("Timing (separate verdicts; only those the scenario marks required fail a run, where no fault explains a miss):");
    for (const timing of verdict.timing) {
      const observed = timing.observed === null ? "no samples" : `worst ${timing.observed} ${timing.unit}`;
      const role = required?.judged.includes(timing.name) === true ? "  [required]" : required?.required.includes(timing.name) === true ? "  [required; not judged: faults injected]" : "";
      lines.push(`  ${timing.ok ? "✓" : "✗"} ${timing.name.padEnd(26)} budget ${timing.budget} ${timing.unit}, ${observed}, ${timing.overBudget}/${timing.samples} over${role}`);
    }
    const latency = verdict.latencyMs;
    lines.push(`  delivery latency: p50 ${latency.p50} ms, p95 ${latency.p95} ms, p99 ${latency.p99} ms, max ${latency.max} ms over ${latency.count} live events`);
  }
  if (result.quiescence !== null) {
    const armed = Object.entries(result.quiescence.timersArmed).map(([name, count]) => `${name} ×${count}`);
    lines.push("");
    lines.push(
      `Quiescence: ${seconds(result.quiescence.advancedMs)} past the settle point with clients connected, ${result.quiescence.steps} timer(s) ran; still armed: ${armed.length === 0 ? "none" : armed.join(", ")}`,
    );
  }
  lines.push("");
  lines.push(...formatSimAlerts(result.alerts));
  lines.push("");
  lines.push("Timeline (virtual time since start):");
  const timelineLinesMax = options.timelineLinesMax ?? 12;
  for (const [userId, moments] of Object.entries(result.timeline).sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true }))) {
    const shown = moments.slice(0, timelineLinesMax).map((moment) => `${seconds(moment.t)} ${moment.what}`);
    const more = moments.length > timelineLinesMax ? ` … and ${moments.length - timelineLinesMax} more` : "";
    lines.push(`  ${userId}: ${shown.join(" · ")}${more}`);
  }
  const problems = describeProblems(result, options.violationsShownMax ?? 10);
  if (problems.length > 0) {
    lines.push("");
    lines.push("Failures:");
    lines.push(...problems);
  }
  lines.push("");
  if (options.files !== undefined) lines.push(`Trace: ${options.files.trace}\nSummary: ${options.files.summary}`);
  lines.push(`Reproduce: ${options.repro}`);
  return lines.join("\n");
}

function describeProblems(result: SimulationResult, shownMax: number): string[] {
  const lines: string[] = [];
  if (result.crash !== null) lines.push(`  crash: ${result.crash.split("\n").slice(0, 6).join("\n    ")}`);
  if (result.livenessReason !== null) lines.push(`  liveness: ${result.livenessReason}`);
  for (const missed of result.requiredTiming?.failed ?? []) {
    lines.push(`  [timing] ${describeMissedTiming(missed)}`);
  }
  for (const finding of (result.scriptFidelity ?? []).slice(0, shownMax)) lines.push(`  [safety] script fidelity: ${finding.message}`);
  for (const finding of result.earlyEvictions.slice(0, shownMax)) lines.push(`  [safety] early eviction: ${finding.message}`);
  for (const finding of result.selfReport.slice(0, shownMax)) lines.push(`  [safety] self-report (${finding.rule}): ${finding.message}`);
  const violations: Violation[] = result.verdict === null ? [] : [...result.verdict.safety, ...result.verdict.liveness];
  for (const violation of violations.slice(0, shownMax)) {
    lines.push(`  [${violation.category}] invariant ${violation.protocolNumber} ${violation.invariant} (${violation.kind}): ${violation.message}`);
  }
  if (violations.length > shownMax) lines.push(`  … and ${violations.length - shownMax} more (all in summary.json)`);
  return lines;
}

const ALERT_STATE_MARKS = { fired: "✗ fired     ", quiet: "✓ quiet     ", not_judged: "– not judged" } as const;

/** The alerts block: the "would have alerted: …" line, then each of the four conditions with its reason. */
export function formatSimAlerts(alerts: SimAlertVerdict): string[] {
  return [
    "Alerts (the checklist's four conditions, monitoring/alerts.yml's thresholds, on this run's own counters):",
    `  ${wouldHaveAlertedLine(alerts)}`,
    ...alerts.conditions.map((condition) => `  ${ALERT_STATE_MARKS[condition.state]} ${condition.alert.padEnd(30)} ${condition.detail}`),
  ];
}
