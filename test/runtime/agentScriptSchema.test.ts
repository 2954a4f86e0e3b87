/**
 * Agent scripts are validated at the edge with one message per problem that names the
 * field and the rule (STYLE: bad input names the problem and the fix): a duration past
 * its bound, an unknown step kind, and the two cross-field rules of a timing-out tool.
 * The sweep only loads valid scripts, so none of these messages is ever seen by it.
 */
import { describe, expect, test } from "vitest";
import { agentScriptSchema } from "../../server/runtime/agentScript.ts";

/** The issues of `steps`, as "path: message". */
function issuesOf(steps: unknown[]): string[] {
  const parsed = agentScriptSchema.safeParse({ name: "s", agentType: "t", steps, finalResponse: "done" });
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

const tool = { kind: "tool", name: "search", args: { q: "x" }, durationMs: 1_000, result: "r" };

describe("agent script validation", () => {
  test("a valid script has no issue", () => {
    expect(issuesOf([{ kind: "think", content: "hm", durationMs: 10 }, tool, { ...tool, outcome: "timeout", timeoutMs: 500 }])).toEqual([]);
  });

  test("a duration past 10 minutes names the bound", () => {
    expect(issuesOf([{ kind: "think", content: "hm", durationMs: 600_001 }])).toEqual(["steps.0.durationMs: must be <= 600000 ms"]);
  });

  test("an unknown step kind names the three kinds", () => {
    expect(issuesOf([{ kind: "sleep", durationMs: 10 }])).toEqual(["steps.0.kind: must be think, tool or partial"]);
  });

  test("a tool that ends on its own (ok or error) may carry a timeoutMs at or past its durationMs: the rule binds a timing-out tool only", () => {
    expect(issuesOf([{ ...tool, timeoutMs: 1_000 }, { ...tool, outcome: "error", error: "boom", timeoutMs: 5_000 }])).toEqual([]);
  });

  test("a timing-out tool needs a timeoutMs, below its durationMs", () => {
    expect(issuesOf([{ ...tool, outcome: "timeout" }])).toEqual(["steps.0.timeoutMs: is required when outcome is timeout"]);
    expect(issuesOf([tool, { ...tool, outcome: "timeout", timeoutMs: 1_000 }])).toEqual(["steps.1.timeoutMs: must be below durationMs for a timeout"]);
  });
});
