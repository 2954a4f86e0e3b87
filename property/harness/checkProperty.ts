/**
 * Runs a {@link PropertyDefinition} with fast-check and, on failure, writes the shrunk
 * counterexample once, for every property alike: the file under
 * results/property-counterexamples/ and the commands that replay it, plus fast-check's
 * seed and path. Returns a {@link PropertyOutcome}; it never throws for a failing property.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import fc from "fast-check";
import type { PlantedBug } from "../../sim/bugZoo/PlantedBug.ts";
import type { PropertyDefinition } from "./PropertyDefinition.ts";
import type { PropertyReport } from "./PropertyReport.ts";

/** Where counterexample files go unless told otherwise. */
export const COUNTEREXAMPLE_DIRECTORY = "results/property-counterexamples";

/** Options of {@link checkProperty}. */
export interface CheckPropertyOptions {
  /** fast-check runs; default the definition's `defaultRuns`. */
  numRuns?: number;
  /** fast-check seed (to replay a failure); default: fast-check's own (random, printed on failure). */
  seed?: number;
  /** fast-check path (with `seed`: replays exactly one shrunk counterexample). */
  path?: string;
  /** fc.commands' replayPath (with `seed` and `path`, for properties built on fc.commands). */
  replayPath?: string;
  /** A planted bug to inject. */
  plant?: PlantedBug;
  /** Folder for counterexample files. Default {@link COUNTEREXAMPLE_DIRECTORY}. */
  directory?: string;
  /** Called after each case (progress display). */
  onCase?: (verdict: { failed: boolean; exercised: boolean }) => void;
}

/** A report, and the shrunk counterexample itself (null when the property held). */
export interface PropertyOutcome<T> {
  report: PropertyReport;
  counterexample: T | null;
}

/** Thrown inside the fast-check predicate so fast-check records and shrinks the failure. */
class PropertyFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PropertyFailure";
  }
}

/** See the module comment. */
export async function checkProperty<T>(definition: PropertyDefinition<T>, options: CheckPropertyOptions = {}): Promise<PropertyOutcome<T>> {
  const startedAt = performance.now();
  const plant = options.plant;
  let exercisedRuns = 0;
  let failedOnce = false;
  const predicate = async (value: T): Promise<void> => {
    const verdict = await definition.check(value, { plant });
    const failed = verdict.failure !== undefined;
    if (!failedOnce && verdict.exercised) exercisedRuns += 1;
    options.onCase?.({ failed, exercised: verdict.exercised });
    if (failed) {
      failedOnce = true;
      throw new PropertyFailure(verdict.failure as string);
    }
  };
  const arbitrary = definition.arbitrary(options.replayPath === undefined ? {} : { replayPath: options.replayPath });
  const details = await fc.check(fc.asyncProperty(arbitrary, predicate), {
    numRuns: options.numRuns ?? definition.defaultRuns,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.path === undefined ? {} : { path: options.path }),
  });
  const base = {
    property: definition.name,
    guards: definition.guards,
    plant: plant?.name ?? null,
    numRuns: details.numRuns,
    numShrinks: details.numShrinks,
    exercisedRuns,
    fastCheck: { seed: details.seed, path: details.counterexamplePath },
  };
  if (!details.failed) {
    return { report: { ...base, ok: true, failure: null, counterexampleFile: null, counterexampleSummary: null, replay: [], elapsedMs: performance.now() - startedAt }, counterexample: null };
  }
  const failure = describeError(details.errorInstance);
  const path = details.counterexamplePath ?? "";
  const value = (details.counterexample as [T] | null)?.[0];
  if (value === undefined) {
    return { report: { ...base, ok: false, failure, counterexampleFile: null, counterexampleSummary: null, replay: [], elapsedMs: performance.now() - startedAt }, counterexample: null };
  }
  const counterexample = definition.counterexample(value, {
    plant,
    failure,
    fastCheck: { seed: details.seed, path },
    directory: options.directory ?? COUNTEREXAMPLE_DIRECTORY,
  });
  mkdirSync(dirname(counterexample.file), { recursive: true });
  writeFileSync(counterexample.file, `${JSON.stringify(counterexample.content, null, 2)}\n`);
  // `--seed=-5` reads the same in any parseArgs CLI; `npm run prop` also takes `--seed -5` (joinNegativeNumberValues).
  const replayPathFlag = counterexample.replayPath === undefined ? "" : ` --replay-path ${counterexample.replayPath}`;
  const fastCheckReplay = [`npm run prop -- --property ${definition.name} --seed=${details.seed} --path ${path}${replayPathFlag}${plant === undefined ? "" : ` --plant ${plant.name}`}`];
  return {
    report: {
      ...base,
      ok: false,
      failure,
      counterexampleFile: counterexample.file,
      counterexampleSummary: counterexample.summary,
      replay: [...counterexample.replay, ...fastCheckReplay],
      elapsedMs: performance.now() - startedAt,
    },
    counterexample: value,
  };
}

function describeError(error: unknown): string {
  if (error instanceof PropertyFailure) return error.message;
  if (error instanceof Error) return `threw ${error.name}: ${error.message}${error.stack === undefined ? "" : `\n${error.stack.split("\n").slice(1, 6).join("\n")}`}`;
  return `threw ${String(error)}`;
}
