/**
 * The one reader of recorded traces (JSONL, protocol/trace.ts): one validator per line
 * kind the checker reads (`open`, `send`, `recv`, `close`), and for every other kind
 * (faults, server decisions, emits…) only the fields every line has (`t`, `kind`). The
 * checker (`checkTrace`), the report and the properties all read traces through it, so
 * a line one of them rejects, all of them reject, with the same sentence.
 *
 * Plain validators, no schema library, in the style of validateFrame.ts: it is bundled
 * with the checker into k6 scripts, and replays of long traces run it on every line.
 * A valid line costs one JSON.parse and no copy: the parsed object is returned as is.
 */
import type { TraceCheckedLine, TraceLine } from "./trace.ts";

/** A line that could not be read: its 1-based number in the file and a sentence quoting it. */
export interface TraceLineProblem {
  lineNumber: number;
  problem: string;
}

/** A line that was read, with its 1-based number in the file. */
export interface TraceLineRead {
  lineNumber: number;
  line: TraceLine;
}

/** One non-blank line of a trace: read, or a problem. */
export type TraceEntry = TraceLineRead | TraceLineProblem;

/** Characters of a bad line quoted in a problem at most. */
const QUOTED_CHARACTERS_MAX = 80;

/** The kinds the checker reads; every other kind is kept for people. */
const CHECKED_KINDS: ReadonlySet<string> = new Set(["open", "send", "recv", "close"]);

/** Whether `line` is one the checker reads (then `line.kind` narrows to open, send, recv or close). */
export function isCheckedLine(line: TraceLine): line is TraceCheckedLine {
  return CHECKED_KINDS.has(line.kind);
}

function quote(line: string): string {
  return line.length <= QUOTED_CHARACTERS_MAX ? line : `${line.slice(0, QUOTED_CHARACTERS_MAX)}…`;
}

/** A parsed line with `t` and `kind` checked; the per-kind validators check the rest. */
type Fields = Record<string, unknown> & { t: number; kind: string; conn: string };

/** Why an `open` line is not one, or undefined. */
function openProblem(fields: Fields): string | undefined {
  const { device, user, resume } = fields;
  if (typeof device !== "string" || device === "" || typeof user !== "string" || user === "") return "an open line needs non-empty string device and user";
  if (resume === undefined) return undefined;
  const resumeFields = typeof resume === "object" && resume !== null ? (resume as Record<string, unknown>) : {};
  const { epoch, last_seq: lastSeq } = resumeFields;
  if (typeof epoch !== "string" || typeof lastSeq !== "number" || !Number.isInteger(lastSeq) || lastSeq < 0) {
    return "an open line's resume needs a string epoch and a non-negative integer last_seq";
  }
  return undefined;
}

/** The validator of each kind the checker reads (conn already checked): a problem sentence, or undefined when valid. */
const CHECKED_LINE_PROBLEM: Readonly<Record<TraceCheckedLine["kind"], (fields: Fields) => string | undefined>> = {
  open: openProblem,
  send: (fields) => ("frame" in fields ? undefined : "a send line needs a frame"),
  recv: (fields) => ("frame" in fields || typeof fields.raw === "string" ? undefined : "a recv line needs a frame or a raw string"),
  close: (fields) => (typeof fields.code === "number" ? undefined : "a close line needs a numeric code"),
};

/**
 * Reads one line of a trace (without its newline): the typed line, or a sentence naming
 * the problem and quoting the line (at most 80 characters of it).
 */
export function readTraceLine(text: string): TraceLine | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not JSON (${(error as Error).message}): ${quote(text)}`;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return `not a JSON object: ${quote(text)}`;
  const fields = value as Record<string, unknown>;
  const { t, kind, conn } = fields;
  if (typeof t !== "number" || !Number.isFinite(t)) return `field t must be a number (ms): ${quote(text)}`;
  if (typeof kind !== "string") return `field kind must be a string: ${quote(text)}`;
  if (!CHECKED_KINDS.has(kind)) return fields as TraceLine;
  if (typeof conn !== "string" || conn === "") return `a ${kind} line needs a non-empty string conn: ${quote(text)}`;
  const problem = CHECKED_LINE_PROBLEM[kind as TraceCheckedLine["kind"]](fields as Fields);
  return problem === undefined ? (fields as TraceLine) : `${problem}: ${quote(text)}`;
}

/**
 * Reads a whole trace lazily, line by line (so a caller that draws or checks as it goes
 * never holds every parsed line): each non-blank line as a {@link TraceEntry}. Lines are
 * split on `\n`; a trailing `\r` is dropped; line numbers count blank lines too.
 */
export function* readTrace(text: string): Generator<TraceEntry> {
  let start = 0;
  let lineNumber = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    lineNumber += 1;
    const raw = text.charCodeAt(end - 1) === 13 && end > start ? text.slice(start, end - 1) : text.slice(start, end);
    start = end + 1;
    if (raw.trim() === "") continue;
    const read = readTraceLine(raw);
    yield typeof read === "string" ? { lineNumber, problem: read } : { lineNumber, line: read };
  }
}
