import { describe, expect, test } from "vitest";
import { consolidateOptions } from "../../load/runner/options/consolidateOptions.ts";
import { formatDuration, parseDuration } from "../../load/runner/options/parseDuration.ts";
import { createExecutionTuple } from "../../load/runner/options/executionSegment.ts";
import { plannedVuCount } from "../../load/runner/executors/runScenarios.ts";

describe("parseDuration", () => {
  test.each([
    ["30s", 30_000],
    ["1m30s", 90_000],
    ["1.5s", 1500],
    ["300ms", 300],
    ["1h", 3_600_000],
    ["2d", 172_800_000],
    ["1d12h", 129_600_000],
    ["250", 250],
    [250, 250],
    ["0", 0],
  ] as const)("%s", (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });

  test.each(["", "1x", "s", "1m30", "ms"])("refuses %s", (input) => {
    expect(() => parseDuration(input)).toThrow("invalid duration");
  });

  test("formats like k6", () => {
    expect([0, 500, 1500, 90_000, 3_600_000].map(formatDuration)).toEqual(["0s", "500ms", "1.5s", "1m30s", "1h0m0s"]);
  });
});

describe("consolidateOptions", () => {
  const scenariosOf = (script: unknown, overrides = {}) =>
    consolidateOptions(script, overrides).scenarios.map(({ name, executor, ...rest }) => ({ name, executor, ...rest }));

  test("no execution options: one iteration of one VU (per-vu-iterations)", () => {
    expect(scenariosOf({})).toMatchObject([{ name: "default", executor: "per-vu-iterations", vus: 1, iterations: 1, maxDuration: 600_000, gracefulStop: 30_000 }]);
  });

  test("vus + duration: constant-vus; iterations: shared-iterations with duration as maxDuration; stages (ramping-vus) refused", () => {
    expect(scenariosOf({ vus: 5, duration: "10s" })).toMatchObject([{ executor: "constant-vus", vus: 5, duration: 10_000 }]);
    expect(scenariosOf({ vus: 2, iterations: 10, duration: "1m" })).toMatchObject([{ executor: "shared-iterations", vus: 2, iterations: 10, maxDuration: 60_000 }]);
    expect(() => scenariosOf({ vus: 3, stages: [{ duration: "5s", target: 10 }] })).toThrow(
      'scenarios.default.executor: "ramping-vus" is not supported by the Node runner (supported: constant-vus, per-vu-iterations, shared-iterations)',
    );
    expect(scenariosOf({ vus: 4 })).toMatchObject([{ executor: "shared-iterations", vus: 4, iterations: 4 }]);
  });

  test("--duration / --iterations replace the script's scenarios; --vus merges with the script's duration", () => {
    const script = { scenarios: { a: { executor: "constant-vus", vus: 9, duration: "1m" } } };
    expect(scenariosOf(script, { iterations: 3 })).toMatchObject([{ name: "default", executor: "shared-iterations", iterations: 3, vus: 1 }]);
    expect(scenariosOf(script, { duration: "2s", vus: 2 })).toMatchObject([{ name: "default", executor: "constant-vus", vus: 2, duration: 2000 }]);
    expect(scenariosOf({ duration: "5s" }, { vus: 7 })).toMatchObject([{ executor: "constant-vus", vus: 7, duration: 5000 }]);
    const withVus = consolidateOptions(script, { vus: 2 });
    expect(withVus.scenarios).toMatchObject([{ name: "default", executor: "shared-iterations", vus: 2, iterations: 2 }]);
    expect(withVus.warnings).toContain("`vus=2` overrides scenarios configuration");
  });

  test("scenario defaults, and exec.test.options without the shortcut fields", () => {
    const consolidated = consolidateOptions(
      { vus: 1, scenarios: undefined, thresholds: { checks: ["rate==1"] }, summaryTrendStats: ["avg", "p(99)"], httpDebug: "full" },
      {},
    );
    expect(consolidated.summaryTrendStats).toEqual(["avg", "p(99)"]);
    expect(consolidated.warnings).toContain("options.httpDebug is not supported by the k6 Node runner and is ignored");
    expect(consolidated.testOptionsView).not.toHaveProperty("vus");
    expect(consolidated.testOptionsView).toHaveProperty("scenarios.default.executor", "shared-iterations");
    expect(Object.isFrozen(consolidated.testOptionsView)).toBe(true);
  });

  test("conflicting or invalid options are all reported", () => {
    expect(() => consolidateOptions({ duration: "10s", scenarios: { a: { executor: "constant-vus", duration: "1s" } } }, {})).toThrow(
      "using `duration` and `scenarios` options simultaneously is not allowed",
    );
    expect(() =>
      consolidateOptions(
        {
          scenarios: {
            "bad name!": { executor: "shared-iterations", vus: 5, iterations: 2 },
            car: { executor: "constant-arrival-rate", rate: 10, duration: "1s", preAllocatedVUs: 3, maxVUs: 1 },
            slow: { executor: "constant-vus", vus: 1, duration: "10ms" },
          },
          summaryTrendStats: ["p(200)"],
        },
        {},
      ),
    ).toThrow(/bad name!: the scenario name[\s\S]*iterations: the number of iterations can't be less than the number of VUs[\s\S]*scenarios.car.executor: "constant-arrival-rate" is not supported[\s\S]*scenarios.slow.duration[\s\S]*stat 'p\(200\)' is unknown/);
  });
});

describe("planning", () => {
  test("plans VUs for scenarios that overlap in time only", () => {
    const { scenarios } = consolidateOptions(
      {
        scenarios: {
          first: { executor: "constant-vus", vus: 3, duration: "1s", gracefulStop: "0s" },
          second: { executor: "per-vu-iterations", vus: 2, startTime: "2s" },
          third: { executor: "shared-iterations", vus: 4, iterations: 8, startTime: "2s" },
        },
      },
      {},
    );
    expect(plannedVuCount(scenarios, createExecutionTuple({}))).toBe(6);
  });
});
