import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve as resolvePath } from "node:path";
import { describeError } from "./executors/runIteration.ts";
import { realTime } from "./realTime.ts";
import type { RunLogger } from "./runLogger.ts";
import { legacySummaryExport } from "./summary/legacySummaryExport.ts";
import type { SummaryData } from "./summary/summaryData.ts";
import { textSummary } from "./summary/textSummary.ts";
import type { TestRun } from "./testRun.ts";

/**
 * What the end of the run writes, by destination (`stdout`, `stderr`, or a
 * file path): `handleSummary(data)`'s result when the script exports one,
 * else the default text summary on stdout; plus the `--summary-export` file.
 * As in k6, a handleSummary that throws (or times out) is logged and the
 * default summary is used instead.
 */
export async function summaryOutputs(
  run: TestRun,
  summary: SummaryData,
  options: { hasHandleSummary: boolean; timeoutMs: number; summaryExport: string | undefined },
): Promise<Record<string, string>> {
  const outputs = (options.hasHandleSummary ? await handleSummaryOutputs(run, summary, options.timeoutMs) : undefined) ?? {
    stdout: `\n${textSummary(summary)}\n\n`,
  };
  if (options.summaryExport !== undefined && options.summaryExport !== "") outputs[options.summaryExport] = legacySummaryExport(summary);
  return outputs;
}

/** Writes `outputs`: `stdout`/`stderr` to those streams, anything else to a file under `cwd` (parents created). */
export async function writeSummaryOutputs(
  outputs: Readonly<Record<string, string>>,
  io: { cwd: string; stdout: (text: string) => void; stderr: (text: string) => void; log: RunLogger },
): Promise<void> {
  for (const [destination, content] of Object.entries(outputs)) {
    if (destination === "stdout") io.stdout(content);
    else if (destination === "stderr") io.stderr(content);
    else {
      const path = resolvePath(io.cwd, destination);
      try {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, content);
      } catch (error) {
        io.log.error(`failed to handle the end-of-test summary: ${(error as Error).message}`);
      }
    }
  }
}

async function handleSummaryOutputs(run: TestRun, summary: SummaryData, timeoutMs: number): Promise<Record<string, string> | undefined> {
  const vu = await run.loadVu(0, 0);
  const handleSummary = vu.exports["handleSummary"] as (data: unknown) => unknown;
  const timer = realTime.setTimeout(() => {
    run.log.error(`handleSummary() execution timed out after ${timeoutMs / 1000} seconds`);
    vu.interrupt();
  }, timeoutMs);
  const outcome = await vu.runScoped(() => handleSummary(structuredClone(summary)));
  realTime.clearTimeout(timer);
  if (outcome.interrupted) return undefined;
  if (outcome.failure !== undefined) {
    run.log.error(describeError(outcome.failure.error), { source: "stacktrace" });
    return undefined;
  }
  const result = outcome.value;
  if (result === undefined || result === null) return undefined;
  if (typeof result !== "object" || Array.isArray(result)) {
    run.log.error("handleSummary() should return a map with string keys");
    return undefined;
  }
  const outputs: Record<string, string> = {};
  for (const [destination, content] of Object.entries(result as Record<string, unknown>)) {
    const text = contentText(content);
    if (text === undefined) run.log.error(`error handling summary object ${destination}: the value must be a string or an ArrayBuffer`);
    else outputs[destination] = text;
  }
  return outputs;
}

function contentText(content: unknown): string | undefined {
  if (typeof content === "string") return content;
  if (content instanceof ArrayBuffer) return Buffer.from(content).toString("utf8");
  if (ArrayBuffer.isView(content)) return Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString("utf8");
  return undefined;
}
