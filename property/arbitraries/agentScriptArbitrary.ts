/**
 * Agent scripts as fast-check values: think, tool and partial steps, with tools that
 * succeed, fail or time out. Every value is a valid `agentScriptSchema` input, and
 * every part shrinks toward the simplest script: one thinking step, short durations,
 * tools that succeed.
 */
import fc from "fast-check";
import type { AgentScriptInput } from "../../server/runtime/agentScript.ts";

/** Options of {@link agentScriptArbitrary}. */
export interface AgentScriptArbitraryOptions {
  /** Most steps per script (>= 1). Default 6. */
  stepsMax?: number;
  /** Longest tool, ms. Default 1200. */
  toolDurationMsMax?: number;
  /** Longest thinking step or partial delay, ms. Default 400. */
  pauseMsMax?: number;
  /** Partial steps are this much more likely than others (a chatty agent fills socket buffers). Default 1. */
  partialWeight?: number;
  /** Tools may fail or time out in the script itself (beside the fault plan's per-run draws). Default true. */
  toolFailures?: boolean;
}

type AgentStepInput = AgentScriptInput["steps"][number];

const TOOL_NAMES = ["lookup", "query_metrics", "analyze_logs", "fetch_dataset", "render_chart"] as const;
const SEVERITIES = ["high", "critical", "medium", "low"] as const;

/** A non-empty text that shrinks to `"<prefix> 0"`. */
function textArbitrary(prefix: string): fc.Arbitrary<string> {
  return fc.nat({ max: 99 }).map((index) => `${prefix} ${index}`);
}

/** One agent script named `name`; see the module comment for how it shrinks. */
export function agentScriptArbitrary(name: string, options: AgentScriptArbitraryOptions = {}): fc.Arbitrary<AgentScriptInput> {
  const pauseMsMax = options.pauseMsMax ?? 400;
  const toolDurationMsMax = options.toolDurationMsMax ?? 1_200;
  const think: fc.Arbitrary<AgentStepInput> = fc.record({
    kind: fc.constant("think" as const),
    content: textArbitrary("Thinking about step"),
    durationMs: fc.integer({ min: 0, max: pauseMsMax }),
  });
  const partial: fc.Arbitrary<AgentStepInput> = fc.record({
    kind: fc.constant("partial" as const),
    content: textArbitrary("Partial result, section"),
    delayMs: fc.integer({ min: 0, max: pauseMsMax }),
  });
  const outcomes = options.toolFailures === false ? (["ok"] as const) : (["ok", "error", "timeout"] as const);
  const tool: fc.Arbitrary<AgentStepInput> = fc
    .record({
      name: fc.constantFrom(...TOOL_NAMES),
      argument: fc.nat({ max: 9 }),
      durationMs: fc.integer({ min: 0, max: toolDurationMsMax }),
      result: textArbitrary("rows found:"),
      outcome: fc.constantFrom(...outcomes),
      severity: fc.constantFrom(...SEVERITIES),
    })
    .map(({ name: toolName, argument, durationMs, result, outcome, severity }): AgentStepInput => {
      const base = { kind: "tool" as const, name: toolName, args: { window: `${argument + 1}h` }, result, severity };
      if (outcome === "ok") return { ...base, durationMs };
      if (outcome === "error") return { ...base, durationMs, outcome, error: `${toolName} failed (scripted)` };
      // A timeout needs timeoutMs below durationMs, so the tool is abandoned before it would finish.
      const atLeastOneMs = Math.max(1, durationMs);
      return { ...base, durationMs: atLeastOneMs, outcome, timeoutMs: Math.floor(atLeastOneMs / 2) };
    });
  const step = fc.oneof({ arbitrary: think, weight: 2 }, { arbitrary: tool, weight: 2 }, { arbitrary: partial, weight: 2 * (options.partialWeight ?? 1) });
  return fc.record({
    name: fc.constant(name),
    agentType: fc.constant("generated"),
    steps: fc.array(step, { minLength: 1, maxLength: options.stepsMax ?? 6 }),
    finalResponse: textArbitrary("Final answer"),
  });
}
