/**
 * Draws the mutant sample of `npm run mutate:sim:sample`: the `count` mutant ids of a Stryker
 * JSON report (any run over the same files, e.g. one whose command is `true`) that rank lowest
 * by sha256(`seed`:id), one id per line. A simple random sample: every mutant of
 * server/manager and server/runtime is as likely to be drawn, whatever its file or nesting.
 * Usage: tsx mutation/drawMutantSample.ts REPORT.json COUNT SEED > ids.txt
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

/** The ids of `report`'s mutants, ranked by sha256(`seed`:id), the first `count`. */
export function drawMutantSample(report: { files: Record<string, { mutants: Array<{ id: string }> }> }, count: number, options: { seed: string }): string[] {
  const ids = Object.values(report.files).flatMap((file) => file.mutants.map((mutant) => mutant.id));
  const rank = (id: string) => createHash("sha256").update(`${options.seed}:${id}`).digest("hex");
  return ids.map((id) => ({ id, key: rank(id) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).slice(0, count).map((entry) => entry.id);
}

const [reportPath, countText, seed] = process.argv.slice(2);
if (reportPath === undefined || countText === undefined || seed === undefined || !/^\d+$/.test(countText)) {
  process.stderr.write("usage: tsx mutation/drawMutantSample.ts REPORT.json COUNT SEED (a Stryker JSON report, how many ids, any text as seed)\n");
  process.exit(2);
}
const report = JSON.parse(readFileSync(reportPath, "utf8")) as Parameters<typeof drawMutantSample>[0];
process.stdout.write(`${drawMutantSample(report, Number(countText), { seed }).join("\n")}\n`);
