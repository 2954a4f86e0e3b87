/**
 * The body of a sweep worker thread: answers each {@link SweepTask} message with its
 * {@link SweepSeedResult}, running the same deterministic simulator as the main thread.
 * Loaded by sweepWorker.mjs once tsx is registered in the thread.
 */
import { parentPort, workerData } from "node:worker_threads";
import { findPlantedBug } from "../bugZoo/bugZoo.ts";
import { runSweepSeed } from "./runSweepSeed.ts";
import type { SweepSetup, SweepTask } from "./SweepSetup.ts";

const setup = workerData as SweepSetup;
const plant = setup.plantName === null ? undefined : findPlantedBug(setup.plantName);
if (parentPort === null) throw new Error("sweepWorkerMain.ts runs only as a worker thread (see runSweep.ts)");
const port = parentPort;
port.on("message", (task: SweepTask) => {
  const scenario = setup.scenarios[task.scenarioIndex];
  if (scenario === undefined) throw new Error(`sweep worker: no scenario #${task.scenarioIndex}`);
  port.postMessage(runSweepSeed(scenario, task.seed, { checkDeterminism: setup.checkDeterminism, ...(plant === undefined ? {} : { plant }) }));
});
