/**
 * The score of a sampled mutation run, shared by the sweep sample (summarizeSample.ts) and
 * the npm-test sample (summarizeNpmTestSample.ts): counts, the score over the mutants run,
 * its 95 % Wilson interval as an estimate of the whole population's score, and each
 * survivor with its file, line, mutator and replacement (from the inventory report).
 */
import { readFileSync } from "node:fs";

/** A mutant as a Stryker JSON report lists it. */
export interface ReportMutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  status?: string;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
}

/** A Stryker JSON report: mutants by file. */
export interface MutantReport {
  files: Record<string, { mutants: ReportMutant[] }>;
}

/** One sampled mutant's verdict as the score counts it ("in flight": the run was stopped during it). */
export type SampleOutcome = "killed" | "timeout" | "survived" | "not run" | "in flight";

/** Reads a Stryker JSON report and indexes its mutants by id. */
export function readInventory(path: string): Map<string, { file: string; mutant: ReportMutant }> {
  const report = JSON.parse(readFileSync(path, "utf8")) as MutantReport;
  const where = new Map<string, { file: string; mutant: ReportMutant }>();
  for (const [file, entry] of Object.entries(report.files)) for (const mutant of entry.mutants) where.set(mutant.id, { file, mutant });
  return where;
}

/** The first `count` ids of a drawn sample file (one id per line). */
export function readSampleIds(path: string, count: number): string[] {
  return readFileSync(path, "utf8").split("\n").filter((line) => line !== "").slice(0, count);
}

/** The 95 % Wilson score interval of `successes` in `trials`, as fractions. */
export function wilsonInterval95(successes: number, trials: number): { low: number; high: number } {
  if (trials === 0) return { low: 0, high: 1 };
  const z = 1.96;
  const p = successes / trials;
  const centre = (p + (z * z) / (2 * trials)) / (1 + (z * z) / trials);
  const half = (z * Math.sqrt((p * (1 - p)) / trials + (z * z) / (4 * trials * trials))) / (1 + (z * z) / trials);
  return { low: centre - half, high: centre + half };
}

/** The summary text: counts, score with interval, survivors. A timeout counts as detected, as Stryker counts it. */
export function formatSampleScore(outcomes: ReadonlyMap<string, SampleOutcome>, where: ReadonlyMap<string, { file: string; mutant: ReportMutant }>): string {
  const counts = { killed: 0, survived: 0, timeout: 0, notRun: 0, inFlight: 0 };
  const survivors: string[] = [];
  for (const [id, outcome] of outcomes) {
    if (outcome === "not run") counts.notRun += 1;
    else if (outcome === "in flight") counts.inFlight += 1;
    else if (outcome === "timeout") counts.timeout += 1;
    else if (outcome === "killed") counts.killed += 1;
    else {
      counts.survived += 1;
      const found = where.get(id);
      const text = found === undefined ? "(not in the inventory)" : `${found.file}:${found.mutant.location.start.line} ${found.mutant.mutatorName} → ${JSON.stringify(found.mutant.replacement ?? "")}`;
      survivors.push(`  #${id} ${text}`);
    }
  }
  const detected = counts.killed + counts.timeout;
  const run = detected + counts.survived;
  const interval = wilsonInterval95(detected, run);
  const percent = (fraction: number) => `${(fraction * 100).toFixed(1)} %`;
  return (
    [
      `sample: ${outcomes.size} drawn, ${run} run: ${counts.killed} killed, ${counts.timeout} timed out, ${counts.survived} survived (${counts.notRun} not run, ${counts.inFlight} stopped while running)`,
      `score: ${run === 0 ? "n/a" : percent(detected / run)} (95 % Wilson interval ${percent(interval.low)} – ${percent(interval.high)})`,
      "survivors:",
      ...survivors,
    ].join("\n") + "\n"
  );
}
