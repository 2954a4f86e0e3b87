/**
 * `--compare A B`: pairs each drawn sim run of A with one of B (same scenario and
 * planted bug, in order; with one run on each side, those two whatever they are)
 * and lists what changed: outcome, violations, latency percentiles, volumes,
 * faults, timing budgets, with both latency histograms on shared bins.
 */
import type { CollectedColumn } from "./collectColumn.ts";
import type { ComparisonPair, ComparisonView, SimRunView } from "./ReportData.ts";
import { binSamples, histogramRange } from "./_internals/statistics.ts";
import { runName, runOrigin } from "./judgeColumn.ts";

/** Compares column A with column B. */
export function compareColumns(a: CollectedColumn, b: CollectedColumn): ComparisonView {
  const runsA = a.column.sims;
  const runsB = [...b.column.sims];
  const pairs: ComparisonPair[] = [];
  const unpaired: string[] = [];
  const key = (run: SimRunView) => `${run.scenario}|${run.plant ?? ""}`;
  for (const runA of runsA) {
    let index = runsB.findIndex((candidate) => key(candidate) === key(runA));
    if (index === -1 && runsA.length === 1 && runsB.length === 1) index = 0;
    const runB = index === -1 ? undefined : runsB.splice(index, 1)[0];
    if (runB === undefined) unpaired.push(`A: ${runName(runA)} (no run of the same scenario in B)`);
    else pairs.push(comparePair(runA, runB, { samplesA: a.latencySamplesById.get(runA.id) ?? [], samplesB: b.latencySamplesById.get(runB.id) ?? [] }));
  }
  for (const runB of runsB) unpaired.push(`B: ${runName(runB)} (no run of the same scenario in A)`);
  return { labelA: a.column.dir, labelB: b.column.dir, pairs, unpaired };
}

type Row = ComparisonPair["rows"][number];

/** Lower is better for these; `null` means a change is neither better nor worse. */
function numberRow(metric: string, a: number | null | undefined, b: number | null | undefined, options: { lowerIsBetter: boolean | null; unit?: string }): Row {
  const show = (value: number | null | undefined) => (value === null || value === undefined ? "—" : `${Number.isInteger(value) ? value : value.toFixed(1)}${options.unit ?? ""}`);
  let change: Row["change"] = "same";
  if (a !== b) {
    if (a === null || a === undefined || b === null || b === undefined || options.lowerIsBetter === null) change = "different";
    else change = (b < a) === options.lowerIsBetter ? "better" : "worse";
  }
  return { metric, a: show(a), b: show(b), change };
}

function comparePair(runA: SimRunView, runB: SimRunView, samples: { samplesA: number[]; samplesB: number[] }): ComparisonPair {
  const rank = { pass: 0, timing: 1, liveness: 2, safety: 3, crash: 4 } as const;
  const outcomeChange: Row["change"] = runA.outcome === runB.outcome ? "same" : rank[runB.outcome] < rank[runA.outcome] ? "better" : "worse";
  const latencyA = runA.verdict?.latencyMs ?? null;
  const latencyB = runB.verdict?.latencyMs ?? null;
  const rows: Row[] = [
    { metric: "outcome", a: runA.outcome, b: runB.outcome, change: outcomeChange },
    { metric: "seed or target", a: runOrigin(runA), b: runOrigin(runB), change: runOrigin(runA) === runOrigin(runB) ? "same" : "different" },
    numberRow("violations (safety + liveness)", runA.violations, runB.violations, { lowerIsBetter: true }),
    numberRow("latency p50", latencyA?.p50, latencyB?.p50, { lowerIsBetter: true, unit: " ms" }),
    numberRow("latency p95", latencyA?.p95, latencyB?.p95, { lowerIsBetter: true, unit: " ms" }),
    numberRow("latency p99", latencyA?.p99, latencyB?.p99, { lowerIsBetter: true, unit: " ms" }),
    numberRow("latency max", latencyA?.max, latencyB?.max, { lowerIsBetter: true, unit: " ms" }),
    numberRow("events emitted", runA.totals["eventsEmitted"], runB.totals["eventsEmitted"], { lowerIsBetter: null }),
    numberRow("frames delivered", runA.totals["framesDelivered"], runB.totals["framesDelivered"], { lowerIsBetter: null }),
    numberRow("runs completed", runA.totals["runsCompleted"], runB.totals["runsCompleted"], { lowerIsBetter: false }),
    numberRow("faults injected", sum(runA.faultsInjected), sum(runB.faultsInjected), { lowerIsBetter: null }),
    numberRow("simulated time", runA.simTimeMs, runB.simTimeMs, { lowerIsBetter: null, unit: " ms" }),
  ];
  const timingNames = [...new Set([...(runA.verdict?.timing ?? []), ...(runB.verdict?.timing ?? [])].map((timing) => timing.name))];
  for (const name of timingNames) {
    const timingA = runA.verdict?.timing.find((timing) => timing.name === name);
    const timingB = runB.verdict?.timing.find((timing) => timing.name === name);
    const show = (timing: typeof timingA) => (timing === undefined ? "—" : `${timing.ok ? "ok" : "over"} (worst ${timing.observed ?? "—"} / ${timing.budget} ${timing.unit})`);
    const change: Row["change"] = timingA?.ok === timingB?.ok ? (show(timingA) === show(timingB) ? "same" : "different") : timingB?.ok === true ? "better" : "worse";
    rows.push({ metric: name, a: show(timingA), b: show(timingB), change });
  }
  const both = [...samples.samplesA, ...samples.samplesB].sort((a, b) => a - b);
  const rangeMs = histogramRange(both);
  const binnedA = binSamples(samples.samplesA, rangeMs);
  const binnedB = binSamples(samples.samplesB, rangeMs);
  // Same bin width on both sides; pad the shorter to the same number of bins.
  const binCount = Math.max(binnedA.counts.length, binnedB.counts.length);
  const pad = (counts: number[]) => [...counts, ...new Array<number>(binCount - counts.length).fill(0)];
  const latency = { binWidthMs: binnedA.binWidthMs, countsA: pad(binnedA.counts), countsB: pad(binnedB.counts), lastBinIsOverflow: binnedA.lastBinIsOverflow || binnedB.lastBinIsOverflow };
  return { title: `${runName(runA)}  vs  ${runName(runB)}`, idA: runA.id, idB: runB.id, rows, latency };
}

function sum(values: Record<string, number>): number {
  return Object.values(values).reduce((total, value) => total + value, 0);
}
