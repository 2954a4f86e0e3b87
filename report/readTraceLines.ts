/**
 * Reads a JSONL trace through the one trace reader (protocol/readTrace.ts) and yields
 * its lines, lazily, so only the text is held in memory and not every parsed object at
 * once. Lines it cannot read (the same lines the checker rejects) are counted, never
 * thrown: a trace cut short by a crash is still worth drawing.
 */
import { readFile, stat } from "node:fs/promises";
import { readTrace, type TraceLineProblem } from "../protocol/readTrace.ts";
import type { TraceLine } from "../protocol/trace.ts";

/** Default bound on the size of a trace the report reads, bytes. */
export const TRACE_BYTES_MAX_DEFAULT = 256 * 1024 * 1024;

/** What {@link readTraceLines} found. */
export interface TraceLines {
  /** Yields each line readTrace could read; may be iterated once. */
  lines: Iterable<TraceLine>;
  /** Lines readTrace could not read, counted while iterating. */
  readonly unreadable: number;
  /** The first of them, with its line number and the reader's sentence, once iterated past. */
  readonly firstProblem: TraceLineProblem | undefined;
}

/**
 * The trace at `path`, or a sentence saying why it cannot be read (missing, too big).
 */
export async function readTraceLines(path: string, options: { bytesMax?: number } = {}): Promise<TraceLines | string> {
  const bytesMax = options.bytesMax ?? TRACE_BYTES_MAX_DEFAULT;
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    return `No trace next to the summary (${path} is missing), so no timeline or trace charts.`;
  }
  if (size > bytesMax) return `The trace is ${Math.round(size / 1024 / 1024)} MiB, over the report's ${Math.round(bytesMax / 1024 / 1024)} MiB bound; not drawn.`;
  const text = await readFile(path, "utf8");
  const state: { unreadable: number; firstProblem: TraceLineProblem | undefined } = { unreadable: 0, firstProblem: undefined };
  function* readable(): Generator<TraceLine> {
    for (const entry of readTrace(text)) {
      if ("line" in entry) {
        yield entry.line;
        continue;
      }
      state.unreadable += 1;
      state.firstProblem ??= entry;
    }
  }
  return {
    lines: readable(),
    get unreadable() {
      return state.unreadable;
    },
    get firstProblem() {
      return state.firstProblem;
    },
  };
}
