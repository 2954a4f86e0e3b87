/**
 * What the vitest files say about a property, in one call each: it holds at its CI budget
 * (and is not vacuous), or it catches a planted bug. Failures throw an Error whose message
 * is the formatted report: the why, the counterexample file, the replay commands and
 * fast-check's seed and path. Counterexample files go to a temporary folder (never
 * `results/`, which holds only the runs a person asked for); the message names it.
 */
import type { PropertyDefinition } from "./PropertyDefinition.ts";
import type { PropertyReport } from "./PropertyReport.ts";
import { checkProperty, type CheckPropertyOptions } from "./checkProperty.ts";
import { formatPropertyReport } from "./formatPropertyReport.ts";
import { temporaryDirectory } from "./temporaryDirectory.ts";
import { findPlant } from "../plantedBugs/findPlant.ts";

/** Runs `definition` on the real system; throws unless it held and enough runs exercised it. */
export async function expectPropertyHolds<T>(definition: PropertyDefinition<T>, options: Omit<CheckPropertyOptions, "plant"> = {}): Promise<PropertyReport> {
  const { report } = await checkProperty(definition, { directory: temporaryDirectory("property-counterexamples"), ...options });
  if (!report.ok) throw new Error(formatPropertyReport(report));
  const share = report.numRuns === 0 ? 0 : report.exercisedRuns / report.numRuns;
  if (share < definition.exercisedShareMin) {
    throw new Error(
      `Property ${definition.name} held but is close to vacuous: ${report.exercisedRuns} of ${report.numRuns} run(s) reached what it is about (at least ${Math.round(definition.exercisedShareMin * 100)}% required; fast-check seed ${report.fastCheck.seed}). Tune its arbitrary.`,
    );
  }
  return report;
}

/** Runs a planted-bug check may take: ten CI budgets (it stops at the first failure, so most take a few). */
const PLANTED_RUNS_PER_BUDGET = 10;

/**
 * Runs `definition` with planted bug `plantName` for up to ten CI budgets; throws unless
 * the property failed (and wrote its counterexample).
 */
export async function expectPropertyCatches<T>(definition: PropertyDefinition<T>, plantName: string): Promise<PropertyReport> {
  const plant = findPlant(plantName);
  if (plant === undefined) throw new Error(`unknown planted bug ${plantName}`);
  const { report } = await checkProperty(definition, { numRuns: definition.defaultRuns * PLANTED_RUNS_PER_BUDGET, plant, directory: temporaryDirectory("property-counterexamples") });
  if (report.ok) {
    throw new Error(`Property ${definition.name} did NOT catch planted bug ${plantName} in ${report.numRuns} run(s) (fast-check seed ${report.fastCheck.seed}): it cannot fail for this bug class, or its arbitrary never reaches it.`);
  }
  if (report.counterexampleFile === null) throw new Error(`Property ${definition.name} caught ${plantName} but wrote no counterexample:\n${formatPropertyReport(report)}`);
  return report;
}
