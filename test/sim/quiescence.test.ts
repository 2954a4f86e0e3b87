/**
 * The quiescence phase: after liveness, with clients still connected, virtual time runs
 * past every armed timer, so what a timer does after its run is seen and judged, and
 * what is still armed at the end is named.
 */
import { describe, expect, it } from "vitest";
import { findPlantedBug } from "../../sim/bugZoo/bugZoo.ts";
import type { PlantedBug } from "../../sim/bugZoo/PlantedBug.ts";
import { runSimulation } from "../../sim/runSimulation.ts";
import { loadScenario } from "../../sim/scenario/loadScenario.ts";

const goldenPath = loadScenario("scenarios/golden-path.json");

function kinds(result: ReturnType<typeof runSimulation>): string[] {
  return [...(result.verdict?.safety ?? []), ...(result.verdict?.liveness ?? [])].map((violation) => `${violation.invariant}/${violation.kind}`);
}

describe("quiescence", () => {
  it("runs past the armed timers of a passing run and names the heartbeat still armed for connected clients", () => {
    const result = runSimulation(goldenPath, { seed: 1 });
    expect(result.outcome).toBe("pass");
    expect(result.quiescence).not.toBeNull();
    expect(result.quiescence?.steps).toBeGreaterThan(0);
    expect(result.quiescence?.timersArmed).toEqual({ "manager.heartbeatOnTick": 1 });
  });

  it("fails a runtime whose deadline timer fires 300 s after the run completed (error_event and a second agent_completed)", () => {
    const plant = findPlantedBug("deadline-left-armed") as PlantedBug;
    const lines: string[] = [];
    const result = runSimulation(goldenPath, { seed: 1, plant, onTraceLine: (line) => lines.push(line) });
    expect(result.outcome).toBe("safety");
    expect(kinds(result)).toContain("run_completed_last/emitted_after_completed");
    expect(kinds(result)).toContain("run_completed_last/completed_twice");
    // The late events come after the liveness phase ended: only quiescence could see them.
    const endAtMs = (JSON.parse(lines.find((line) => line.includes('"kind":"end"')) as string) as { t: number }).t;
    const emits = lines.map((line) => JSON.parse(line) as { t: number; kind: string }).filter((line) => line.kind === "emit");
    expect(emits.at(-1)?.t).toBeGreaterThan(endAtMs + 250_000);
  });

  it("names a timer armed past the longest configured limit instead of waiting for it", () => {
    const plant: PlantedBug = {
      name: "ten-hour-timer",
      description: "A cleanup timer set for ten hours after each completion.",
      expectedInvariant: "none",
      scenario: "golden-path",
      wrapPublish: (publish, { scheduler }) => (userId, draft) => {
        publish(userId, draft);
        if (draft.type === "agent_completed") scheduler.after(36_000_000, () => undefined);
      },
    };
    const result = runSimulation(goldenPath, { seed: 1, plant });
    expect(result.outcome).toBe("pass");
    expect(result.quiescence?.advancedMs).toBeLessThan(36_000_000);
    expect(result.quiescence?.timersArmed["runtime timer of 36000000 ms"]).toBe(result.totals.runsCompleted);
  });

  it("does not run for a seed that did not settle", () => {
    const result = runSimulation({ ...goldenPath, budgets: { ...goldenPath.budgets, settleMs: 0 }, faultPhaseMs: 0, startWindowMs: 5_000 }, { seed: 1 });
    expect(result.outcome).toBe("liveness");
    expect(result.quiescence).toBeNull();
  });
});
