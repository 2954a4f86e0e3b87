/**
 * The arbitraries themselves: every generated scenario is valid (through parseScenario,
 * within the bounds), and shrinking goes where it should — toward fewer, earlier,
 * simpler faults and the smallest scenario — so a failure ends as the fewest faults that
 * still break it.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseScenario } from "../sim/scenario/loadScenario.ts";
import type { ScenarioInput } from "../sim/scenario/scenarioSchema.ts";
import { faultScheduleArbitrary, FAULT_KINDS_SIMPLEST_FIRST } from "./arbitraries/faultScheduleArbitrary.ts";
import { scenarioArbitrary } from "./arbitraries/scenarioArbitrary.ts";
import { SCENARIO_PROPERTIES } from "./properties/allProperties.ts";

describe("scenario arbitraries", () => {
  it.each(SCENARIO_PROPERTIES.map((property) => [property.name, property] as const))("%s draws valid scenarios within the bounds", (_name, property) => {
    for (const simCase of fc.sample(property.arbitrary(), { numRuns: 60 })) {
      const scenario = parseScenario(simCase.scenario, "sample");
      expect(scenario.users).toBeGreaterThanOrEqual(1);
      expect(scenario.users).toBeLessThanOrEqual(5);
      const devices = Array.isArray(scenario.devicesPerUser) ? scenario.devicesPerUser : [scenario.devicesPerUser];
      expect(devices.every((count) => count >= 1 && count <= 3)).toBe(true);
      for (const fault of scenario.faultSchedule ?? []) {
        expect(fault.atMs).toBeLessThan(scenario.faultPhaseMs);
        if (fault.device === undefined) continue;
        const [userIndex, deviceIndex] = fault.device.split(".").map(Number) as [number, number];
        expect(userIndex).toBeLessThan(scenario.users);
        expect(deviceIndex).toBeLessThan(devices[userIndex] as number);
      }
    }
  });

  it("shrinks a scenario that always fails to one user, one device, one run, one step, no fault", () => {
    const details = fc.check(fc.property(scenarioArbitrary({ name: "shrink", usersMax: 5, devicesMax: 3 }), () => false), { seed: 42 });
    const scenario = details.counterexample?.[0] as ScenarioInput | undefined;
    expect(scenario).toMatchObject({ users: 1, devicesPerUser: [1], runsPerUser: 1, startWindowMs: 0, faultSchedule: [] });
    expect(scenario?.agentScripts).toHaveLength(1);
    expect(scenario?.agentScripts?.[0]?.steps).toHaveLength(1);
  });
});

describe("fault schedule arbitrary", () => {
  const schedules = faultScheduleArbitrary({ phaseMs: 5_000, faultsMax: 8, usersMax: 3, devicesMax: 3 });

  it("keeps faults sorted by time and devices within the slots", () => {
    for (const schedule of fc.sample(schedules, { numRuns: 100 })) {
      expect(schedule.map((fault) => fault.atMs)).toEqual([...schedule.map((fault) => fault.atMs)].sort((left, right) => left - right));
      for (const fault of schedule) if (fault.device !== undefined) expect(fault.device).toMatch(/^[0-2]\.[0-2]$/);
    }
  });

  it("shrinks toward the fewest, earliest faults on the first device", () => {
    const details = fc.check(fc.property(schedules, (schedule) => schedule.filter((fault) => fault.fault === "restart").length < 2), { seed: 7 });
    expect(details.counterexample?.[0]).toEqual([
      { atMs: 0, fault: "restart" },
      { atMs: 0, fault: "restart" },
    ]);
  });

  it("shrinks toward the simplest kind when any fault fails", () => {
    const details = fc.check(fc.property(schedules, (schedule) => schedule.length === 0), { seed: 11 });
    expect(details.counterexample?.[0]).toEqual([{ atMs: 0, fault: FAULT_KINDS_SIMPLEST_FIRST[0], device: "0.0" }]);
  });
});
