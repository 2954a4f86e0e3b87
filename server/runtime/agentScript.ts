/**
 * Scripted agents as data (STYLE rule 4). A script is what the fake agent runtime
 * plays for one run: thinking steps, tool calls (with args, duration, result and an
 * outcome: ok, error or timeout), partial results and a final response. Scripts live
 * in scenario files and are validated once, at the edge, by {@link agentScriptSchema}.
 */
import { z } from "zod";

const text = z.string().min(1, "must be a non-empty string");
const durationMs = z.number().int("must be an integer number of ms").min(0, "must be >= 0").max(600_000, "must be <= 600000 ms");

/** A thinking step: emits `agent_thinking`, then the run thinks for `durationMs`. */
export const thinkStepSchema = z.strictObject({ kind: z.literal("think"), content: text, durationMs });

/** A tool call: `tool_executing`, the tool runs `durationMs`, then `tool_completed`. */
export const toolStepSchema = z.strictObject({
  kind: z.literal("tool"),
  name: text,
  args: z.record(z.string(), z.unknown()).refine((value) => Object.keys(value).length > 0, "must have at least one argument"),
  durationMs,
  result: text,
  /** ok (default), error (the tool fails after durationMs) or timeout (it is abandoned after timeoutMs). */
  outcome: z.enum(["ok", "error", "timeout"], "must be ok, error or timeout").default("ok"),
  timeoutMs: durationMs.optional(),
  error: text.optional(),
  severity: z.enum(["critical", "high", "medium", "low"], "must be critical, high, medium or low").default("high"),
  recoverySuggestions: z.array(text).min(1, "must list at least one suggestion").optional(),
});

/** A partial result: emits `partial_result`, then waits `delayMs`. */
export const partialStepSchema = z.strictObject({ kind: z.literal("partial"), content: text, delayMs: durationMs.default(0) });

/** One step of a script. */
export const agentStepSchema = z.discriminatedUnion("kind", [thinkStepSchema, toolStepSchema, partialStepSchema], {
  error: "must be think, tool or partial",
});

/** A whole script. */
export const agentScriptSchema = z
  .strictObject({
    name: text,
    agentType: text,
    steps: z.array(agentStepSchema).min(1, "must have at least one step").max(1_000, "must have at most 1000 steps"),
    finalResponse: text,
  })
  .superRefine((script, context) => {
    script.steps.forEach((step, index) => {
      if (step.kind === "tool" && step.outcome === "timeout" && step.timeoutMs === undefined) {
        context.addIssue({ code: "custom", path: ["steps", index, "timeoutMs"], message: "is required when outcome is timeout" });
      }
      if (step.kind === "tool" && step.outcome === "timeout" && step.timeoutMs !== undefined && step.timeoutMs >= step.durationMs) {
        context.addIssue({ code: "custom", path: ["steps", index, "timeoutMs"], message: "must be below durationMs for a timeout" });
      }
    });
  });

/** A validated agent script. */
export type AgentScript = z.output<typeof agentScriptSchema>;
/** One validated step. */
export type AgentStep = z.output<typeof agentStepSchema>;
/** A script as written in a file (defaults not yet applied). */
export type AgentScriptInput = z.input<typeof agentScriptSchema>;
