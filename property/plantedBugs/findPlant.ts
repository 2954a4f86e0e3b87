/** Looks a planted bug up by name in the sim's BUG_ZOO, then in property/plantedBugs. */
import { BUG_ZOO } from "../../sim/bugZoo/bugZoo.ts";
import type { PlantedBug } from "../../sim/bugZoo/PlantedBug.ts";
import { PROPERTY_PLANTED_BUGS } from "./propertyPlantedBugs.ts";

/** Every plant a property can be run with: BUG_ZOO first. */
export const ALL_PLANTED_BUGS: readonly PlantedBug[] = [...BUG_ZOO, ...PROPERTY_PLANTED_BUGS];

/** The planted bug named `name`, or undefined. */
export function findPlant(name: string): PlantedBug | undefined {
  return ALL_PLANTED_BUGS.find((bug) => bug.name === name);
}
