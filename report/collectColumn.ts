/**
 * Everything the report can show from one results directory, read recursively:
 * sim runs (`summary.json` of kind "sim" with `trace.jsonl` beside it), sim sweeps
 * (kind "sim-sweep"), k6-shaped load summaries, soaks (kind "soak") and bug zoo results (kind "bug-zoo").
 * Each kind is read through the results schema its writer checks against
 * (protocol/resultSchemas.ts). Files that are not results are ignored; result files that
 * cannot be read are listed as problems (`<file>: <field>: <problem>`, one line each on the
 * CLI's stderr), never fatal.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { isBugZoo, readBugZoo } from "./readBugZoo.ts";
import { isLoadSummary, readLoadRun } from "./readLoadRun.ts";
import { firstResultIssue, loadSummarySchema, simSummarySchema, soakSummarySchema, sweepSummarySchema, type SimSummary } from "../protocol/resultSchemas.ts";
import { readSimRun } from "./readSimRun.ts";
import { readSoakRun } from "./readSoakRun.ts";
import { readSweep } from "./readSweep.ts";
import type { ResultColumn } from "./ReportData.ts";
import { judgeColumn } from "./judgeColumn.ts";

/** Bounds of one directory walk (STYLE rule 6). Going past one is reported on the page. */
export interface CollectLimits {
  /** Directory entries visited, at most. */
  entriesMax: number;
  /** JSON files bigger than this are skipped, bytes. */
  jsonBytesMax: number;
  /** Sim runs drawn in full; the rest are listed in a table. Failing runs come first. */
  simRunsDetailedMax: number;
  /** Event marks on one run's timeline. */
  eventMarksMax: number;
}

/** The defaults of {@link CollectLimits}. */
export const COLLECT_LIMITS_DEFAULT: Readonly<CollectLimits> = Object.freeze({
  entriesMax: 200_000,
  jsonBytesMax: 64 * 1024 * 1024,
  simRunsDetailedMax: 12,
  eventMarksMax: 40_000,
});

/** Directories never worth walking. */
const SKIPPED_DIRECTORIES = new Set(["node_modules", ".git"]);

/** A column plus the latency samples of each detailed sim run (by view id), for compare mode. */
export interface CollectedColumn {
  column: ResultColumn;
  latencySamplesById: Map<string, number[]>;
}

/** Reads every result under `dir`; `label` names the column ("A", "B" or ""). */
export async function collectColumn(dir: string, options: { label: string; idPrefix: string; limits?: Partial<CollectLimits> }): Promise<CollectedColumn> {
  const limits = { ...COLLECT_LIMITS_DEFAULT, ...options.limits };
  const problems: ResultColumn["problems"] = [];
  const files = await listJsonFiles(dir, limits, problems);
  const simSummaries: Array<{ path: string; summary: SimSummary }> = [];
  const column: ResultColumn = {
    label: options.label,
    dir,
    verdict: { ok: true, reasons: [], judged: "" },
    sims: [],
    simsListedOnly: [],
    sweeps: [],
    loads: [],
    soaks: [],
    bugZoos: [],
    problems,
  };
  for (const path of files) {
    const displayPath = relative(dir, path) || path;
    const size = (await stat(path)).size;
    if (size > limits.jsonBytesMax) {
      problems.push({ path: displayPath, problem: `skipped: ${Math.round(size / 1024 / 1024)} MiB is over the ${Math.round(limits.jsonBytesMax / 1024 / 1024)} MiB bound for one JSON file` });
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(await readFile(path, "utf8"));
    } catch (error) {
      if (/summary|sweep|zoo/i.test(path)) problems.push({ path: displayPath, problem: `not valid JSON (${(error as Error).message})` });
      continue;
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) continue;
    const object = json as Record<string, unknown>;
    if (object["kind"] === "sim") {
      const parsed = simSummarySchema.safeParse(object);
      if (parsed.success) simSummaries.push({ path, summary: parsed.data });
      else problems.push({ path: displayPath, problem: `a sim summary the report cannot read: ${firstResultIssue(parsed.error)}` });
    } else if (object["kind"] === "sim-sweep") {
      const parsed = sweepSummarySchema.safeParse(object);
      if (parsed.success) column.sweeps.push(readSweep(parsed.data, displayPath));
      else problems.push({ path: displayPath, problem: `a sweep summary the report cannot read: ${firstResultIssue(parsed.error)}` });
    } else if (object["kind"] === "soak") {
      const parsed = soakSummarySchema.safeParse(object);
      if (parsed.success) column.soaks.push(readSoakRun(parsed.data, displayPath));
      else problems.push({ path: displayPath, problem: `a soak summary the report cannot read: ${firstResultIssue(parsed.error)}` });
    } else if (isBugZoo(object)) {
      column.bugZoos.push(readBugZoo(object, displayPath));
    } else if (isLoadSummary(object)) {
      const parsed = loadSummarySchema.safeParse(object);
      if (parsed.success) column.loads.push(await readLoadRun(object, { path, displayPath }));
      else problems.push({ path: displayPath, problem: `a load summary the report cannot read: ${firstResultIssue(parsed.error)}` });
    }
  }

  // Failing runs first: they are why someone opens the report.
  simSummaries.sort((a, b) => Number(a.summary.outcome === "pass") - Number(b.summary.outcome === "pass") || a.path.localeCompare(b.path));
  const latencySamplesById = new Map<string, number[]>();
  for (const [index, { path, summary }] of simSummaries.entries()) {
    const displayPath = relative(dir, path) || path;
    if (index >= limits.simRunsDetailedMax) {
      const violations = summary.verdict === null ? 0 : summary.verdict.safety.length + summary.verdict.liveness.length;
      column.simsListedOnly.push({ path: displayPath, source: summary.source, seed: summary.seed, target: summary.target, scenario: summary.scenario, plant: summary.plant, outcome: summary.outcome, repro: summary.repro, violations });
      continue;
    }
    const read = await readSimRun(summary, { summaryPath: path, displayPath, id: `${options.idPrefix}sim-${index}`, eventMarksMax: limits.eventMarksMax });
    column.sims.push(read.view);
    latencySamplesById.set(read.view.id, read.latencySamplesMs);
  }
  column.verdict = judgeColumn(column);
  return { column, latencySamplesById };
}

/** True when the column holds at least one result. */
export function hasResults(column: ResultColumn): boolean {
  return column.sims.length + column.simsListedOnly.length + column.sweeps.length + column.loads.length + column.soaks.length + column.bugZoos.length > 0;
}

async function listJsonFiles(root: string, limits: CollectLimits, problems: ResultColumn["problems"]): Promise<string[]> {
  const found: string[] = [];
  const pending = [root];
  let visited = 0;
  while (pending.length > 0) {
    const dir = pending.pop() as string;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      problems.push({ path: relative(root, dir) || ".", problem: `cannot list this directory (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` });
      continue;
    }
    for (const entry of entries) {
      visited += 1;
      if (visited > limits.entriesMax) {
        problems.push({ path: relative(root, dir) || ".", problem: `stopped walking after ${limits.entriesMax} directory entries (the report's bound); some results may be missing` });
        return found.sort();
      }
      const path = join(dir, entry.name);
      if (entry.isDirectory() && !SKIPPED_DIRECTORIES.has(entry.name)) pending.push(path);
      else if (entry.isFile() && entry.name.endsWith(".json")) found.push(path);
    }
  }
  return found.sort();
}
