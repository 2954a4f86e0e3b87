/** The result of running one property, as data (formatPropertyReport.ts turns it into text). */

/** See the module comment. */
export interface PropertyReport {
  property: string;
  guards: string;
  /** The planted bug injected, or null for the real system. */
  plant: string | null;
  /** True when the property held for every run. */
  ok: boolean;
  /** Runs before the failure (the failing one included), or every run when it held. */
  numRuns: number;
  numShrinks: number;
  /** Cases that reached the situation the property is about (counted over the runs before any failure). */
  exercisedRuns: number;
  fastCheck: { seed: number; path: string | null };
  /** Why the shrunk counterexample fails; null when the property held. */
  failure: string | null;
  /** Where the shrunk counterexample was written; null when the property held. */
  counterexampleFile: string | null;
  counterexampleSummary: string | null;
  /** Commands that replay the counterexample, first the one to paste. */
  replay: string[];
  /** Wall time of the check, ms (display only). */
  elapsedMs: number;
}
