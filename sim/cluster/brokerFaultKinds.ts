/**
 * The fault kinds that act on several instances through the simulated broker (registered
 * in sim/faults/faultKinds.ts like every kind): a scenario may set their rates only with
 * `instances` >= 2.
 */
import { failover } from "../faults/kinds/failover.ts";
import { feedDelay } from "../faults/kinds/feedDelay.ts";
import { feedReorder } from "../faults/kinds/feedReorder.ts";
import { instanceCrash } from "../faults/kinds/instanceCrash.ts";
import { partition } from "../faults/kinds/partition.ts";

/** The broker fault kinds, in their tick order. */
export const BROKER_FAULT_KINDS = [failover, instanceCrash, partition, feedDelay, feedReorder] as const;
