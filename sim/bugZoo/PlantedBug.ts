/**
 * A planted bug: a broken replacement part injected from outside the system under
 * test (STYLE rule 3: no flag inside the manager). The bug zoo proves the checkers
 * catch each class: `npm run sim -- --plant <name> --seed N`.
 */
import type { AgentEventDraft } from "../../protocol/frames.ts";
import type { ManagerParts } from "../../server/manager/createConnectionManager.ts";
import type { Scheduler } from "../../server/ports/scheduler.ts";
import type { SimBrokerParts } from "../cluster/createSimBroker.ts";
import type { SimLeaseParts } from "../cluster/createSimRunLeases.ts";

/** The runtime's publish port, which a planted bug may wrap. */
export type PublishPort = (userId: string, draft: AgentEventDraft) => void;

/** One bug class. */
export interface PlantedBug {
  /** Short name used on the command line. */
  name: string;
  /** The real-world bug it reproduces, in one sentence. */
  description: string;
  /** The invariant the checker should name when it catches it. */
  expectedInvariant: string;
  /** A scenario (file name under scenarios/) and fault level in which it shows quickly. */
  scenario: string;
  /** Broken manager parts. */
  parts?: ManagerParts;
  /** Broken parts of the multi-instance topology (the shared broker, the run leases); used only with `instances` >= 2. */
  cluster?: { broker?: SimBrokerParts; leases?: SimLeaseParts };
  /** A broken wrapper around the runtime's publish port. */
  wrapPublish?: (publish: PublishPort, context: { scheduler: Scheduler }) => PublishPort;
}
