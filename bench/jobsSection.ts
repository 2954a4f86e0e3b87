/**
 * The `jobs` section of `npm run bench`: the same sweep (every shipped scenario, the same
 * seeds) with `--jobs 1` (in this thread) and `--jobs 2` (two worker threads), in this
 * process, one after the other; the ratio of their wall times, and the load average around
 * them (on a shared machine other work takes cores too). Worker start-up is included, as
 * a sweep from the CLI pays it. Also the CPU time per seed run of each (this process, all
 * threads), whose ratio bounds the speed-up two idle cores would give: on a busy machine the
 * wall-time ratio measures the neighbours as much as the threads.
 */
import { readdirSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { loadScenario } from "../sim/scenario/loadScenario.ts";
import { runSweep } from "../sim/sweep/runSweep.ts";
import type { SweepTask } from "../sim/sweep/SweepSetup.ts";

/** The goal: `--jobs 2` at least this many times faster than `--jobs 1`. */
const SPEEDUP_GOAL = 1.7;

/** Runs the section; `quick` sweeps fewer seeds (noisier). */
export async function sectionJobs(quick: boolean) {
  const paths = readdirSync("scenarios").filter((name) => name.endsWith(".json")).sort().map((name) => join("scenarios", name));
  const scenarios = paths.map((path) => loadScenario(path));
  const seedsPerScenario = quick ? 20 : 100;
  const tasks: SweepTask[] = scenarios.flatMap((_, scenarioIndex) => Array.from({ length: seedsPerScenario }, (__, index) => ({ scenarioIndex, seed: 1 + index })));
  const loadBefore = loadavg();
  const measure = async (jobs: number) => {
    let failures = 0;
    const cpuBefore = process.cpuUsage();
    const startedAt = process.hrtime.bigint();
    await runSweep(tasks, {
      jobs,
      setup: { scenarios, plantName: null, checkDeterminism: false },
      onResult: (result) => {
        if (result.failure !== null) failures += 1;
      },
      signal: new AbortController().signal,
      yieldToEventLoop: () => new Promise((resolve) => setImmediate(resolve)),
    });
    const realMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMsPerSeedRun = (cpu.user + cpu.system) / 1000 / tasks.length;
    return { jobs, realMs: Math.round(realMs), seedsPerSecond: Math.round((tasks.length / (realMs / 1000)) * 10) / 10, cpuMsPerSeedRun: Math.round(cpuMsPerSeedRun * 100) / 100, failures };
  };
  const one = await measure(1);
  const two = await measure(2);
  const loadAfter = loadavg();
  const speedup = one.realMs / two.realMs;
  const load = (figures: number[]) => figures.map((figure) => figure.toFixed(2)).join(" ");
  console.log(`jobs: every scenario (${paths.length}) × ${seedsPerScenario} seeds = ${tasks.length} seed runs; ${availableParallelism()} core(s); load average ${load(loadBefore)} before, ${load(loadAfter)} after`);
  for (const row of [one, two]) console.log(`  --jobs ${row.jobs}: ${(row.realMs / 1000).toFixed(2)} s, ${row.seedsPerSecond} seeds/s, ${row.cpuMsPerSeedRun} ms CPU per seed run, ${row.failures} failing seed(s)`);
  console.log(`  ratio --jobs 2 / --jobs 1: ${speedup.toFixed(2)}× faster (goal >= ${SPEEDUP_GOAL}× ${speedup >= SPEEDUP_GOAL ? "✓" : "✗"})`);
  // Two idle cores run two seeds at once; what the threads cost extra shows as more CPU per seed run.
  const idleCoresBound = (2 * one.cpuMsPerSeedRun) / two.cpuMsPerSeedRun;
  console.log(`  bound on two idle cores, from CPU per seed run: ${idleCoresBound.toFixed(2)}× (the threads' overhead: ${Math.round((two.cpuMsPerSeedRun / one.cpuMsPerSeedRun - 1) * 100)}% more CPU per seed run)`);
  return { seedsPerScenario, seedRuns: tasks.length, cores: availableParallelism(), loadAverageBefore: loadBefore, loadAverageAfter: loadAfter, rows: [one, two], speedup: Math.round(speedup * 100) / 100, idleCoresBound: Math.round(idleCoresBound * 100) / 100, goal: SPEEDUP_GOAL, met: speedup >= SPEEDUP_GOAL };
}
