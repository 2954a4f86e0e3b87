/**
 * The per-scenario pass/fail table of a sweep: seeds run, passed, failed, and the first
 * failing seed (in seed order) with the line that reproduces it. The sweep CLI prints it
 * and writes it into the sweep summary (`perScenario`); the report draws it.
 */

/** One scenario's row. */
export interface ScenarioRow {
  /** The scenario file, as given (e.g. scenarios/golden-path.json). */
  scenario: string;
  seeds: number;
  passed: number;
  failed: number;
  firstFailingSeed: number | null;
  /** The one-line repro of {@link ScenarioRow.firstFailingSeed}. */
  firstFailingRepro: string | null;
}

/** A table being filled, one seed at a time. */
export interface ScenarioTally {
  /** Counts one seed of the scenario at `scenarioIndex`; give seeds in seed order so "first" means the lowest. */
  add(scenarioIndex: number, seed: { seed: number; passed: boolean; repro: string }): void;
  /** The rows, one per scenario in the order given (scenarios with no seed run yet have zeros). */
  rows(): ScenarioRow[];
}

/** An empty table over `scenarioPaths`. */
export function createScenarioTally(scenarioPaths: readonly string[]): ScenarioTally {
  const rows: ScenarioRow[] = scenarioPaths.map((scenario) => ({ scenario, seeds: 0, passed: 0, failed: 0, firstFailingSeed: null, firstFailingRepro: null }));
  return {
    add(scenarioIndex, seed) {
      const row = rows[scenarioIndex];
      if (row === undefined) throw new Error(`scenario tally: no scenario #${scenarioIndex}`);
      row.seeds += 1;
      if (seed.passed) {
        row.passed += 1;
        return;
      }
      row.failed += 1;
      if (row.firstFailingSeed === null) {
        row.firstFailingSeed = seed.seed;
        row.firstFailingRepro = seed.repro;
      }
    },
    rows: () => rows.map((row) => ({ ...row })),
  };
}
