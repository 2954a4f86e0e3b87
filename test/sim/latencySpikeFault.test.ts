/**
 * The `latency_spike` fault kind (sim/faults/kinds/latencySpike.ts), added by following
 * docs/extending.md: it fires when a scenario sets its rate or schedules it, the network
 * really slows down for the spell and recovers, the server copes (the heartbeat closes
 * sockets whose pongs come too late, the devices resume, every invariant holds, every run
 * completes), and it is off by default: no seeded mix draws it.
 */
import { describe, expect, it } from "vitest";
import { buildTraceView } from "../../report/buildTraceView.ts";
import { createRandom } from "../../sim/core/createRandom.ts";
import { drawFaultPlan } from "../../sim/faults/drawFaultPlan.ts";
import { faultsInjected } from "../../sim/faults/faultsInjected.ts";
import { runSimulation } from "../../sim/runSimulation.ts";
import { parseScenario } from "../../sim/scenario/loadScenario.ts";
import { runHashed } from "../../sim/sweep/runSweepSeed.ts";

type TraceLine = { t: number; kind: string; [field: string]: unknown };

const base = {
  name: "latency-spikes",
  description: "Network-wide latency spikes during the fault phase.",
  users: 2,
  devicesPerUser: 2,
  runsPerUser: 2,
  scripts: ["golden-path"],
  startWindowMs: 3_000,
  faultPhaseMs: 10_000,
};

function run(scenario: unknown, seed: number) {
  const { result, lines } = runHashed(parseScenario(scenario, "latency-spikes.json"), seed, { keepLines: true });
  return { result, trace: lines.map((line) => JSON.parse(line) as TraceLine) };
}

describe("latency_spike", () => {
  it("fires at its per-tick rate, slows every frame for the spell, then restores the scenario's delay; every invariant holds", () => {
    const scenario = { ...base, faults: { latencySpikePerMille: 60, latencySpikeOneWayDelayMsMin: 300, latencySpikeOneWayDelayMsMax: 900, latencySpikeMs: 1_500 } };
    let spikes = 0;
    for (const seed of [1, 2, 3, 4]) {
      const { result, trace } = run(scenario, seed);
      expect(result.outcome, `seed ${seed}: ${result.livenessReason ?? ""} ${JSON.stringify(result.verdict?.safety[0] ?? null)}`).toBe("pass");
      const faultLines = trace.filter((line) => line.kind === "fault" && line["fault"] === "latency_spike");
      expect(result.totals.faults["latency_spike"] ?? 0).toBe(faultLines.length);
      expect(faultsInjected(result.totals.faults)).toBeGreaterThanOrEqual(faultLines.length);
      spikes += faultLines.length;
      const delays = trace.filter((line) => line.kind === "net_delay");
      for (const fault of faultLines) {
        expect(fault).toMatchObject({ oneWayDelayMsMin: 300, oneWayDelayMsMax: 900, ms: 1_500 });
        expect(delays.some((line) => line.t === fault.t && line["oneWayDelayMsMin"] === 300 && line["oneWayDelayMsMax"] === 900)).toBe(true);
      }
      // Overlapping spells extend each other; after the last one the scenario's own delay (1-8 ms) is back.
      if (faultLines.length > 0) expect(delays.at(-1)).toMatchObject({ oneWayDelayMsMin: 1, oneWayDelayMsMax: 8 });
    }
    expect(spikes).toBeGreaterThan(0);
  });

  it("slows frames for real: a run's events reach the devices far later during a spike than without one", () => {
    const calm = runSimulation(parseScenario({ ...base, faults: "off" }, "calm.json"), { seed: 7 });
    const spiked = runSimulation(
      parseScenario({ ...base, faults: "off", faultSchedule: [{ atMs: 0, fault: "latency_spike" }], startWindowMs: 1 }, "spiked.json"),
      { seed: 7 },
    );
    expect(calm.outcome).toBe("pass");
    expect(spiked.outcome).toBe("pass");
    expect(spiked.totals.faults["latency_spike"]).toBe(1);
    const latency = (result: typeof calm) => result.verdict?.latencyMs ?? { count: 0, p50: Number.NaN, max: Number.NaN };
    expect(latency(calm).count).toBeGreaterThan(0);
    expect(latency(calm).max).toBeLessThan(50);
    expect(latency(spiked).p50).toBeGreaterThanOrEqual(200);
  });

  it("is handled by the server: a spike longer than the heartbeat closes live sockets (4408) and their devices resume without loss", () => {
    const scenario = {
      ...base,
      managerLimits: { heartbeatMs: 500, heartbeatMissesMax: 2 },
      faults: { latencySpikeOneWayDelayMsMin: 2_000, latencySpikeOneWayDelayMsMax: 2_500, latencySpikeMs: 3_000 },
      faultSchedule: [{ atMs: 1_000, fault: "latency_spike" }],
    };
    const { result, trace } = run(scenario, 3);
    expect(result.outcome).toBe("pass");
    expect(trace.filter((line) => line.kind === "fault").map((line) => line["fault"])).toEqual(["latency_spike"]);
    const heartbeatCloses = trace.filter((line) => line.kind === "decision" && line["decision"] === "heartbeat_timeout");
    expect(heartbeatCloses.length).toBeGreaterThan(0);
    // The HTML report draws the spell across the timeline with its own words (protocol/faultDescriptions.ts).
    const mark = buildTraceView(trace).view.globalMarks.find((candidate) => candidate.label === "latency spike");
    expect(mark).toMatchObject({ t: 1_000, durationMs: 3_000 });
    expect(mark?.detail).toContain("2000–2500 ms one way for 3000 ms");
    expect(result.verdict?.ok).toBe(true);
    expect(result.totals.runsCompleted).toBe(result.totals.runsRequested);
  });

  it("is off by default: no seeded mix draws it, so existing seeds keep their traces", () => {
    for (const level of ["on", "heavy"] as const) {
      for (let seed = 1; seed <= 50; seed += 1) expect(drawFaultPlan(createRandom(seed).fork("fault-plan"), level).latencySpikePerMille).toBe(0);
    }
  });
});
