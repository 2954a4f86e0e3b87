/**
 * Reads what `npm run mutate:sim:sample` measured: the verdict of each sampled mutant
 * (sweepIfSampled.sh's `start ID` / `end ID CODE` lines) among the first `count` ids of the
 * drawn sample, and prints killed / survived / timed out / not yet run, the score over those
 * run, its 95 % Wilson interval as an estimate of the whole population's score, and each
 * survivor with its file, line, mutator and replacement (from the inventory report).
 * Usage: tsx mutation/summarizeSample.ts INVENTORY.json IDS.txt VERDICTS.txt COUNT
 */
import { readFileSync } from "node:fs";
import { formatSampleScore, readInventory, readSampleIds, type SampleOutcome } from "./sampleScore.ts";

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

const [inventoryPath, idsPath, verdictsPath, countText] = process.argv.slice(2);
if (inventoryPath === undefined || idsPath === undefined || verdictsPath === undefined || countText === undefined || !/^\d+$/.test(countText)) {
  process.stderr.write("usage: tsx mutation/summarizeSample.ts INVENTORY.json IDS.txt VERDICTS.txt COUNT\n");
  process.exit(2);
}
const ids = readSampleIds(idsPath, Number(countText));
const verdicts = readVerdicts(ids, readFileSync(verdictsPath, "utf8").split("\n"));
// A sweep that exits non-zero killed its mutant; a sweep that never ended timed out (it fails CI too).
const outcomeOf = (verdict: SampleVerdict): SampleOutcome => (typeof verdict === "number" ? (verdict === 0 ? "survived" : "killed") : verdict);
process.stdout.write(formatSampleScore(new Map([...verdicts].map(([id, verdict]) => [id, outcomeOf(verdict)])), readInventory(inventoryPath)));
