/**
 * Problems the properties found outside property/ that are not fixed yet, each pinned by
 * a deterministic replay. knownIssues.test.ts asserts each still reproduces: when one is
 * fixed that test fails, and the entry (and any `blocks`) should be deleted. A blocked
 * property's CI run is skipped (visibly) while its issue is open; `npm run prop` still
 * runs it in full, so the issue stays in plain sight.
 */

import { runSimulation } from "../../sim/runSimulation.ts";
import { loadScenario } from "../../sim/scenario/loadScenario.ts";

/** One open issue. */
export interface KnownIssue {
  id: string;
  /** Who owns the fix. */
  owner: string;
  summary: string;
  /** The command that shows it. */
  replay: string;
  /** Properties whose vitest run is skipped while the issue is open. */
  blocks: readonly string[];
  /** Planted bugs whose shrunk repro may not replay in a fresh process while the issue is open. */
  unreliableReprosOf?: readonly string[];
  /** Replays the pinned counterexample; true while the issue is still there. */
  reproduces(): Promise<boolean>;
}

/** See the module comment. */
export const KNOWN_ISSUES: readonly KnownIssue[] = [
  {
    id: "claim-of-a-dead-instance-blocks-early-resends",
    owner: "issue 15",
    summary:
      "Several instances: an instance claims a start_agent's request id (server/ports/requestClaims.ts) and dies before its run begins; " +
      "the client re-sends the start on its next connection, but while the dead instance's lease has not expired yet the claim is refused, " +
      "and a client that re-sends only on reconnect never sends it again: the run never starts (liveness). " +
      "A re-send after the lease expired wins (createRedisRequestClaims.ts). Fix next: keep the start frame with the claim so a survivor's lease sweep starts it.",
    replay: "npm run sim -- --seed 902 --scenario scenarios/multi-instance-broker-faults.json",
    blocks: [],
    reproduces: async () => {
      const scenario = loadScenario("scenarios/multi-instance-broker-faults.json");
      const result = runSimulation(scenario, { seed: 902 });
      return result.outcome === "liveness" && (result.livenessReason ?? "").includes("not started");
    },
  },
];

/** The open issue that makes `plantName`'s repro unreliable, or undefined. */
export function unreliableReproIssue(plantName: string): KnownIssue | undefined {
  return KNOWN_ISSUES.find((issue) => issue.unreliableReprosOf?.includes(plantName) === true);
}

/** The open issue that blocks `propertyName`'s CI run, or undefined. */
export function blockingIssue(propertyName: string): KnownIssue | undefined {
  return KNOWN_ISSUES.find((issue) => issue.blocks.includes(propertyName));
}
