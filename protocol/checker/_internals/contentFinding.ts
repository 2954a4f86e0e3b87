/**
 * Invariant 5: a frame that validateServerFrame refuses (unknown type included) becomes
 * one finding; the frame is then not fed to any other check.
 */
import type { Finding } from "./ViolationSink.ts";

/** Characters of a frame's text quoted in a message at most. */
const QUOTED_CHARACTERS_MAX = 120;

/** The finding for an invalid frame; `problems` comes from validateServerFrame. */
export function contentFinding(frame: unknown, options: { problems: string; subject: string }): Finding {
  const record = typeof frame === "object" && frame !== null && !Array.isArray(frame) ? (frame as Record<string, unknown>) : undefined;
  const type = typeof record?.type === "string" ? record.type : undefined;
  const seq = typeof record?.seq === "number" ? record.seq : undefined;
  const runId = typeof record?.run_id === "string" ? record.run_id : undefined;
  const kind =
    record === undefined
      ? "not_an_object"
      : options.problems.startsWith("type: ") && options.problems.includes("is not a server frame type")
        ? "unknown_type"
        : options.problems.includes("is required")
          ? "missing_field"
          : "invalid_field";
  const what =
    record === undefined
      ? `a frame that is not a JSON object (${quote(frame)})`
      : `${type === undefined ? "a frame without a type" : `a ${type} frame`}${seq === undefined ? "" : ` seq ${seq}`}${runId === undefined ? "" : ` of run ${runId}`}`;
  const finding: Finding = {
    invariant: "content",
    kind,
    message: `${options.subject}: received ${what} that breaks the protocol (${truncate(options.problems, 400)}).`,
  };
  if (runId !== undefined) finding.runId = runId;
  if (seq !== undefined && Number.isFinite(seq)) finding.seqs = [seq];
  return finding;
}

function quote(value: unknown): string {
  const text = typeof value === "string" ? JSON.stringify(value) : String(JSON.stringify(value) ?? value);
  return truncate(text, QUOTED_CHARACTERS_MAX);
}

function truncate(text: string, charactersMax: number): string {
  return text.length <= charactersMax ? text : `${text.slice(0, charactersMax)}…`;
}
