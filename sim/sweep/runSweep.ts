/**
 * Runs a sweep's seeds on `jobs` threads and hands each result back in task order, so
 * whatever `jobs` is, the caller sees (and writes) the same results in the same order.
 * `jobs` 1 runs in this thread; `jobs` N runs seeds in this thread too and starts N − 1
 * worker threads (sweepWorker.mjs), each running the same deterministic simulator, a few
 * tasks queued ahead on each. This thread taking a share (rather than N workers and an idle
 * main thread) saves one thread's start-up and JIT warm-up, and leaves V8's background
 * threads (GC, compilers) a thread less to compete with: on the 2-core box `--jobs 2` is
 * one worker plus this thread. When
 * `signal` aborts, no further seed is dispatched; the dispatched ones finish, so the
 * results delivered are always the first `completed` tasks.
 */
import { Worker } from "node:worker_threads";
import { findPlantedBug } from "../bugZoo/bugZoo.ts";
import { runSweepSeed, type SweepSeedResult } from "./runSweepSeed.ts";
import type { SweepSetup, SweepTask } from "./SweepSetup.ts";

/** Most threads one sweep starts. */
export const SWEEP_JOBS_MAX = 256;

/**
 * Most tasks handed out past the first one not yet delivered: results of later seeds wait
 * for an earlier, slow one (to be delivered in order), and this bounds how many wait.
 */
export const SWEEP_RESULTS_AHEAD_MAX = 256;

/**
 * Tasks handed to one worker thread before its first answer comes back: it starts the next
 * seed at once instead of idling until the main thread is scheduled to hand it one (on a
 * busy 2-core box that wait was as long as a seed run). Workers answer in the order given.
 */
export const SWEEP_TASKS_IN_FLIGHT_PER_THREAD = 4;

/** Options of {@link runSweep}. */
export interface RunSweepOptions {
  /** Threads, 1 to {@link SWEEP_JOBS_MAX}; 1 = this thread, no workers. */
  jobs: number;
  setup: SweepSetup;
  /** Called once per task, in task order. */
  onResult: (result: SweepSeedResult, task: SweepTask) => void;
  /** Aborted: dispatch nothing more (Ctrl-C). */
  signal: AbortSignal;
  /**
   * Lets the event loop run (timers, signals) between in-thread seeds, which are
   * synchronous; injected by the CLI edge (setImmediate), so no timer hides here.
   */
  yieldToEventLoop: () => Promise<void>;
  /** Default {@link SWEEP_RESULTS_AHEAD_MAX}; tests lower it to drive the wait for an earlier result. */
  resultsAheadMax?: number;
}

/** How far a sweep got: `completed` tasks (a prefix of the list); `interrupted` when the signal stopped it early. */
export interface SweepProgress {
  completed: number;
  interrupted: boolean;
}

/** Runs `tasks` (see the module comment). Rejects when a worker thread fails. */
export async function runSweep(tasks: readonly SweepTask[], options: RunSweepOptions): Promise<SweepProgress> {
  if (options.jobs === 1) return runInThisThread(tasks, options);
  return runInWorkers(tasks, options);
}

async function runInThisThread(tasks: readonly SweepTask[], options: RunSweepOptions): Promise<SweepProgress> {
  const { setup } = options;
  const plant = setup.plantName === null ? undefined : findPlantedBug(setup.plantName);
  let completed = 0;
  for (const task of tasks) {
    if (options.signal.aborted) break;
    const scenario = setup.scenarios[task.scenarioIndex];
    if (scenario === undefined) throw new Error(`sweep: no scenario #${task.scenarioIndex}`);
    options.onResult(runSweepSeed(scenario, task.seed, { checkDeterminism: setup.checkDeterminism, ...(plant === undefined ? {} : { plant }) }), task);
    completed += 1;
    await options.yieldToEventLoop();
  }
  return { completed, interrupted: completed < tasks.length };
}

