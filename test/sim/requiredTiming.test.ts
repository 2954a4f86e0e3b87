/**
 * Timing budgets a scenario marks as required fail the run (outcome `timing`, exit 1)
 * where no fault can explain a miss; unmarked ones are only reported.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../sim/cli.ts";
import { runCliInProcess } from "../cliKit/runCliInProcess.ts";
import { runSimulation } from "../../sim/runSimulation.ts";
import { parseScenario } from "../../sim/scenario/loadScenario.ts";
import type { ScenarioInput } from "../../sim/scenario/scenarioSchema.ts";

/** A runtime whose silence heartbeat drifted to 2.5 s, on a script that thinks for 6 s. */
const drifted: ScenarioInput = {
  name: "drifted-heartbeat",
  description: "The runtime's silence heartbeat drifted past the 2 s thinking budget.",
  users: 1,
  runsPerUser: 2,
  scripts: ["ponder"],
  agentScripts: [
    {
      name: "ponder",
      agentType: "thinker",
      steps: [{ kind: "think", content: "Thinking for a long time.", durationMs: 6_000 }],
      finalResponse: "Done.",
    },
  ],
  startWindowMs: 1_000,
  faultPhaseMs: 2_000,
  runtimeLimits: { thinkingIntervalMs: 2_500 },
  budgets: { required: ["timing_thinking_interval"] },
  faults: "off",
};

describe("required timing budgets", () => {
  it("fail a run whose thinking interval drifted to 2.5 s, and only when the scenario requires it", () => {
    const failing = runSimulation(parseScenario(drifted, "drifted"), { seed: 1 });
    expect(failing.outcome).toBe("timing");
    expect(failing.verdict?.ok).toBe(true);
    expect(failing.requiredTiming?.failed.map((missed) => missed.name)).toEqual(["timing_thinking_interval"]);
    expect(failing.requiredTiming?.failed[0]?.observed).toBe(2_500);
    const reported = runSimulation(parseScenario({ ...drifted, budgets: {} }, "drifted"), { seed: 1 });
    expect(reported.outcome).toBe("pass");
    expect(reported.verdict?.timing.find((row) => row.name === "timing_thinking_interval")?.ok).toBe(false);
  });

  it("judge a network-timed budget only in a run no network or server fault touched", () => {
    // A delivery budget of 0 ms is missed by every live event: judged without faults, not with them.
    const strict = { ...drifted, runtimeLimits: {}, budgets: { deliveryLatencyMsP99: 0, required: ["timing_delivery_latency"] } } satisfies ScenarioInput;
    const faultFree = runSimulation(parseScenario(strict, "strict"), { seed: 1 });
    expect(faultFree.outcome).toBe("timing");
    const faulty = runSimulation(parseScenario({ ...strict, faults: { dropPerMille: 1000, tickMs: 500 } }, "strict"), { seed: 1 });
    expect(faulty.totals.faults.drop).toBeGreaterThan(0);
    expect(faulty.requiredTiming?.judged).toEqual([]);
    expect(faulty.outcome).toBe("pass");
  });

  it("exit 1 from the command line, naming the budget", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sim-timing-"));
    writeFileSync(join(dir, "drifted.json"), JSON.stringify(drifted));
    const run = await runCliInProcess(main, ["--scenario", join(dir, "drifted.json"), "--out", join(dir, "out")]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("Status: FAILED (required timing budget)");
    expect(run.stdout).toMatch(/\[timing\] required budget timing_thinking_interval: \d+\/\d+ over the 2000 ms budget \(worst 2500 ms\)/);
  });

  it("reject an unknown budget name", () => {
    expect(() => parseScenario({ ...drifted, budgets: { required: ["timing_everything"] } } as unknown as ScenarioInput, "x.json")).toThrow(
      /x\.json: budgets\.required\.0: must be one of timing_start_latency, /,
    );
  });
});
