/**
 * The console lines that carry a flagged session's record out of a k6 VU (the one
 * channel k6, any version, and the Node runner share outside handleSummary):
 * `aep-trace <id> <index>/<count> <base64 chunk>`. Written by sessionRecorder.ts inside
 * the VU, read back by `npm run load` (load/collectFlaggedSessions.ts). No engine API:
 * both sides import it.
 */

/** The marker that starts a record line. */
export const TRACE_LINE_MARKER = "aep-trace";

/** Base64 characters per console line. */
export const TRACE_CHUNK_CHARACTERS = 16_384;

const TRACE_LINE = new RegExp(`${TRACE_LINE_MARKER} (\\S+) (\\d+)/(\\d+) ([A-Za-z0-9+/=]+)`);

/** The lines of record `recordId` whose content is `base64`. */
export function formatTraceConsoleLines(recordId: string, base64: string): string[] {
  const count = Math.max(1, Math.ceil(base64.length / TRACE_CHUNK_CHARACTERS));
  const lines: string[] = [];
  for (let index = 0; index < count; index += 1) {
    lines.push(`${TRACE_LINE_MARKER} ${recordId} ${index + 1}/${count} ${base64.slice(index * TRACE_CHUNK_CHARACTERS, (index + 1) * TRACE_CHUNK_CHARACTERS)}`);
  }
  return lines;
}

/** One record line read back (anywhere in a log line: engines prefix their own fields), or undefined. */
export function parseTraceConsoleLine(line: string): { recordId: string; index: number; count: number; chunk: string } | undefined {
  const match = TRACE_LINE.exec(line);
  if (match === null) return undefined;
  return { recordId: match[1] ?? "", index: Number(match[2]), count: Number(match[3]), chunk: match[4] ?? "" };
}
