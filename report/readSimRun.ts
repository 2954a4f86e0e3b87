/**
 * One simulator run for the report: its `summary.json` (kind "sim", written by
 * sim/cli.ts, or by record/cli.ts with `source: "live"`: a recording against a real
 * server, with its target instead of a seed), validated at the edge by the results schema
 * its writers check against (protocol/resultSchemas.ts: lenient, a field the report does not
 * know or one an older simulator did not write is fine), and the `trace.jsonl` beside it.
 */
import { dirname, join } from "node:path";
import type { SimSummary } from "../protocol/resultSchemas.ts";
import { buildTraceView, WALL_CLOCK_MS_MIN, type TraceViewOptions } from "./buildTraceView.ts";
import { describeTiming, explainInvariant } from "./explainInvariant.ts";
import type { SimRunView, SimVerdictView, ViolationView } from "./ReportData.ts";
import { readTraceLines } from "./readTraceLines.ts";
import { alertsOfSim } from "./readAlerts.ts";


/** What {@link readSimRun} returns: the view, and the raw latency samples (compare mode re-bins them). */
export interface SimRunRead {
  view: SimRunView;
  latencySamplesMs: number[];
}

/**
 * Builds the view of the run whose summary is at `summaryPath` (already parsed and
 * validated); `displayPath` is how the page names it; `id` is its anchor.
 */
export async function readSimRun(summary: SimSummary, options: { summaryPath: string; displayPath: string; id: string; eventMarksMax?: number }): Promise<SimRunRead> {
  const rawViolations = summary.verdict === null ? [] : [...summary.verdict.safety, ...summary.verdict.liveness];
  const flagged = new Set<string>();
  for (const violation of rawViolations) {
    if (violation.connectionId === undefined) continue;
    for (const seq of violation.seqs) flagged.add(`${violation.connectionId}#${seq}`);
  }
  const traceNotes: string[] = [];
  const traceOptions: TraceViewOptions = { flagged, ...(options.eventMarksMax === undefined ? {} : { eventMarksMax: options.eventMarksMax }) };
  const traceFile = await readTraceLines(join(dirname(options.summaryPath), "trace.jsonl"));
  let built: ReturnType<typeof buildTraceView> | null = null;
  if (typeof traceFile === "string") traceNotes.push(traceFile);
  else {
    built = buildTraceView(traceFile.lines, traceOptions);
    const firstProblem = traceFile.firstProblem;
    if (firstProblem !== undefined) traceNotes.push(`${traceFile.unreadable} trace line(s) could not be read and were skipped (first: line ${firstProblem.lineNumber}: ${firstProblem.problem}).`);
    if (built.view.eventMarksDropped > 0) traceNotes.push(`Only the first ${built.view.eventsReceived - built.view.eventMarksDropped} of ${built.view.eventsReceived} received events are drawn on the timeline (the report's bound); the charts count them all.`);
  }
  const durationMs = built?.view.durationMs ?? summary.simTimeMs;
  const toTraceClock = (atMs: number | undefined): number | null => {
    if (atMs === undefined) return null;
    if (built?.clockOffsetMs !== null && built?.clockOffsetMs !== undefined && atMs > WALL_CLOCK_MS_MIN) return atMs - built.clockOffsetMs;
    if (built !== null && built.originMs > 0 && atMs > WALL_CLOCK_MS_MIN) return atMs - built.originMs; // a wall-clock trace, drawn from its first line
    return atMs <= Math.max(durationMs, 1) * 2 ? atMs : null;
  };
  const violations: ViolationView[] = rawViolations.map((violation) => {
    const explained = explainInvariant(violation.invariant);
    return {
      invariant: violation.invariant,
      protocolNumber: violation.protocolNumber ?? explained.protocolNumber,
      category: violation.category,
      kind: violation.kind,
      message: violation.message,
      rule: explained.rule,
      meaning: explained.meaning,
      userId: violation.userId ?? null,
      connectionId: violation.connectionId ?? null,
      deviceId: violation.deviceId ?? null,
      runId: violation.runId ?? null,
      seqs: violation.seqs,
      atMs: toTraceClock(violation.atMs),
      repro: summary.repro,
    };
  });
  if (built !== null) placeViolations(built.view, violations);

  const verdict = summary.verdict;
  const verdictView: SimVerdictView | null =
    verdict === null
      ? null
      : {
          ok: verdict.ok,
          violations,
          violationsNotStored: verdict.violationsNotStored.safety + verdict.violationsNotStored.liveness,
          timing: verdict.timing.map((timing) => ({ ...timing, description: describeTiming(timing.name) })),
          eventsByType: verdict.counts.eventsByType,
          counts: numbersOf(verdict.counts),
          latencyMs: verdict.latencyMs,
        };
  return {
    view: {
      id: options.id,
      path: options.displayPath,
      source: summary.source,
      seed: summary.seed,
      target: summary.target,
      scenario: summary.scenario,
      plant: summary.plant,
      outcome: summary.outcome,
      repro: summary.repro,
      violations: violations.length,
      crash: summary.crash,
      livenessReason: summary.livenessReason,
      simTimeMs: summary.source === "live" ? (summary.recordedMs ?? built?.view.durationMs ?? 0) : summary.simTimeMs,
      realMs: summary.realMs,
      traceSha256: summary.traceSha256,
      totals: numbersOf(summary.totals),
      faultsInjected: numbersOf(record(summary.totals["faults"])),
      faultPlan: describeFaultPlan(summary.faultPlan),
      verdict: verdictView,
      moments: Object.entries(summary.timeline)
        .flatMap(([userId, moments]) => moments.map((moment) => ({ userId, t: moment.t, what: moment.what })))
        .sort((a, b) => a.t - b.t || a.userId.localeCompare(b.userId, "en", { numeric: true })),
      trace: built?.view ?? null,
      traceNotes,
      alerts: summary.alerts === undefined ? null : alertsOfSim(summary.alerts),
    },
    latencySamplesMs: built?.latencySamplesMs ?? [],
  };
}

