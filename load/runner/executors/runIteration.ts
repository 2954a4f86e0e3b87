import { realTime } from "../realTime.ts";
import { TestAbortedError } from "../vu/runContext.ts";
import type { VirtualUser } from "../vu/virtualUser.ts";
import type { ExecutionControl } from "./executionControl.ts";

/** How one iteration ended. */
export type IterationResult = "completed" | "failed" | "interrupted";

/**
 * Runs one iteration of `vu`'s current scenario: advances the counters, calls
 * the scenario's exec function with the setup data, waits for k6's end
 * condition (see IterationScope). Like k6, an exception is logged and counts
 * as a finished iteration; an interrupted one emits no iteration metrics.
 */
export async function runIteration(vu: VirtualUser, control: ExecutionControl): Promise<IterationResult> {
  const scenario = vu.scenario;
  if (scenario === undefined) throw new Error("runIteration needs a VU assigned to a scenario");
  const exec = vu.exports[scenario.exec];
  if (typeof exec !== "function") throw new Error(`function '${scenario.exec}' not found in exports`);
  vu.beginIteration();
  const data = control.setupDataFor(vu);
  const startedMs = realTime.monotonicMs();
  const outcome = await vu.runScoped(() => (exec as (setupData: unknown) => unknown)(data));
  const failure = outcome.failure;
  if (outcome.interrupted || failure?.error instanceof TestAbortedError) {
    control.counters.interrupted += 1;
    return "interrupted";
  }
  if (failure !== undefined) {
    control.log.error(describeError(failure.error), { executor: scenario.executor, scenario: scenario.name, source: "stacktrace" });
  }
  const tags = vu.sampleTags();
  control.registry.addSample(control.builtin.iteration_duration, realTime.monotonicMs() - startedMs, tags);
  control.registry.addSample(control.builtin.iterations, 1, tags);
  control.counters.completed += 1;
  return failure === undefined ? "completed" : "failed";
}

/** The stack (or message) of a script exception, as the log shows it. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
