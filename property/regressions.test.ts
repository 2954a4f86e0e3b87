/**
 * Counterexamples the properties found, kept as regression tests once fixed. Each
 * replays its pinned scenario and must now hold.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ScenarioInput } from "../sim/scenario/scenarioSchema.ts";
import { safetyProperty } from "./properties/safetyProperty.ts";
import { slowConsumerProperty } from "./properties/slowConsumerProperty.ts";

describe("regressions found by the properties", () => {
  it("a device cut off as a slow consumer resumes losslessly although the user's other device acks (manager departedHoldMs)", async () => {
    const scenario = JSON.parse(readFileSync("property/knownIssues/slowConsumerOtherDeviceAcks.json", "utf8")) as ScenarioInput;
    const verdict = await slowConsumerProperty.check({ seed: 0, scenario }, { plant: undefined });
    expect(verdict.failure).toBeUndefined();
    expect(verdict.exercised).toBe(true);
  });

  it("a run that outlives a restart is not blamed for a missing start when its device re-sends start_agent (checker: runFirstEpoch)", async () => {
    const scenario = JSON.parse(readFileSync("property/regressions/safetyRunAcrossRestart.json", "utf8")) as ScenarioInput;
    const verdict = await safetyProperty.check({ seed: 68_412_212, scenario }, { plant: undefined });
    expect(verdict.failure).toBeUndefined();
  });
});
