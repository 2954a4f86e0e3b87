/**
 * Reads one results directory, or two to compare, into the report's data. The
 * only place the report reads the wall clock (`generatedAt`, for people).
 */
import { stat } from "node:fs/promises";
import { collectColumn, hasResults, type CollectLimits } from "./collectColumn.ts";
import { compareColumns } from "./compareColumns.ts";
import type { ReportData } from "./ReportData.ts";
import { UsageError } from "../protocol/cli/UsageError.ts";

/** Options of {@link buildReport}. */
export interface BuildReportOptions {
  /** The command line that regenerates the report, shown on the page. */
  command: string;
  limits?: Partial<CollectLimits>;
  /** Defaults to the current time; tests pass a fixed one. */
  generatedAt?: string;
}

/** One directory → one column; two → A and B side by side with a comparison. */
export async function buildReport(dirs: readonly string[], options: BuildReportOptions): Promise<ReportData> {
  const compare = dirs.length === 2;
  const columns = [];
  for (const [index, dir] of dirs.entries()) {
    const info = await stat(dir).catch(() => null);
    if (info === null) throw new UsageError(`no such directory: ${dir}`);
    if (!info.isDirectory()) throw new UsageError(`not a directory: ${dir} (give the results directory, e.g. results/)`);
    const label = compare ? (index === 0 ? "A" : "B") : "";
    const collected = await collectColumn(dir, { label, idPrefix: compare ? `${label.toLowerCase()}-` : "", ...(options.limits === undefined ? {} : { limits: options.limits }) });
    if (!hasResults(collected.column)) {
      const problems = collected.column.problems.map((problem) => `\n  ${problem.path}: ${problem.problem}`).join("");
      throw new UsageError(
        `no results in ${dir}: looked (recursively) for summary.json of kind "sim", sim-sweep-summary.json, k6 *-summary.json and bug zoo JSON (kind "bug-zoo"). Run \`npm run sim -- --seed 1\` first.${problems}`,
      );
    }
    columns.push(collected);
  }
  const [first, second] = columns;
  if (first === undefined) throw new UsageError("give a results directory");
  return {
    version: 1,
    title: second === undefined ? `Results: ${first.column.dir}` : `Compare: ${first.column.dir} vs ${second.column.dir}`,
    generatedAt: options.generatedAt ?? new Date().toISOString(),
    command: options.command,
    columns: columns.map((column) => column.column),
    comparison: second === undefined ? null : compareColumns(first, second),
  };
}
