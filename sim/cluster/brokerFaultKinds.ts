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
import { claimAnswerLost } from "../faults/kinds/claimAnswerLost.ts";

/** The broker fault kinds, in their tick order. */
export const BROKER_FAULT_KINDS = [failover, instanceCrash, partition, feedDelay, feedReorder] as const;

/**
 * The rate fields a scenario may set above 0 only with `instances` >= 2: the broker fault
 * kinds' and claim_answer_lost's (a plan-only kind: one instance makes no request claims).
 */
export const CLUSTER_ONLY_RATE_FIELDS: readonly string[] = [...BROKER_FAULT_KINDS, claimAnswerLost].flatMap((kind) =>
  Object.keys(kind.planFields).filter((field) => field.endsWith("PerMille")),
);