function runInWorkers(tasks: readonly SweepTask[], options: RunSweepOptions): Promise<SweepProgress> {
  const { setup } = options;
  const plant = setup.plantName === null ? undefined : findPlantedBug(setup.plantName);
  return new Promise((resolve, reject) => {
    const workerCount = Math.min(options.jobs, tasks.length) - 1;
    /** Results that arrived before an earlier task's, by task index (at most SWEEP_RESULTS_AHEAD_MAX). */
    const waiting = new Map<number, SweepSeedResult>();
    const workers: Worker[] = [];
    /** The task indexes each worker holds, oldest first (it answers in that order). */
    const queued = new Map<Worker, number[]>();
    let dispatched = 0;
    let delivered = 0;
    let inFlight = 0;
    let settled = false;
    let hereRunning = true;
    /** Wakes this thread's loop when it waits for a worker (results ahead of the limit). */
    let wake: (() => void) | undefined;
    const settle = () => {
      settled = true;
      for (const worker of workers) void worker.terminate();
      wake?.();
    };
    const fail = (error: Error) => {
      if (settled) return;
      settle();
      reject(error);
    };
    const resultsAheadMax = options.resultsAheadMax ?? SWEEP_RESULTS_AHEAD_MAX;
    const canDispatch = () => !options.signal.aborted && dispatched < tasks.length && dispatched - delivered < resultsAheadMax;
    const finishIfDone = () => {
      if (inFlight === 0 && !hereRunning && !settled) {
        settle();
        resolve({ completed: delivered, interrupted: delivered < tasks.length });
      }
    };
    /** Tops every worker's queue up, round robin. */
    const dispatchToWorkers = () => {
      for (let round = 0; round < SWEEP_TASKS_IN_FLIGHT_PER_THREAD; round += 1) {
        for (const worker of workers) {
          const queue = queued.get(worker) as number[];
          if (queue.length > round || !canDispatch()) continue;
          queue.push(dispatched);
          worker.postMessage(tasks[dispatched]);
          dispatched += 1;
          inFlight += 1;
        }
      }
    };
    const deliverInOrder = () => {
      for (let next = waiting.get(delivered); next !== undefined; next = waiting.get(delivered)) {
        waiting.delete(delivered);
        options.onResult(next, tasks[delivered] as SweepTask);
        delivered += 1;
      }
    };
    for (let thread = 0; thread < workerCount; thread += 1) {
      const worker = new Worker(new URL("./sweepWorker.mjs", import.meta.url), { workerData: setup, execArgv: [] });
      workers.push(worker);
      queued.set(worker, []);
      worker.on("message", (result: SweepSeedResult) => {
        if (settled) return;
        waiting.set((queued.get(worker) as number[]).shift() as number, result);
        inFlight -= 1;
        try {
          deliverInOrder();
        } catch (error) {
          fail(error as Error);
          return;
        }
        dispatchToWorkers();
        wake?.();
        finishIfDone();
      });
      worker.on("error", (error) => fail(new Error(`sweep worker thread failed: ${error.message}`, { cause: error })));
      worker.on("exit", (code) => fail(new Error(`sweep worker thread exited (code ${code}) before the sweep ended`)));
    }
    dispatchToWorkers();
    /** This thread's share: the next undispatched task, one at a time, yielding between them so worker answers and signals get in. */
    const runHere = async () => {
      while (!settled && !options.signal.aborted && dispatched < tasks.length) {
        if (!canDispatch()) {
          // Too many results wait for an earlier one a worker holds: sleep until a worker answers.
          await new Promise<void>((resolveWake) => {
            wake = resolveWake;
          });
          wake = undefined;
          continue;
        }
        const index = dispatched;
        dispatched += 1;
        const task = tasks[index] as SweepTask;
        const scenario = setup.scenarios[task.scenarioIndex];
        if (scenario === undefined) throw new Error(`sweep: no scenario #${task.scenarioIndex}`);
        waiting.set(index, runSweepSeed(scenario, task.seed, { checkDeterminism: setup.checkDeterminism, ...(plant === undefined ? {} : { plant }) }));
        deliverInOrder();
        dispatchToWorkers();
        await options.yieldToEventLoop();
      }
    };
    runHere().then(
      () => {
        hereRunning = false;
        finishIfDone();
      },
      (error: Error) => fail(error),
    );
  });
}
