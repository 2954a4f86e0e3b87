import type { MetricType } from "../metrics/sinks.ts";
import type { RunContext } from "../vu/runContext.ts";
import type { VirtualUser } from "../vu/virtualUser.ts";
import { readUserTags } from "./userTags.ts";

/**
 * `k6/metrics` for one VU. The metric objects are per VU but write into the
 * run's shared registry, so `new Counter("x")` in every VU is one metric
 * aggregated across all of them, as in k6.
 */
export function createMetricsModule(vu: VirtualUser, run: RunContext): Record<string, unknown> {
  const namespace = {
    Counter: metricClass(vu, run, "counter"),
    Gauge: metricClass(vu, run, "gauge"),
    Rate: metricClass(vu, run, "rate"),
    Trend: metricClass(vu, run, "trend"),
  };
  return { ...namespace, default: namespace };
}

function metricClass(vu: VirtualUser, run: RunContext, type: MetricType) {
  return class CustomMetric {
    readonly name: string;
    readonly #metric;

    constructor(name: unknown, isTime?: unknown) {
      if (!vu.initializing) throw new Error("metrics must be declared in the init context");
      this.name = String(name);
      this.#metric = run.registry.register(this.name, type, isTime === true ? "time" : "default");
    }

    /** Adds a sample; like k6, a value that is not a number or boolean is warned about and dropped. */
    add(value: unknown, tags?: unknown): boolean {
      if (vu.scope === undefined) throw new Error("Adding to metrics in the init context is not supported");
      const numeric = typeof value === "boolean" ? Number(value) : value === null || value === undefined ? Number.NaN : Number(value);
      if (Number.isNaN(numeric)) {
        run.log.warn(`'${String(value)}' is an invalid value for metric '${this.name}', a number or a boolean value is expected`);
        return false;
      }
      let sampleTags: Record<string, string>;
      try {
        sampleTags = vu.sampleTags(readUserTags(tags));
      } catch (error) {
        throw new Error(`cannot add tags for the '${this.name}' custom metric: ${(error as Error).message}`);
      }
      run.registry.addSample(this.#metric, numeric, sampleTags);
      return true;
    }
  };
}
