/**
 * The scripts the runtime knows without any scenario file, so `npm run serve` works
 * out of the box. `golden-path` is seed 001's "Analyze my system performance".
 */
import { agentScriptSchema, type AgentScript, type AgentScriptInput } from "./agentScript.ts";

const goldenPath: AgentScriptInput = {
  name: "golden-path",
  agentType: "performance_analyst",
  steps: [
    { kind: "think", content: "Understanding the request: analyze system performance.", durationMs: 150 },
    { kind: "tool", name: "query_metrics", args: { window: "1h", metrics: ["cpu", "memory", "latency"] }, durationMs: 400, result: "cpu p95 71%, memory 58%, api latency p99 420 ms" },
    { kind: "think", content: "Latency p99 is high while CPU is moderate; checking the logs for slow paths.", durationMs: 120 },
    { kind: "tool", name: "analyze_logs", args: { window: "1h", level: "warn" }, durationMs: 500, result: "312 slow-query warnings from orders-db" },
    { kind: "partial", content: "Found a likely cause: slow queries on orders-db.", delayMs: 80 },
    { kind: "think", content: "Drafting recommendations.", durationMs: 100 },
  ],
  finalResponse: "API latency is driven by slow orders-db queries; add an index on orders(created_at) and cache the dashboard query.",
};

const quick: AgentScriptInput = {
  name: "quick",
  agentType: "echo",
  steps: [
    { kind: "think", content: "Reading the message.", durationMs: 0 },
    { kind: "tool", name: "lookup", args: { key: "answer" }, durationMs: 0, result: "found" },
    { kind: "partial", content: "Almost there.", delayMs: 0 },
  ],
  finalResponse: "Done.",
};

/** Built-in scripts by name; `golden-path` is the default for `start_agent` without `scenario`. */
export const DEFAULT_SCRIPTS: ReadonlyMap<string, AgentScript> = new Map(
  [goldenPath, quick].map((input) => {
    const script = agentScriptSchema.parse(input);
    return [script.name, script] as const;
  }),
);

/** The script used when `start_agent` names none. */
export const DEFAULT_SCRIPT_NAME = "golden-path";
