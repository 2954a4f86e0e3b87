/**
 * `handleSummary` of every agent-event script: k6's summary JSON to
 * `<SUMMARY_DIR>/<script>-summary.json` (default `results/load`) and our text
 * summary to stdout. Identical under real k6 and the Node runner.
 */
import { envString, type ScriptEnv } from "./env.ts";
import { formatTextSummary, type SummaryData } from "./textSummary.ts";

/** Where summaries go unless `SUMMARY_DIR` says otherwise (relative to the working directory). */
export const DEFAULT_SUMMARY_DIR = "results/load";

/** The path of a script's summary JSON under `env`. */
export function summaryJsonPath(scriptName: string, env: ScriptEnv): string {
  return `${envString(env, "SUMMARY_DIR", { fallback: DEFAULT_SUMMARY_DIR }).replace(/\/+$/, "")}/${scriptName}-summary.json`;
}

/** What handleSummary returns: destination (`stdout` or a file path) -> content. */
export function summaryOutputs(data: SummaryData, options: { scriptName: string; env: ScriptEnv }): Record<string, string> {
  return {
    stdout: `\n${formatTextSummary(options.scriptName, data)}\n`,
    [summaryJsonPath(options.scriptName, options.env)]: `${JSON.stringify(data, null, 2)}\n`,
  };
}
