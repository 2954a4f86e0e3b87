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
    // A script may call one tool twice with different durations (generated content does):
    // the longest declared one is the bound, so a call is never judged against another's.
    toolDurationMs: (toolName, runId) => {
      let declaredMs: number | undefined;
      for (const step of scriptOfRun.get(runId)?.steps ?? []) {
        if (step.kind !== "tool" || step.name !== toolName) continue;
        const stepMs = step.outcome === "timeout" ? step.timeoutMs : step.durationMs;
        if (stepMs !== undefined) declaredMs = Math.max(declaredMs ?? 0, stepMs);
      }
      return declaredMs;
    },
  });
}
