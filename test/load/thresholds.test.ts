import { describe, expect, test } from "vitest";
import { MetricRegistry } from "../../load/runner/metrics/metricRegistry.ts";
import { bindThresholds, evaluateThresholds, parseThresholdExpression, readThresholdDefinitions } from "../../load/runner/metrics/thresholds.ts";

describe("parseThresholdExpression", () => {
  test.each([
    ["p(95)<200", { method: "p", percentile: 95, operator: "<", value: 200 }],
    ["p(99.9) <= 1.5e3", { method: "p", percentile: 99.9, operator: "<=", value: 1500 }],
    ["rate>0.95", { method: "rate", percentile: undefined, operator: ">", value: 0.95 }],
    ["count == 0", { method: "count", percentile: undefined, operator: "==", value: 0 }],
    ["count===3", { method: "count", percentile: undefined, operator: "===", value: 3 }],
    ["value!=7", { method: "value", percentile: undefined, operator: "!=", value: 7 }],
    ["avg>=-1", { method: "avg", percentile: undefined, operator: ">=", value: -1 }],
    ["med<10", { method: "med", percentile: undefined, operator: "<", value: 10 }],
  ])("%s", (source, expected) => {
    expect(parseThresholdExpression(source)).toEqual(expected);
  });

  test.each(["p(101)<1", "rate=>1", "mean<3", "p95<3", "count<abc", "count"])("refuses %s", (source) => {
    expect(() => parseThresholdExpression(source)).toThrow(/threshold expression/);
  });
});

describe("thresholds on metrics", () => {
  function registryWithSamples() {
    const registry = new MetricRegistry();
    const latency = registry.register("latency", "trend", "time");
    const errors = registry.register("errors", "rate");
    const sent = registry.register("sent", "counter");
    registry.register("empty_trend", "trend");
    registry.register("empty_rate", "rate");
    return { registry, latency, errors, sent };
  }

  test("evaluates k6's aggregations, submetrics included", () => {
    const { registry, latency, errors, sent } = registryWithSamples();
    const bound = bindThresholds(
      registry,
      readThresholdDefinitions({
        latency: ["p(50)==20", "max<31", "avg<20"],
        "latency{route:b}": ["min>=30"],
        errors: ["rate<0.5"],
        sent: ["count==3", "rate>1"],
      }),
    );
    for (const [value, route] of [[10, "a"], [20, "a"], [30, "b"]] as const) registry.addSample(latency, value, { route });
    registry.addSample(errors, 1, {});
    registry.addSample(errors, 0, {});
    registry.addSample(errors, 0, {});
    for (let index = 0; index < 3; index += 1) registry.addSample(sent, 1, {});

    // 3 samples in 2 s: rate 1.5/s.
    const verdict = evaluateThresholds(bound, 2000, { ignoreEmptySinks: false });

    expect(verdict).toEqual({ breached: ["latency"], shouldAbort: false });
    expect(bound.find((entry) => entry.key === "latency")?.thresholds.map((threshold) => threshold.lastFailed)).toEqual([false, false, true]);
    expect(registry.get("latency")?.submetrics[0]?.metric.sink.isEmpty()).toBe(false);
  });

  test("empty sinks behave like k6 at the end of a test: trends read 0, rates pass, counters count 0", () => {
    const { registry } = registryWithSamples();
    const bound = bindThresholds(registry, readThresholdDefinitions({ empty_trend: ["p(95)<1"], empty_rate: ["rate>0.9"], sent: ["count>0"] }));

    expect(evaluateThresholds(bound, 1000, { ignoreEmptySinks: false }).breached).toEqual(["sent"]);
    expect(evaluateThresholds(bound, 1000, { ignoreEmptySinks: true }).breached).toEqual([]);
  });

  test("abortOnFail asks to abort only after delayAbortEval", () => {
    const { registry, sent } = registryWithSamples();
    const bound = bindThresholds(registry, readThresholdDefinitions({ sent: [{ threshold: "count<1", abortOnFail: true, delayAbortEval: "5s" }] }));
    registry.addSample(sent, 1, {});

    expect(evaluateThresholds(bound, 4000, { ignoreEmptySinks: true }).shouldAbort).toBe(false);
    expect(evaluateThresholds(bound, 6000, { ignoreEmptySinks: true }).shouldAbort).toBe(true);
  });

  test("refuses unknown metrics and aggregations that do not fit the metric type, like k6", () => {
    const { registry } = registryWithSamples();
    expect(() => bindThresholds(registry, readThresholdDefinitions({ nope: ["count>0"] }))).toThrow('no metric name "nope" found');
    expect(() => bindThresholds(registry, readThresholdDefinitions({ errors: ["p(95)<1"] }))).toThrow(
      "unsupported aggregation method p on metric of type rate. supported aggregation methods for this metric are: rate",
    );
    expect(() => readThresholdDefinitions({ errors: ["rate>>1"] })).toThrow("invalid threshold on errors");
  });

  test("trend percentiles interpolate between neighbours like k6", () => {
    const registry = new MetricRegistry();
    const trend = registry.register("tr", "trend");
    for (const value of [1, 2, 3, 4]) registry.addSample(trend, value, {});
    const sink = trend.sink;
    if (sink.kind !== "trend") throw new Error("expected a trend sink");
    expect(sink.percentile(0.5)).toBe(2.5);
    expect(sink.percentile(0.9)).toBeCloseTo(3.7);
    expect(sink.percentile(1)).toBe(4);
  });

  test("refuses metric names k6 refuses and type clashes", () => {
    const registry = new MetricRegistry();
    registry.register("my_metric", "counter");
    expect(() => registry.register("1bad", "counter")).toThrow("Invalid metric name");
    expect(() => registry.register("my_metric", "trend")).toThrow("metric 'my_metric' already exists but with type counter, instead of trend");
    expect(registry.register("my_metric", "counter")).toBe(registry.get("my_metric"));
  });
});
