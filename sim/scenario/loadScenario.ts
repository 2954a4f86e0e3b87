/**
 * Reads and validates a scenario file. Every problem is reported at once, each naming
 * the file, the field and the rule: `scenarios/x.json: faults.dropPerMille: must be <= 1000`.
 */
import { readFileSync } from "node:fs";
import { formatIssues } from "../../protocol/schemas.ts";
import { DEFAULT_SCRIPTS } from "../../server/runtime/defaultScripts.ts";
import type { z } from "zod";
import { scenarioSchema, type Scenario } from "./scenarioSchema.ts";

/** A scenario file that cannot be used; `message` says why, naming the file and field. */
export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScenarioError";
  }
}

/** Validates an already-parsed scenario value; `source` names it in errors. */
export function parseScenario(value: unknown, source: string): Scenario {
  const parsed = scenarioSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    // formatIssues names the root of a wire frame "frame"; a scenario's root is the file itself.
    const lines = [
      ...issues.filter((issue) => issue.path.length === 0).map((issue) => `${source}: ${describeTopLevelIssue(issue)}`),
      ...issues.filter((issue) => issue.path.length > 0).map((issue) => `${source}: ${formatIssues([issue])}`),
    ];
    throw new ScenarioError(lines.join("\n"));
  }
  const scenario = parsed.data;
  const known = new Set([...DEFAULT_SCRIPTS.keys(), ...scenario.agentScripts.map((script) => script.name)]);
  scenario.scripts.forEach((name, index) => {
    if (!known.has(name)) {
      throw new ScenarioError(`${source}: scripts.${index}: unknown script "${name}" (known: ${[...known].join(", ")})`);
    }
  });
  return scenario;
}

/** Reads `path` (JSON) and validates it. Throws {@link ScenarioError} with a precise message. */
export function loadScenario(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ScenarioError(`${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(`${path}: not valid JSON: ${(error as Error).message}`);
  }
  return parseScenario(value, path);
}

/** A problem with the file's value as a whole, in words that name the fix. */
function describeTopLevelIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type") {
    const received = /received (\w+)/.exec(issue.message)?.[1] ?? "something else";
    return `the file must hold one JSON object of scenario fields (name, description, users, runsPerUser, scripts, …), got ${received === "array" ? "an array" : received === "null" ? "null" : `a ${received}`}`;
  }
  if (issue.code === "unrecognized_keys") {
    return `unknown field${issue.keys.length === 1 ? "" : "s"} ${issue.keys.map((key) => `"${key}"`).join(", ")} (known: ${Object.keys(scenarioSchema.shape).join(", ")})`;
  }
  return issue.message;
}
