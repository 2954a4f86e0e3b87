/**
 * Reads what `npm run mutate:sim:sample` measured: the verdict of each sampled mutant
 * (sweepIfSampled.sh's `start ID` / `end ID CODE` lines) among the first `count` ids of the
 * drawn sample, and prints killed / survived / timed out / not yet run, the score over those
 * run, its 95 % Wilson interval as an estimate of the whole population's score, and each
 * survivor with its file, line, mutator and replacement (from the inventory report).
 * Usage: tsx mutation/summarizeSample.ts INVENTORY.json IDS.txt VERDICTS.txt COUNT
 */
import { readFileSync } from "node:fs";

/** A mutant as a Stryker JSON report lists it. */
interface ReportMutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
}

/**
 * Verdict of one sampled mutant: its sweep's exit code, "timeout" (started, never ended, and
 * another mutant started after it), "in flight" (the last one started, never ended: the run
 * was stopped during it; Stryker runs them one at a time with --concurrency 1) or "not run".
 */
export type SampleVerdict = number | "timeout" | "in flight" | "not run";

/** The verdict of every id in `ids` from the verdict lines; a mutant whose sweep exits non-zero is killed. */
export function readVerdicts(ids: readonly string[], verdictLines: readonly string[]): Map<string, SampleVerdict> {
  const verdicts = new Map<string, SampleVerdict>(ids.map((id) => [id, "not run"]));
  let lastStarted: string | undefined;
  for (const line of verdictLines) {
    const [kind, id, code] = line.trim().split(" ");
    if (kind === "start") lastStarted = id;
    if (id === undefined || !verdicts.has(id)) continue;
    if (kind === "start") verdicts.set(id, "timeout");
    if (kind === "end" && code !== undefined) verdicts.set(id, Number(code));
  }
  if (lastStarted !== undefined && verdicts.get(lastStarted) === "timeout") verdicts.set(lastStarted, "in flight");
  return verdicts;
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

const [inventoryPath, idsPath, verdictsPath, countText] = process.argv.slice(2);
if (inventoryPath === undefined || idsPath === undefined || verdictsPath === undefined || countText === undefined || !/^\d+$/.test(countText)) {
  process.stderr.write("usage: tsx mutation/summarizeSample.ts INVENTORY.json IDS.txt VERDICTS.txt COUNT\n");
  process.exit(2);
}
const inventory = JSON.parse(readFileSync(inventoryPath, "utf8")) as { files: Record<string, { mutants: ReportMutant[] }> };
const where = new Map<string, { file: string; mutant: ReportMutant }>();
for (const [file, entry] of Object.entries(inventory.files)) for (const mutant of entry.mutants) where.set(mutant.id, { file, mutant });
const ids = readFileSync(idsPath, "utf8").split("\n").filter((line) => line !== "").slice(0, Number(countText));
const verdicts = readVerdicts(ids, readFileSync(verdictsPath, "utf8").split("\n"));
const counts = { killed: 0, survived: 0, timeout: 0, notRun: 0, inFlight: 0 };
const survivors: string[] = [];
for (const [id, verdict] of verdicts) {
  if (verdict === "not run") counts.notRun += 1;
  else if (verdict === "in flight") counts.inFlight += 1;
  else if (verdict === "timeout") counts.timeout += 1;
  else if (verdict === 0) {
    counts.survived += 1;
    const found = where.get(id);
    const text = found === undefined ? "(not in the inventory)" : `${found.file}:${found.mutant.location.start.line} ${found.mutant.mutatorName} → ${JSON.stringify(found.mutant.replacement ?? "")}`;
    survivors.push(`  #${id} ${text}`);
  } else counts.killed += 1;
}
// Stryker counts a timeout as detected: a sweep that never ends fails CI too.
const detected = counts.killed + counts.timeout;
const run = detected + counts.survived;
const interval = wilsonInterval95(detected, run);
const percent = (fraction: number) => `${(fraction * 100).toFixed(1)} %`;
process.stdout.write(
  [
    `sample: ${ids.length} drawn, ${run} run: ${counts.killed} killed, ${counts.timeout} timed out, ${counts.survived} survived (${counts.notRun} not run, ${counts.inFlight} stopped while running)`,
    `score: ${run === 0 ? "n/a" : percent(detected / run)} (95 % Wilson interval ${percent(interval.low)} – ${percent(interval.high)})`,
    "survivors:",
    ...survivors,
  ].join("\n") + "\n",
);
