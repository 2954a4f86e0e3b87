/**
 * Bug zoo detection: for every planted bug of the sim's BUG_ZOO, how many runs of the
 * whole-protocol safety property (properties/safetyProperty.ts) it survives, what the
 * checker calls it, and the one line that replays the shrunk counterexample. The report
 * is data (`results/bug-zoo.json`, read by the HTML report); formatBugZooTable prints it.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { BUG_ZOO } from "../../sim/bugZoo/bugZoo.ts";
import type { PlantedBug } from "../../sim/bugZoo/PlantedBug.ts";
import { checkProperty } from "../harness/checkProperty.ts";
import { runReproCommand } from "../harness/runReproCommand.ts";
import { runSimCase } from "../harness/runSimCase.ts";
import { multiInstanceSafetyProperty } from "../properties/multiInstanceSafetyProperty.ts";
import { safetyProperty } from "../properties/safetyProperty.ts";

/** The property a planted bug is measured against: the multi-instance one for a bug of the multi-instance topology. */
export function bugZooPropertyFor(bug: PlantedBug): typeof safetyProperty {
  return bug.cluster === undefined ? safetyProperty : multiInstanceSafetyProperty;
}

/** `npm run sim`'s exit code for a safety violation. */
const SAFETY_EXIT_CODE = 1;

/** Repro processes run at once when verifying. */
const REPRO_PROCESSES_MAX = 2;

/** Where the report goes. */
export const BUG_ZOO_REPORT_PATH = "results/bug-zoo.json";

/** One planted bug's detection. */
export interface BugZooRow {
  bug: string;
  /** The property it was measured against: `safety`, or `safety-multi-instance` for a multi-instance class. */
  property: string;
  description: string;
  expectedInvariant: string;
  /** The invariant the checker named on the shrunk counterexample (the expected one when it is among them); null when not caught. */
  caughtAs: string | null;
  /** fast-check runs until the first failing one (that run included); null when not caught within the budget. */
  runsToDetection: number | null;
  shrinks: number;
  /** The command that replays the shrunk counterexample; null when not caught. */
  repro: string | null;
  /** The repro, run in a fresh process, failed with a safety violation (exit 1); null when not checked. */
  reproVerified: boolean | null;
  counterexampleFile: string | null;
  /** The shrunk counterexample in one line (its faults and shape). */
  counterexample: string | null;
}

/** The bug zoo report (`results/bug-zoo.json`). */
export interface BugZooReport {
  kind: "bug-zoo";
  property: string;
  /** Runs allowed per bug. */
  budget: number;
  fastCheckSeed: number | null;
  rows: BugZooRow[];
}

/** Options of {@link measureBugZoo}. */
export interface MeasureBugZooOptions {
  /** Runs allowed per bug; default the safety property's CI budget. */
  numRuns?: number;
  /** fast-check seed used for every bug (default: fast-check's own, per bug). */
  seed?: number;
  bugs?: readonly PlantedBug[];
  /** Called as each bug is measured (progress). */
  onRow?: (row: BugZooRow) => void;
  /** Run every repro line in a fresh process to prove it replays (about a second each, in parallel). Default true. */
  verifyRepros?: boolean;
  /** Folder for the counterexample files (the repro lines name them). Default checkProperty's, under results/. */
  directory?: string;
}

/** Measures every planted bug (see the module comment). */
export async function measureBugZoo(options: MeasureBugZooOptions = {}): Promise<BugZooReport> {
  // Both safety properties have the same default budget.
  const budget = options.numRuns ?? safetyProperty.defaultRuns;
  const rows: BugZooRow[] = [];
  for (const bug of options.bugs ?? BUG_ZOO) {
    const property = bugZooPropertyFor(bug);
    const { report, counterexample } = await checkProperty(property, {
      plant: bug,
      numRuns: budget,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.directory === undefined ? {} : { directory: options.directory }),
    });
    let caughtAs: string | null = null;
    if (counterexample !== null) {
      const run = runSimCase(counterexample, { plant: bug });
      const safety = run.result.verdict?.safety ?? [];
      caughtAs = safety.some((violation) => violation.invariant === bug.expectedInvariant) ? bug.expectedInvariant : (safety[0]?.invariant ?? (run.result.outcome === "crash" ? "crash" : null));
    }
    const row: BugZooRow = {
      bug: bug.name,
      property: property.name,
      description: bug.description,
      expectedInvariant: bug.expectedInvariant,
      caughtAs,
      runsToDetection: report.ok ? null : report.numRuns,
      shrinks: report.numShrinks,
      repro: report.replay[0] ?? null,
      reproVerified: null,
      counterexampleFile: report.counterexampleFile,
      counterexample: report.counterexampleSummary,
    };
    rows.push(row);
    options.onRow?.(row);
  }
  if (options.verifyRepros !== false) {
    // A few at a time: each is a Node process that transpiles the simulator (about a second of CPU).
    const queue = rows.filter((row) => row.repro !== null);
    const worker = async () => {
      for (let row = queue.shift(); row !== undefined; row = queue.shift()) {
        row.reproVerified = (await runReproCommand(row.repro as string)).exitCode === SAFETY_EXIT_CODE;
      }
    };
    await Promise.all(Array.from({ length: REPRO_PROCESSES_MAX }, worker));
  }
  return { kind: "bug-zoo", property: safetyProperty.name, budget, fastCheckSeed: options.seed ?? null, rows };
}

/** Writes `report` as JSON to `path` (default {@link BUG_ZOO_REPORT_PATH}). */
export function writeBugZooReport(report: BugZooReport, path = BUG_ZOO_REPORT_PATH): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
}

/** The runs-to-detection table, one bug per line. */
export function formatBugZooTable(report: BugZooReport): string {
  const header = `Bug zoo: runs of property "${report.property}" until each planted bug is caught (budget ${report.budget})`;
  const lines = report.rows.map((row) => {
    const runs = row.runsToDetection === null ? "NOT CAUGHT" : String(row.runsToDetection);
    const caught = row.caughtAs === null ? "-" : `${row.caughtAs}${row.caughtAs === row.expectedInvariant ? "" : ` (expected ${row.expectedInvariant})`}`;
    const verified = row.reproVerified === null ? "" : row.reproVerified ? "  [replays]" : "  [DOES NOT REPLAY in a fresh process]";
    const via = row.property === report.property ? "" : `  (property ${row.property})`;
    return `  ${row.bug.padEnd(30)} ${runs.padStart(10)}  ${caught}${via}\n  ${"".padEnd(30)} ${"".padStart(10)}  ${row.repro ?? ""}${verified}`;
  });
  return [header, `  ${"bug".padEnd(30)} ${"runs".padStart(10)}  caught as / repro`, ...lines].join("\n");
}
