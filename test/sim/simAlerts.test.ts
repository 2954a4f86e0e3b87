/**
 * The simulator's "would have alerted: …" verdict (sim/alerts/): the checklist's four
 * conditions with monitoring/alerts.yml's thresholds, judged on the run's own counters. A
 * planted 70 s stall (scenarios/stalled-run.json) fires AgentWsRunSilent and nothing else;
 * healthy seeds fire nothing; the threshold is the rule's (quiet at 59 s of silence, fired at
 * 60 s); the verdict is the same for the same seed; the command line prints the line and
 * writes the field.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../sim/cli.ts";
import { runCliInProcess } from "../cliKit/runCliInProcess.ts";
import { ALERT_CONDITIONS, RUN_SILENCE_FIRES_MS } from "../../server/monitoring/alertConditions.ts";
import { judgeSimAlerts, wouldHaveAlertedLine } from "../../sim/alerts/judgeSimAlerts.ts";
import type { SimAlertCounters } from "../../sim/alerts/SimAlertVerdict.ts";
import { runSimulation } from "../../sim/runSimulation.ts";
import { loadScenario } from "../../sim/scenario/loadScenario.ts";
import type { Scenario } from "../../sim/scenario/scenarioSchema.ts";

const stalled = loadScenario("scenarios/stalled-run.json");
const STALL = ALERT_CONDITIONS.runSilent.alert;

/** stalled-run with its hung tool lasting `toolMs`. */
function stalledFor(toolMs: number): Scenario {
  const [script] = stalled.agentScripts;
  if (script === undefined) throw new Error("stalled-run has no agent script");
  const steps = script.steps.map((step) => (step.kind === "tool" ? { ...step, durationMs: toolMs } : step));
  return { ...stalled, agentScripts: [{ ...script, steps }] };
}

const states = (result: ReturnType<typeof runSimulation>) => Object.fromEntries(result.alerts.conditions.map((condition) => [condition.alert, condition.state]));

describe("simulator alert verdict", () => {
  const out = mkdtempSync(join(tmpdir(), "sim-alerts-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("a planted 70 s stall fires the stall alert and nothing else", () => {
    for (const seed of [1, 2, 3]) {
      const result = runSimulation(stalled, { seed });
      expect(result.outcome).toBe("pass");
      expect(result.alerts.fired, `seed ${seed}`).toEqual([STALL]);
      expect(result.alerts.counters.runSilenceMsMax).toBeGreaterThanOrEqual(70_000);
      expect(states(result)).toEqual({
        AgentWsRunSilent: "fired",
        AgentWsDeliveryFailureRate: "quiet",
        AgentWsConnectionPoolExhausted: "quiet",
        AgentWsEventQueueGrowth: "not_judged",
      });
      // The checker saw the same silence from the client side.
      expect(result.verdict?.timing.find((timing) => timing.name === "timing_thinking_interval")?.observed).toBeGreaterThanOrEqual(70_000);
    }
  });

  it("healthy seeds fire nothing, faults and all", () => {
    for (const file of ["golden-path", "reconnect-storm", "long-running-agent"]) {
      for (const seed of [1, 2, 3, 4, 5]) {
        const result = runSimulation(loadScenario(`scenarios/${file}.json`), { seed });
        expect(result.alerts.fired, `${file} seed ${seed}`).toEqual([]);
        expect(result.alerts.counters.runSilenceMsMax).toBeLessThan(RUN_SILENCE_FIRES_MS);
        expect(result.alerts.conditions.map((condition) => condition.alert)).toEqual(["AgentWsRunSilent", "AgentWsDeliveryFailureRate", "AgentWsConnectionPoolExhausted", "AgentWsEventQueueGrowth"]);
      }
    }
  });

  it("uses the rule's threshold: 59 s of silence stays quiet, 60 s fires", () => {
    expect(RUN_SILENCE_FIRES_MS).toBe(60_000);
    const quiet = runSimulation(stalledFor(59_000), { seed: 1 });
    expect(quiet.alerts.counters.runSilenceMsMax).toBe(59_000);
    expect(quiet.alerts.fired).toEqual([]);
    const fired = runSimulation(stalledFor(60_000), { seed: 1 });
    expect(fired.alerts.counters.runSilenceMsMax).toBe(60_000);
    expect(fired.alerts.fired).toEqual([STALL]);
  });

  it("is a deterministic function of the seed", () => {
    const scenario = loadScenario("scenarios/reconnect-storm.json");
    expect(JSON.stringify(runSimulation(scenario, { seed: 9 }).alerts)).toBe(JSON.stringify(runSimulation(scenario, { seed: 9 }).alerts));
  });

  it("says 'not judged' with the numbers when sends failed or the pool filled, never a guess", () => {
    const healthy: SimAlertCounters = { runSilenceMsMax: 1_500, sendAttempts: 400, sendFailures: 0, poolRefusals: 0, connectionsPeak: 3, connectionsMax: 10, replayEventsAtEnd: 40, replayBytesAtEnd: 9_000, durationMs: 20_000 };
    expect(wouldHaveAlertedLine(judgeSimAlerts(healthy))).toBe("would have alerted: nothing");
    const failing = judgeSimAlerts({ ...healthy, sendFailures: 40, connectionsPeak: 10, poolRefusals: 2 });
    expect(failing.fired).toEqual([]);
    expect(failing.conditions[1]).toMatchObject({ state: "not_judged", detail: expect.stringContaining("40 of 400 sends failed (10.00 % over the run)") });
    expect(failing.conditions[2]).toMatchObject({ state: "not_judged", detail: expect.stringContaining("at most 10 of connectionsMax 10 open, 2 upgrade(s) refused") });
    const stall = judgeSimAlerts({ ...healthy, runSilenceMsMax: 70_000 });
    expect(wouldHaveAlertedLine(stall)).toBe(`would have alerted: ${STALL}`);
  });

  it("the command line prints the line and writes the summary field", async () => {
    const run = await runCliInProcess(main, ["--seed", "1", "--scenario", "scenarios/stalled-run.json", "--out", out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split("\n").filter((line) => line.includes("would have alerted:"))).toEqual([`  would have alerted: ${STALL}`]);
    expect(run.stdout).toMatch(/✗ fired +AgentWsRunSilent +a run in flight went 70\.0 s without an event/);
    const summary = JSON.parse(readFileSync(join(out, "sim-stalled-run-seed1", "summary.json"), "utf8")) as { alerts: { fired: string[] } };
    expect(summary.alerts.fired).toEqual([STALL]);
  });
});
