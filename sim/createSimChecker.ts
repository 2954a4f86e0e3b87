import type { Checker } from "../protocol/checker/Checker.ts";
import { createChecker } from "../protocol/checker/createChecker.ts";
import type { AgentScript } from "../server/runtime/agentScript.ts";
import type { Scenario } from "./scenario/scenarioSchema.ts";

/**
 * The shared invariant checker with the scenario's budgets; tool durations are looked
 * up in the script each run actually ran (`scriptOfRun`, filled as runs start).
 */
export function createSimChecker(scenario: Scenario, scriptOfRun: ReadonlyMap<string, AgentScript>): Checker {
  return createChecker({
    startLatencyBudgetMs: scenario.budgets.startLatencyMs,
    thinkingIntervalBudgetMs: scenario.budgets.thinkingIntervalMs,
    toolDurationSlackMs: scenario.budgets.toolSlackMs,
    runDurationBudgetMs: scenario.budgets.runDurationMs,
    deliveryLatencyP99BudgetMs: scenario.budgets.deliveryLatencyMsP99,
    toolDurationMs: (toolName, runId) => {
      const step = scriptOfRun.get(runId)?.steps.find((candidate) => candidate.kind === "tool" && candidate.name === toolName);
      if (step === undefined || step.kind !== "tool") return undefined;
      return step.outcome === "timeout" ? step.timeoutMs : step.durationMs;
    },
  });
}
