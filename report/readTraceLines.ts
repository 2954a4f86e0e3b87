/**
 * Reads a JSONL trace and yields its lines as objects, lazily, so only the text is
 * held in memory and not every parsed object at once. Lines that do not parse are
 * counted, never thrown: a trace cut short by a crash is still worth drawing.
 */
import { readFile, stat } from "node:fs/promises";

/** Default bound on the size of a trace the report reads, bytes. */
export const TRACE_BYTES_MAX_DEFAULT = 256 * 1024 * 1024;

/** What {@link readTraceLines} found. */
export interface TraceLines {
  /** Yields each line that is a JSON object; may be iterated once. */
  lines: Iterable<Record<string, unknown>>;
  /** Lines that were not JSON objects, counted while iterating. */
  readonly unreadable: number;
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
  const state = { unreadable: 0 };
  function* parse(): Generator<Record<string, unknown>> {
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf("\n", start);
      if (end === -1) end = text.length;
      const line = text.slice(start, end).trim();
      start = end + 1;
      if (line === "") continue;
      try {
        const value: unknown = JSON.parse(line);
        if (typeof value === "object" && value !== null && !Array.isArray(value)) yield value as Record<string, unknown>;
        else state.unreadable += 1;
      } catch {
        state.unreadable += 1;
      }
    }
  }
  return {
    lines: parse(),
    get unreadable() {
      return state.unreadable;
    },
  };
}
