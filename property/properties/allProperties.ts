/**
 * Every property, as `npm run prop` lists and runs them: the simulator properties (one
 * per docs/protocol.md invariant or Delivery rule), the whole-protocol safety properties the bug
 * zoo uses (one instance, and several on one broker), the model-based test and the fc.scheduler races.
 */
import type { PropertyDefinition } from "../harness/PropertyDefinition.ts";
import type { SimCase } from "../harness/SimCase.ts";
import { INTERLEAVING_PROPERTIES } from "./interleavingProperties.ts";
import { managerModelProperty } from "./managerModelProperty.ts";
import { multiInstanceSafetyProperty } from "./multiInstanceSafetyProperty.ts";
import { safetyProperty } from "./safetyProperty.ts";
import { SIM_PROPERTIES } from "./simProperties.ts";

/**
 * A property of any value type. `any` is deliberate: a registry holds properties over
 * different values, and each is only ever run with its own arbitrary.
 */
export type AnyPropertyDefinition = PropertyDefinition<any>;

/** Properties over simulator cases: they can also judge a scenario file (`--scenario`). */
export const SCENARIO_PROPERTIES: readonly PropertyDefinition<SimCase>[] = [...SIM_PROPERTIES, safetyProperty, multiInstanceSafetyProperty];

/** See the module comment. */
export const ALL_PROPERTIES: readonly AnyPropertyDefinition[] = [...SCENARIO_PROPERTIES, managerModelProperty, ...INTERLEAVING_PROPERTIES];

/** The property named `name`, or undefined. */
export function findProperty(name: string): AnyPropertyDefinition | undefined {
  return ALL_PROPERTIES.find((property) => property.name === name);
}