/** Puts each violation on the lane of its connection (or its user's row) at the moment the checker saw it. */
function placeViolations(view: NonNullable<SimRunView["trace"]>, violations: readonly ViolationView[]): void {
  for (const violation of violations) {
    if (violation.atMs === null) continue;
    const annotation = {
      t: violation.atMs,
      kind: "violation" as const,
      label: violation.invariant,
      detail: `${violation.category} violation, invariant ${violation.protocolNumber ?? "?"} ${violation.invariant} (${violation.kind}): ${violation.message}`,
      durationMs: null,
    };
    const group = view.users.find((candidate) => candidate.userId === violation.userId);
    const lane = view.users.flatMap((candidate) => candidate.lanes).find((candidate) => candidate.connectionId === violation.connectionId);
    // A violation already shown as a red ring on the event it names needs no second mark.
    if (lane !== undefined && lane.marks.some((mark) => mark.flagged && mark.seq !== null && violation.seqs.includes(mark.seq))) continue;
    if (lane !== undefined) lane.annotations.push(annotation);
    else if (group !== undefined) group.notes.push(annotation);
  }
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The numeric fields of an object (nested objects are left out). */
function numbersOf(value: Record<string, unknown>): Record<string, number> {
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, number] => typeof entry[1] === "number"));
}

/** "drop 20‰ per tick" lines for every non-zero per-mille knob, then the tick. */
function describeFaultPlan(plan: Record<string, unknown> | null): string[] {
  if (plan === null) return [];
  const lines = Object.entries(plan)
    .filter(([key, value]) => key.endsWith("PerMille") && typeof value === "number" && value > 0)
    .map(([key, value]) => `${key.slice(0, -"PerMille".length).replace(/([A-Z])/g, " $1").toLowerCase()} ${String(value)}‰`);
  if (lines.length === 0) return ["no faults"];
  if (typeof plan["tickMs"] === "number") lines.push(`(chances per connection per ${plan["tickMs"]} ms tick; tool faults per tool step; cancel per run)`);
  return lines;
}
