/**
 * Problems the properties found outside property/ that are not fixed yet, each pinned by
 * a deterministic replay. knownIssues.test.ts asserts each still reproduces: when one is
 * fixed that test fails, and the entry (and any `blocks`) should be deleted. A blocked
 * property's CI run is skipped (visibly) while its issue is open; `npm run prop` still
 * runs it in full, so the issue stays in plain sight.
 */
import { readFileSync } from "node:fs";
import { findPlantedBug } from "../../sim/bugZoo/bugZoo.ts";
import { runSimulation } from "../../sim/runSimulation.ts";
import { loadScenario } from "../../sim/scenario/loadScenario.ts";
import type { ScenarioInput } from "../../sim/scenario/scenarioSchema.ts";
import { checkProperty } from "../harness/checkProperty.ts";
import { runReproCommand } from "../harness/runReproCommand.ts";
import { concurrentStartsProperty } from "../properties/interleavingProperties.ts";
import { slowConsumerProperty } from "../properties/slowConsumerProperty.ts";

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

const SLOW_CONSUMER_FIXTURE = "property/knownIssues/slowConsumerOtherDeviceAcks.json";

/** See the module comment. */
export const KNOWN_ISSUES: readonly KnownIssue[] = [
  {
    id: "checker-own-start-attribution-under-skew",
    owner: "protocol/checker",
    summary:
      "False positive run_started_first (missing_start): device B connects just after run X started (its connected last_seq covers X's agent_started), sends its own start_agent, then receives X's next event before device A has received X's agent_started. attributeRunsToOwnStarts assumes some connection observed X first, so it blames the server. Cross-connection delivery skew is real (two phones on two networks).",
    replay: "npm run prop -- --property race-concurrent-starts --seed=1683663799 --path 6:0",
    blocks: ["race-concurrent-starts"],
    async reproduces() {
      const { report } = await checkProperty(concurrentStartsProperty, { seed: 1_683_663_799, path: "6:0", directory: "results/property-counterexamples/known-issues" });
      return !report.ok && /missing_start/.test(report.failure ?? "");
    },
  },
  {
    id: "manager-slow-consumer-events-trimmed-by-other-device",
    owner: "server/manager (or PROTOCOL.md, if acks are meant to be per user)",
    summary:
      "PROTOCOL.md says a slow consumer's events stay in the replay buffer for resume, but the manager trims the buffer to the lowest ack of the OPEN connections only: once a user's other device acks, the cut device's resume gets resync_required (announced loss, so the checker passes). The slow-consumer property therefore runs with one device per user.",
    replay: `npm run prop -- --property slow-consumer --scenario ${SLOW_CONSUMER_FIXTURE} --seed 0`,
    blocks: [],
    async reproduces() {
      const scenario = JSON.parse(readFileSync(SLOW_CONSUMER_FIXTURE, "utf8")) as ScenarioInput;
      const verdict = await slowConsumerProperty.check({ seed: 0, scenario }, { plant: undefined });
      return /resync_required/.test(verdict.failure ?? "");
    },
  },
  {
    id: "bugzoo-cross-user-leak-cache-shared-across-simulations",
    owner: "sim/bugZoo",
    summary:
      "The cross-user-leak plant builds its frame cache once, at module load, and every simulation in the process shares it: a later simulation is served stale frames of an earlier one (another epoch), so the same seed and scenario pass or fail depending on what ran before in the process (sweeps with --plant cross-user-leak are order-dependent), and a counterexample shrunk in-process may not replay in a fresh one. Fix: build the cache per manager (a part factory).",
    replay: "npm run sim -- --seed 3 --scenario scenarios/golden-path.json --faults off --plant cross-user-leak passes; the same run fails in-process after multi-user-isolation seed 1 ran",
    blocks: [],
    unreliableReprosOf: ["cross-user-leak"],
    async reproduces() {
      const plant = findPlantedBug("cross-user-leak");
      if (plant === undefined) return false;
      const fresh = await runReproCommand("npm run sim -- --seed 3 --scenario scenarios/golden-path.json --faults off --plant cross-user-leak --out results/property-counterexamples/known-issues");
      runSimulation(loadScenario("scenarios/multi-user-isolation.json"), { seed: 1, plant });
      const polluted = runSimulation({ ...loadScenario("scenarios/golden-path.json"), faults: "off" }, { seed: 3, plant });
      return fresh.exitCode === 0 && polluted.outcome === "safety";
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
