/** The sweep CLI's per-scenario pass/fail table, as text. */
import type { ScenarioRow } from "../sweep/createScenarioTally.ts";

/**
 * One header line and one line per scenario: scenario, seeds, passed, failed, and the
 * first failing seed with its repro line ("—" when every seed passed).
 */
export function formatScenarioTable(rows: readonly ScenarioRow[]): string {
  const scenarioWidth = Math.max("scenario".length, ...rows.map((row) => row.scenario.length));
  const numberWidth = Math.max(6, ...rows.map((row) => String(row.seeds).length));
  const cells = (scenario: string, seeds: string, passed: string, failed: string, first: string) =>
    `  ${scenario.padEnd(scenarioWidth)}  ${seeds.padStart(numberWidth)}  ${passed.padStart(numberWidth)}  ${failed.padStart(numberWidth)}  ${first}`.trimEnd();
  return [
    cells("scenario", "seeds", "passed", "failed", "first failing seed"),
    ...rows.map((row) =>
      cells(row.scenario, String(row.seeds), String(row.passed), String(row.failed), row.firstFailingSeed === null ? "—" : `${row.firstFailingSeed}: ${row.firstFailingRepro ?? ""}`),
    ),
  ].join("\n");
}
