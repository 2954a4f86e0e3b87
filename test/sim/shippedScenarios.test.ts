/**
 * Every shipped scenario is valid, exercises what it claims, and passes on the real
 * manager for a handful of seeds (the 1000-seed sweep is `npm run sim -- --scenario all
 * --seeds 1..1000`; CI runs 50 per scenario).
 */
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runSimulation } from "../../sim/runSimulation.ts";
import { loadScenario } from "../../sim/scenario/loadScenario.ts";

const files = readdirSync("scenarios").filter((name) => name.endsWith(".json")).sort();

describe("shipped scenarios", () => {
  it("ship the seven the toolkit promises, and more", () => {
    for (const name of ["golden-path", "multi-user-isolation", "reconnect-storm", "slow-consumers", "tool-failures", "long-running-agent", "burst"]) {
      expect(files).toContain(`${name}.json`);
    }
  });

  it.each(files)("%s passes seeds 1-5 with every invariant checked", (file) => {
    const scenario = loadScenario(`scenarios/${file}`);
    for (let seed = 1; seed <= 5; seed += 1) {
      const result = runSimulation(scenario, { seed });
      const first = result.verdict?.safety[0] ?? result.verdict?.liveness[0];
      expect(result.outcome, `seed ${seed}: ${first?.message ?? result.livenessReason ?? result.crash ?? ""}`).toBe("pass");
      expect(result.totals.runsCompleted).toBe(result.totals.runsRequested);
      expect(result.verdict?.counts.events).toBeGreaterThan(0);
    }
  });

  it("exercise what they are named after", () => {
    const faultsOf = (file: string, seeds: number) => {
      const totals: Record<string, number> = {};
      const decisions = new Set<string>();
      for (let seed = 1; seed <= seeds; seed += 1) {
        runSimulation(loadScenario(`scenarios/${file}`), {
          seed,
          onTraceLine: (line) => {
            const parsed = JSON.parse(line) as { kind: string; fault?: string; decision?: string };
            if (parsed.kind === "fault" && parsed.fault !== undefined) totals[parsed.fault] = (totals[parsed.fault] ?? 0) + 1;
            if (parsed.kind === "decision" && parsed.decision !== undefined) decisions.add(parsed.decision);
          },
        });
      }
      return { totals, decisions };
    };
    expect(faultsOf("reconnect-storm.json", 5).totals.storm).toBeGreaterThan(0);
    expect(faultsOf("server-restarts.json", 5).totals.restart).toBeGreaterThan(0);
    const slow = faultsOf("slow-consumers.json", 5);
    expect(slow.decisions).toContain("slow_consumer");
    expect(slow.decisions).toContain("resync_required");
    const long = runSimulation(loadScenario("scenarios/long-running-agent.json"), { seed: 1 });
    expect(long.verdict?.timing.find((timing) => timing.name === "timing_thinking_interval")).toMatchObject({ ok: true });
    expect(long.verdict?.counts.eventsByType.agent_thinking).toBeGreaterThan(10);
  });
});
