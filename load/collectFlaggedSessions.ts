/**
 * Collects the records of flagged k6 sessions from the engine's console (k6 and the
 * Node runner both print them there: load/lib/traceConsoleLines.ts) and writes each
 * whole one in the simulator's layout, `<directory>/<id>/trace.jsonl` with a
 * `summary.json` beside it (liveRunSummary.ts: the full checker's verdict on the trace
 * and the target), so `npm run report` draws it and `npm run sim -- --replay` re-checks
 * it. Node side only (the CLI edge).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkResult, simSummarySchema } from "../protocol/resultSchemas.ts";
import { checkTrace } from "../protocol/checker/checkTrace.ts";
import { liveRunSummary } from "./liveRunSummary.ts";
import { parseTraceConsoleLine } from "./lib/traceConsoleLines.ts";

/** A collector fed every console line of a run. */
export interface FlaggedSessionCollector {
  /** Takes the line when it belongs to a record (true), else leaves it to be shown (false). */
  line(line: string): boolean;
  /** The trace files written, in order. */
  readonly written: string[];
  /** Whole records not written because `recordsMax` were already. */
  readonly dropped: number;
}

/** Makes a collector writing at most `recordsMax` records under `directory`. */
export function createFlaggedSessionCollector(directory: string, options: { recordsMax: number; target: string; scriptName: string }): FlaggedSessionCollector {
  const pending = new Map<string, string[]>();
  const written: string[] = [];
  let dropped = 0;

  function write(recordId: string, text: string): void {
    const sessionDirectory = join(directory, recordId.replace(/[^\w.-]/g, "_"));
    mkdirSync(sessionDirectory, { recursive: true });
    const path = join(sessionDirectory, "trace.jsonl");
    writeFileSync(path, text);
    const times = [...text.matchAll(/^\{"t":(\d+)/gm)].map((match) => Number(match[1]));
    const summary = liveRunSummary({
      target: options.target,
      scenario: `k6 ${options.scriptName}`,
      verdict: checkTrace(text, { requireRunsComplete: false }),
      startedAtMs: times[0] ?? 0,
      endedAtMs: times[times.length - 1] ?? 0,
      repro: `npm run sim -- --replay ${path}`,
    });
    const summaryPath = join(sessionDirectory, "summary.json");
    writeFileSync(summaryPath, `${JSON.stringify(checkResult(simSummarySchema, { ...summary, totals: { traceLines: times.length } }, summaryPath), null, 2)}\n`);
    written.push(path);
  }

  return {
    line(line) {
      const part = parseTraceConsoleLine(line);
      if (part === undefined) return false;
      const chunks = pending.get(part.recordId) ?? [];
      pending.set(part.recordId, chunks);
      chunks[part.index - 1] = part.chunk;
      if (chunks.filter((chunk) => chunk !== undefined).length < part.count) return true;
      pending.delete(part.recordId);
      if (written.length >= options.recordsMax) dropped += 1;
      else write(part.recordId, Buffer.from(chunks.join(""), "base64").toString("utf8"));
      return true;
    },
    written,
    get dropped() {
      return dropped;
    },
  };
}
