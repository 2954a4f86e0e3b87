/**
 * Simulator cases: a generated scenario (see scenarioArbitrary.ts) and a simulator
 * seed that shrinks toward 0. This is what every simulator property draws.
 */
import fc from "fast-check";
import type { SimCase } from "../harness/SimCase.ts";
import { scenarioArbitrary, type ScenarioArbitraryOptions } from "./scenarioArbitrary.ts";

/** Largest seed `npm run sim -- --seed` accepts. */
const SIM_SEED_MAX = 2 ** 32 - 1;

/** A {@link SimCase} drawn with `options` (see ScenarioArbitraryOptions). */
export function simCaseArbitrary(options: ScenarioArbitraryOptions): fc.Arbitrary<SimCase> {
  return fc.record({ seed: fc.nat({ max: SIM_SEED_MAX }), scenario: scenarioArbitrary(options) });
}
