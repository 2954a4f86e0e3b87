/**
 * What every property in property/ is: a named, documented fast-check property that the
 * vitest suite and `npm run prop` both run (the same definition, different budgets).
 * Results are data ({@link CaseVerdict}, PropertyReport); formatting lives elsewhere.
 */
import type fc from "fast-check";
import type { PlantedBug } from "../../sim/bugZoo/PlantedBug.ts";

/** What one case of a property came to. */
export interface CaseVerdict {
  /** Why the property does not hold for this case, in one or two sentences; undefined when it holds. */
  failure: string | undefined;
  /**
   * The case reached the situation the property is about (a resume after an overflow, a
   * slow consumer cut…). A property whose cases never get there proves nothing: tests
   * assert a minimum share (see {@link PropertyDefinition.exercisedShareMin}).
   */
  exercised: boolean;
}

/** What a property needs to run one case. */
export interface PropertyContext {
  /** A planted bug to inject (to show the property can fail); undefined for the real system. */
  plant: PlantedBug | undefined;
}

/** Where and why a counterexample is being written. */
export interface CounterexampleContext {
  plant: PlantedBug | undefined;
  failure: string;
  fastCheck: { seed: number; path: string };
  /** The folder counterexample files go to (results/property-counterexamples by default). */
  directory: string;
}

/** A counterexample as a file, and the commands that replay it (they name the file). */
export interface Counterexample {
  /** Path of the file to write, under `context.directory`. */
  file: string;
  /** JSON value to write: a scenario file (simulator properties) or a description of the commands/schedule. */
  content: unknown;
  /** The commands that replay it, first the one to paste. */
  replay: string[];
  /** One line on what the counterexample holds (e.g. "2 scheduled faults: drop@120 on 0.0, restart@900"). */
  summary: string;
  /** fc.commands' replayPath of the counterexample, when the property is built on fc.commands (its replay needs it beside seed and path). */
  replayPath?: string;
}

/** Options of {@link PropertyDefinition.arbitrary}. */
export interface ArbitraryOptions {
  /** fc.commands' replayPath (properties built on fc.commands replay a counterexample with it); others ignore it. */
  replayPath?: string;
}

/** A property of the protocol over the real manager. */
export interface PropertyDefinition<T> {
  /** Command-line name (`npm run prop -- --property NAME`), also the counterexample file prefix. */
  readonly name: string;
  /** One line: which docs/protocol.md invariant(s) it guards and how. */
  readonly guards: string;
  /** docs/protocol.md invariant numbers it guards. */
  readonly invariants: readonly number[];
  /** fast-check runs per vitest run (the CI budget). `npm run prop -- --runs N` goes deeper. */
  readonly defaultRuns: number;
  /** Planted bugs (BUG_ZOO or property/plantedBugs names) this property must catch; its test shows it does. */
  readonly catches: readonly string[];
  /** Least share of runs that must be {@link CaseVerdict.exercised} for a passing run to mean something. */
  readonly exercisedShareMin: number;
  /**
   * A fresh arbitrary for one check. A function, not a value: fc.commands keeps replay state
   * in its arbitrary, which must not leak from one check into the next.
   */
  arbitrary(options?: ArbitraryOptions): fc.Arbitrary<T>;
  /** Runs one case. Throwing is a failure too (reported with the error). */
  check(value: T, context: PropertyContext): CaseVerdict | Promise<CaseVerdict>;
  /** Builds the counterexample file and its replay commands. */
  counterexample(value: T, context: CounterexampleContext): Counterexample;
}
