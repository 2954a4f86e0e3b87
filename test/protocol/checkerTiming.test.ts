/** Invariant 9: five timing budgets, each a separate verdict that never fails `ok`. */
import { describe, expect, it } from "vitest";
import type { CheckerOptions } from "../../protocol/checker/CheckerOptions.ts";
import { LatencyReservoir } from "../../protocol/checker/_internals/LatencyReservoir.ts";
import { kindsOf, Script, startAgent, Stream } from "./checkerFixtures.ts";

interface Case {
  name: string;
  expected: string;
  build: (broken: boolean) => Script;
  options?: CheckerOptions;
}

function oneDevice(emit: (stream: Stream, broken: boolean) => void, options: { latencyMs?: (broken: boolean) => number } = {}) {
  return (broken: boolean): Script => {
    const stream = new Stream("u1", "e-1");
    emit(stream, broken);
    const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 });
    const latencyMs = options.latencyMs?.(broken) ?? 5;
    for (const event of stream.emitted) script.recv("d1#1", event, event.ts + latencyMs);
    return script;
  };
}

const cases: Case[] = [
  {
    name: "start latency over 100 ms",
    expected: "timing_start_latency/slow_start",
    build: (broken) => {
      const stream = new Stream("u1", "e-1", 10_000);
      const events = stream.goldenRun("r-1");
      const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 });
      script.send("d1#1", startAgent("q-1"), (events[0]?.ts ?? 0) - (broken ? 150 : 90));
      return script.recvAll("d1#1", events);
    },
  },
  {
    name: "a busy run silent for more than 2000 ms",
    expected: "timing_thinking_interval/silent_run",
    build: oneDevice((stream, broken) => {
      stream.emit("agent_started", "r-1");
      stream.emit("agent_thinking", "r-1", { stepMs: broken ? 2_500 : 1_900 });
      stream.emit("agent_completed", "r-1");
    }),
  },
  {
    name: "a tool over its declared duration plus 100 ms",
    expected: "timing_tool_duration/slow_tool",
    build: oneDevice((stream, broken) => {
      stream.emit("agent_started", "r-1");
      stream.emit("agent_thinking", "r-1");
      stream.emit("tool_executing", "r-1", { data: { execution_id: "x-1" } });
      stream.emit("tool_completed", "r-1", { data: { execution_id: "x-1" }, stepMs: broken ? 400 : 250 });
      stream.emit("agent_completed", "r-1");
    }),
    options: { toolDurationMs: (toolName) => (toolName === "query_metrics" ? 200 : undefined) },
  },
  {
    name: "a run of 30 s or more",
    expected: "timing_run_duration/slow_run",
    build: oneDevice((stream, broken) => {
      stream.emit("agent_started", "r-1");
      for (let step = 0; step < (broken ? 16 : 10); step += 1) stream.emit("agent_thinking", "r-1", { stepMs: 1_900 });
      stream.emit("agent_completed", "r-1");
    }),
  },
  {
    name: "delivery latency p99 of 50 ms or more",
    expected: "timing_delivery_latency/slow_delivery",
    build: oneDevice((stream) => void stream.goldenRun("r-1"), { latencyMs: (broken) => (broken ? 80 : 5) }),
  },
];

describe("createChecker, timing budgets", () => {
  for (const testCase of cases) {
    const [name] = testCase.expected.split("/");
    it(`${testCase.name}: kept, every timing verdict ok`, () => {
      const { verdict, violations } = testCase.build(false).check({ ...testCase.options, requireRunsComplete: true });
      expect(kindsOf(violations)).toEqual([]);
      expect(verdict.timing.every((timing) => timing.ok)).toBe(true);
      expect(verdict.timing.find((timing) => timing.name === name)?.samples).toBeGreaterThan(0);
    });
    it(`${testCase.name}: broken, ${name} alone is not ok and the verdict stays ok`, () => {
      const { verdict, violations } = testCase.build(true).check({ ...testCase.options, requireRunsComplete: true });
      expect(kindsOf(violations)).toEqual([testCase.expected]);
      expect(violations[0]).toMatchObject({ category: "timing", protocolNumber: 9 });
      expect(verdict.ok).toBe(true);
      expect(verdict.timing.filter((timing) => !timing.ok).map((timing) => timing.name)).toEqual([name]);
    });
  }

  it("reports observed values, budgets and messages", () => {
    const { verdict } = cases[0]?.build(true).check({ requireRunsComplete: true }) ?? expect.unreachable();
    expect(verdict.timing[0]).toEqual({ name: "timing_start_latency", ok: false, observed: 150, budget: 100, unit: "ms", samples: 1, overBudget: 1 });
    const stream = new Stream("u1", "e-1");
    stream.emit("agent_started", "r-1");
    stream.emit("agent_thinking", "r-1", { stepMs: 2_500 });
    const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 }).recvAll("d1#1", stream.emitted);
    expect(script.check().violations[0]?.message).toBe(
      "user u1 run r-1: the run was silent for 2500 ms between seq 1 and seq 2, over the 2000 ms budget.",
    );
  });

  it("does not judge a silence across a loss (the run's events between may simply be unseen)", () => {
    const stream = new Stream("u1", "e-1");
    stream.emit("agent_started", "r-1");
    stream.emit("agent_thinking", "r-1", { stepMs: 1_500 });
    stream.emit("partial_result", "r-1", { stepMs: 1_500 });
    stream.emit("agent_completed", "r-1");
    const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 });
    script.recvAll("d1#1", stream.emitted.filter((event) => event.seq !== 2));
    const { verdict, violations } = script.check();
    expect(kindsOf(violations)).toEqual(["order_exactly_once/gap"]);
    expect(verdict.timing.find((timing) => timing.name === "timing_thinking_interval")?.samples).toBe(1);
  });

  it("honours a per-run duration budget", () => {
    const script = cases[3]?.build(true) ?? expect.unreachable();
    const { violations } = script.check({ runDurationBudgetMsForRun: (runId) => (runId === "r-1" ? 60_000 : undefined) });
    expect(kindsOf(violations)).toEqual([]);
  });

  it("computes exact nearest-rank percentiles, and a deterministic reservoir past its bound", () => {
    const exact = new LatencyReservoir(1_000);
    for (let value = 100; value >= 1; value -= 1) exact.add(value);
    expect(exact.summary()).toEqual({ count: 100, p50: 50, p95: 95, p99: 99, max: 100, sampled: false });
    const sampledOnce = new LatencyReservoir(50);
    const sampledTwice = new LatencyReservoir(50);
    for (let value = 1; value <= 10_000; value += 1) {
      sampledOnce.add(value % 200);
      sampledTwice.add(value % 200);
    }
    const summary = sampledOnce.summary();
    expect(summary).toMatchObject({ count: 10_000, max: 199, sampled: true });
    expect(summary.p50).toBeGreaterThan(40);
    expect(summary.p50).toBeLessThan(160);
    expect(sampledTwice.summary()).toEqual(summary);
  });
});
