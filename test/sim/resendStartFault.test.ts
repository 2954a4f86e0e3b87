/**
 * The `resend_start` fault kind (sim/faults/kinds/resendStart.ts): a device re-sends its
 * latest start_agent, same request_id, as a client that did not see agent_started before a
 * drop does. The protocol says one run per request_id; the simulation counts runs per
 * request (runSimulation.ts) and a second run is a safety failure. One instance: the
 * runtime's own memory dedups. Several instances: the re-send may land on another
 * instance, and only the broker's request claims (server/ports/requestClaims.ts, the
 * simulated broker's `claimRequest`) keep it to one run; a broker whose claims always win
 * (the real server before the claims existed) is caught.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { PlantedBug } from "../../sim/bugZoo/PlantedBug.ts";
import { runSimulation } from "../../sim/runSimulation.ts";
import { parseScenario } from "../../sim/scenario/loadScenario.ts";

const churn = JSON.parse(readFileSync("scenarios/multi-instance-churn.json", "utf8")) as { faults: Record<string, number> } & Record<string, unknown>;
const resending = { ...churn, name: "multi-instance-resend", faults: { ...churn.faults, resendStartPerMille: 60 } };
const claimsAlwaysWin: PlantedBug = {
  name: "claims-always-win",
  description: "Several instances without shared request claims: each instance only remembers the request ids it saw itself.",
  expectedInvariant: "script_fidelity",
  scenario: "multi-instance-churn",
  cluster: { broker: { claimRequest: () => "won" } },
};

function run(scenario: unknown, seed: number, plant?: PlantedBug) {
  const lines: string[] = [];
  const result = runSimulation(parseScenario(scenario, "resend.json"), { seed, onTraceLine: (line) => lines.push(line), ...(plant === undefined ? {} : { plant }) });
  return { result, resends: lines.filter((line) => line.includes('"fault":"resend_start"')).length };
}

describe("resend_start", () => {
  it("three instances with shared claims: starts re-sent on any instance start no second run", () => {
    let resends = 0;
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const { result, resends: count } = run(resending, seed);
      resends += count;
      expect(result.scriptFidelity, `seed ${seed}`).toEqual([]);
      expect(result.outcome, `seed ${seed}`).toBe("pass");
    }
    expect(resends).toBeGreaterThan(20);
  });

  it("one instance: the runtime's own memory dedups", () => {
    for (const seed of [1, 2, 3]) {
      // One instance makes no request claims, so no claim answer can be lost.
      const { result, resends } = run({ ...resending, instances: 1, faults: { ...resending.faults, claimAnswerLostPerMille: 0 } }, seed);
      expect(resends).toBeGreaterThan(0);
      expect(result.outcome, `seed ${seed}`).toBe("pass");
    }
  });

  it("catches instances whose claims always win: a second run of one request_id fails the run", () => {
    const caught = [1, 2, 3, 4, 5, 6].map((seed) => run(resending, seed, claimsAlwaysWin).result).filter((result) => result.outcome === "safety");
    expect(caught.length).toBeGreaterThan(0);
    expect(caught[0]?.scriptFidelity?.[0]?.message).toMatch(/started a second run .*: the same request_id must start one run only/);
  });
});
