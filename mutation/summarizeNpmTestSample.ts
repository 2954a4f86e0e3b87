/**
 * Reads what `npm run mutate:sample` measured: each sampled mutant's status in Stryker's
 * JSON report of the npm-test run over the sample's spans, matched to the inventory by file,
 * position, mutator and replacement (the ids of a narrowed run differ from the inventory's),
 * then prints the score as summarizeSample.ts does. Killed and timed out are detected;
 * survived and not covered are not; a compile or runtime error is "not run" (Stryker leaves
 * those out of its score too).
 * Usage: tsx mutation/summarizeNpmTestSample.ts INVENTORY.json IDS.txt REPORT.json COUNT
 */
import { formatSampleScore, readInventory, readSampleIds, type ReportMutant, type SampleOutcome } from "./sampleScore.ts";

const [inventoryPath, idsPath, reportPath, countText] = process.argv.slice(2);
if (inventoryPath === undefined || idsPath === undefined || reportPath === undefined || countText === undefined || !/^\d+$/.test(countText)) {
  process.stderr.write("usage: tsx mutation/summarizeNpmTestSample.ts INVENTORY.json IDS.txt REPORT.json COUNT\n");
  process.exit(2);
}
const keyOf = (file: string, mutant: ReportMutant) => {
  const { start, end } = mutant.location;
  return `${file}:${start.line}:${start.column}-${end.line}:${end.column} ${mutant.mutatorName} ${mutant.replacement ?? ""}`;
};
const statusByKey = new Map([...readInventory(reportPath).values()].map(({ file, mutant }) => [keyOf(file, mutant), mutant.status ?? "Pending"]));
const inventory = readInventory(inventoryPath);
const outcomeOf = (status: string | undefined): SampleOutcome => {
  if (status === "Killed") return "killed";
  if (status === "Timeout") return "timeout";
  if (status === "Survived" || status === "NoCoverage") return "survived";
  return "not run";
};
const outcomes = new Map(
  readSampleIds(idsPath, Number(countText)).map((id) => {
    const found = inventory.get(id);
    return [id, outcomeOf(found === undefined ? undefined : statusByKey.get(keyOf(found.file, found.mutant)))] as const;
  }),
);
process.stdout.write(formatSampleScore(outcomes, inventory));
