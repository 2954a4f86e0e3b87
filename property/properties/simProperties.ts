/** Every simulator property, in docs/protocol.md order (the CLI and the bug-zoo table list them in this order). */
import type { PropertyDefinition } from "../harness/PropertyDefinition.ts";
import type { SimCase } from "../harness/SimCase.ts";
import { completenessProperty } from "./completenessProperty.ts";
import { contentProperty } from "./contentProperty.ts";
import { exactlyOnceProperty } from "./exactlyOnceProperty.ts";
import { isolationProperty } from "./isolationProperty.ts";
import { replayOverflowProperty } from "./replayOverflowProperty.ts";
import { runOrderProperty } from "./runOrderProperty.ts";
import { slowConsumerProperty } from "./slowConsumerProperty.ts";
import { toolPairingProperty } from "./toolPairingProperty.ts";

/** See the module comment. */
export const SIM_PROPERTIES: readonly PropertyDefinition<SimCase>[] = [
  runOrderProperty,
  toolPairingProperty,
  contentProperty,
  isolationProperty,
  exactlyOnceProperty,
  completenessProperty,
  replayOverflowProperty,
  slowConsumerProperty,
];
