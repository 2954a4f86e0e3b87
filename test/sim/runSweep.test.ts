/**
 * runSweep with real worker threads: whatever `jobs` is (this thread alone, this thread
 * plus workers), every task's result comes back once, in task order, equal to the
 * in-thread one; a tight results-ahead limit makes this thread wait for a worker's
 * earlier answer and still finishes; an abort delivers a prefix. The CLI's side (files,
 * table, SIGINT) is test/sim/simSweepJobs.test.ts.
 */
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../sim/scenario/loadScenario.ts";
import { runSweep, type RunSweepOptions } from "../../sim/sweep/runSweep.ts";
import type { SweepSeedResult } from "../../sim/sweep/runSweepSeed.ts";
import type { SweepTask } from "../../sim/sweep/SweepSetup.ts";

const scenarios = [loadScenario("scenarios/golden-path.json"), loadScenario("scenarios/burst.json")];
const tasks: SweepTask[] = Array.from({ length: 16 }, (_, index) => ({ scenarioIndex: index % 2, seed: 1 + index }));

async function sweep(jobs: number, extra: Partial<RunSweepOptions> = {}) {
  const delivered: Array<{ task: SweepTask; result: SweepSeedResult }> = [];
  const progress = await runSweep(tasks, {
    jobs,
    setup: { scenarios, plantName: null, checkDeterminism: false },
    onResult: (result, task) => delivered.push({ task, result }),
    signal: new AbortController().signal,
    yieldToEventLoop: () => new Promise((resolve) => setImmediate(resolve)),
    ...extra,
  });
  return { progress, delivered };
}

describe("runSweep", () => {
  it("gives every task's result once, in task order, the same with 1 job and with 3 (two workers) under a results-ahead limit of 2 (jobs 2 without a limit: the abort case below and test/sim/simSweepJobs)", async () => {
    const one = await sweep(1);
    expect(one.progress).toEqual({ completed: tasks.length, interrupted: false });
    expect(one.delivered.map((entry) => entry.task)).toEqual(tasks);
    expect(one.delivered.every((entry, index) => entry.result.seed === tasks[index]?.seed)).toBe(true);
    for (const variant of [{ jobs: 3, resultsAheadMax: 2 }]) {
      const other = await sweep(variant.jobs, variant.resultsAheadMax === undefined ? {} : { resultsAheadMax: variant.resultsAheadMax });
      expect(other.progress, JSON.stringify(variant)).toEqual(one.progress);
      expect(other.delivered, JSON.stringify(variant)).toEqual(one.delivered);
    }
  });

  it("stops dispatching on abort and delivers a prefix of the tasks", async () => {
    // This thread runs ahead while the worker starts (its seeds wait, undelivered, for the
    // worker's first answers): a limit of 8 ahead keeps the abort from landing after the last dispatch.
    const controller = new AbortController();
    const seen: number[] = [];
    const progress = await runSweep(tasks, {
      jobs: 2,
      setup: { scenarios, plantName: null, checkDeterminism: false },
      onResult: (result) => {
        seen.push(result.seed);
        if (seen.length === 5) controller.abort();
      },
      signal: controller.signal,
      resultsAheadMax: 8,
      yieldToEventLoop: () => new Promise((resolve) => setImmediate(resolve)),
    });
    expect(progress.interrupted).toBe(true);
    expect(progress.completed).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(5);
    expect(seen.length).toBeLessThan(tasks.length);
    expect(seen).toEqual(tasks.slice(0, seen.length).map((task) => task.seed));
  });
});
