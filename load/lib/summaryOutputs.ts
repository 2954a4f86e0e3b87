/**
 * `handleSummary` of every agent-event script: our text summary to stdout, and k6's
 * summary JSON to `<SUMMARY_DIR>/<script>-summary.json` when `SUMMARY_DIR` is set
 * (`npm run load` sets it to the run's folder). Without it nothing is written to a
 * file: k6 cannot create folders, so a plain `k6 run load/dist/<flavour>/<script>.js`
 * from a fresh checkout must not name one (use k6's `--summary-export` for a file).
 * Identical under real k6 and the Node runner. The file's shape is the results schema's
 * (`loadSummarySchema`), checked here by type only: zod does not ride into k6 bundles.
 */
import type { LoadSummaryInput } from "../../protocol/resultSchemas.ts";
import { envString, type ScriptEnv } from "./env.ts";
import { formatTextSummary, type SummaryData } from "./textSummary.ts";

/** The path of a script's summary JSON under `env`, or undefined when `SUMMARY_DIR` is not set. */
export function summaryJsonPath(scriptName: string, env: ScriptEnv): string | undefined {
  const directory = envString(env, "SUMMARY_DIR", { fallback: "" });
  return directory === "" ? undefined : `${directory.replace(/\/+$/, "")}/${scriptName}-summary.json`;
}

/** What handleSummary returns: destination (`stdout` or a file path) -> content. */
export function summaryOutputs(data: SummaryData, options: { scriptName: string; env: ScriptEnv }): Record<string, string> {
  const outputs: Record<string, string> = { stdout: `\n${formatTextSummary(options.scriptName, data)}\n` };
  const jsonPath = summaryJsonPath(options.scriptName, options.env);
  const written: LoadSummaryInput = data;
  if (jsonPath !== undefined) outputs[jsonPath] = `${JSON.stringify(written, null, 2)}\n`;
  return outputs;
}
