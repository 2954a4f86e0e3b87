/**
 * The pure parts of load/lib (no k6 import): the `__ENV` knobs, the thresholds every
 * script gates on, and the text summary both engines print.
 */
import { describe, expect, test } from "vitest";
import { GOLDEN_PATH_PROFILE, profileFromEnv, RECONNECT_STORM_PROFILE, targetsFromEnv, vusFromEnv } from "../../load/lib/profiles.ts";
import { summaryJsonPath } from "../../load/lib/summaryOutputs.ts";
import { failedThresholds, formatTextSummary, type SummaryData } from "../../load/lib/textSummary.ts";
import { agentEventThresholds, DEFAULT_TARGETS } from "../../load/lib/thresholds.ts";

describe("load/lib", () => {
  test("thresholds: the SLOs of the brief, a floor that scales with the VUs, count==0 on every violation class, the generator keeping up", () => {
    expect(agentEventThresholds(DEFAULT_TARGETS, { vus: 10 })).toEqual({
      events_received: ["rate>=500"],
      event_latency: ["p(95)<50", "p(99)<100"],
      agent_start_latency: ["p(95)<100"],
      checks: ["rate==1"],
      runs_completed: ["count>0"],
      generator_lag: ["p(99)<50"],
      violations_order: ["count==0"],
      violations_pairing: ["count==0"],
      violations_duplicate: ["count==0"],
      violations_gap: ["count==0"],
      violations_isolation: ["count==0"],
      violations_content: ["count==0"],
      violations_silent_gap: ["count==0"],
    });
    expect(agentEventThresholds(DEFAULT_TARGETS, { vus: 3 })["events_received"]).toEqual(["rate>=150"]);
    expect(agentEventThresholds(targetsFromEnv(DEFAULT_TARGETS, { EVENTS_PER_SECOND_MIN: "2000" }), { vus: 3 })["events_received"]).toEqual(["rate>=2000"]);
    expect(agentEventThresholds(targetsFromEnv(DEFAULT_TARGETS, { EVENTS_PER_SECOND_PER_VU_MIN: "7" }), { vus: 3 })["events_received"]).toEqual(["rate>=21"]);
    expect(vusFromEnv({ VUS: "4", K6_VUS: "9" }, { fallback: 10 })).toBe(4);
    expect(vusFromEnv({ K6_VUS: "9" }, { fallback: 10 })).toBe(9);
    expect(vusFromEnv({}, { fallback: 10 })).toBe(10);
  });

  test("profiles: knobs override, bad values name the variable", () => {
    expect(profileFromEnv(GOLDEN_PATH_PROFILE, { DROP_RESUME: "1", SCENARIOS: "quick, golden-path", RUNS_IN_FLIGHT: "3" })).toMatchObject({
      drops: { kind: "once" },
      scenarios: ["quick", "golden-path"],
      runsInFlightMax: 3,
    });
    expect(profileFromEnv(RECONNECT_STORM_PROFILE, { DROP_EVERY_MS: "900" }).drops).toEqual({ kind: "storm", everyMs: 900, jitterMs: 200 });
    expect(profileFromEnv(RECONNECT_STORM_PROFILE, { DROP_RESUME: "never" }).drops).toEqual({ kind: "never" });
    expect(() => profileFromEnv(GOLDEN_PATH_PROFILE, { RUNS_IN_FLIGHT: "0" })).toThrow('__ENV.RUNS_IN_FLIGHT must be a whole number >= 1, got "0"');
    expect(() => profileFromEnv(GOLDEN_PATH_PROFILE, { DROP_RESUME: "sometimes" })).toThrow("__ENV.DROP_RESUME must be never (0), once (1) or storm");
    expect(summaryJsonPath("soak", { SUMMARY_DIR: "/tmp/out/" })).toBe("/tmp/out/soak-summary.json");
    expect(summaryJsonPath("soak", {})).toBeUndefined();
  });

  test("text summary: verdict first, the figures, each threshold with its observed value, what was crossed", () => {
    const data: SummaryData = {
      state: { testRunDurationMs: 10_400 },
      root_group: { name: "", groups: [], checks: [{ name: "stream passed the invariant checker", passes: 9, fails: 1 }] },
      metrics: {
        events_received: { type: "counter", values: { count: 9000, rate: 865.4 }, thresholds: { "rate>=500": { ok: true } } },
        event_latency: { type: "trend", contains: "time", values: { med: 1, "p(95)": 12, "p(99)": 40.5, max: 80 }, thresholds: { "p(95)<50": { ok: true }, "p(99)<100": { ok: true } } },
        violations_gap: { type: "counter", values: { count: 3, rate: 0.3 }, thresholds: { "count==0": { ok: false } } },
        checks: { type: "rate", values: { rate: 0.9, passes: 9, fails: 1 }, thresholds: { "rate==1": { ok: false } } },
      },
    };
    const text = formatTextSummary("golden-path", data);

    expect(failedThresholds(data)).toEqual(["checks: rate==1", "violations_gap: count==0"]);
    expect(text.split("\n")[0]).toBe("agent-event load: golden-path — FAIL (2 threshold(s) crossed)");
    expect(text).toContain("9000  (865.4 events/s)");
    expect(text).toContain("p50 1.00  p95 12.00  p99 40.50  max 80.00 ms");
    expect(text).toContain("order 0 · pairing 0 · duplicate 0 · gap 3 · isolation 0 · content 0 · silent_gap 0");
    expect(text).toContain('✗ check "stream passed the invariant checker": 1 of 10 failed');
    expect(text).toContain("✗ violations_gap count==0  (observed 3)");
    expect(text).toContain("✓ event_latency p(99)<100  (observed 40.5)");
    expect(text).toContain("crossed: checks: rate==1; violations_gap: count==0");
  });
});
