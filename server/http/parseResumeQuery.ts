/**
 * Reads the resume request of an upgrade URL: `last_seq=<n>&epoch=<e>`, both or neither.
 * Anything else is a 400 with a sentence naming the parameter and the rule.
 */
import type { ResumeRequest } from "../manager/planResume.ts";

/** Longest accepted epoch, characters. */
export const EPOCH_LENGTH_MAX = 128;

/** The resume request (undefined for a fresh connection), or why the query is refused. */
export function parseResumeQuery(query: URLSearchParams): { ok: true; resume: ResumeRequest | undefined } | { ok: false; message: string } {
  const lastSeqValues = query.getAll("last_seq");
  const epochValues = query.getAll("epoch");
  if (lastSeqValues.length > 1) return { ok: false, message: "last_seq: must be given at most once" };
  if (epochValues.length > 1) return { ok: false, message: "epoch: must be given at most once" };
  const lastSeqText = lastSeqValues[0];
  const epoch = epochValues[0];
  if (lastSeqText === undefined && epoch === undefined) return { ok: true, resume: undefined };
  if (lastSeqText === undefined) return { ok: false, message: "last_seq: is required with epoch (resume needs both last_seq and epoch)" };
  if (epoch === undefined) return { ok: false, message: "epoch: is required with last_seq (resume needs both last_seq and epoch)" };
  const lastSeq = Number(lastSeqText);
  if (!/^\d{1,16}$/.test(lastSeqText) || !Number.isSafeInteger(lastSeq)) {
    return { ok: false, message: `last_seq: must be a non-negative integer, got "${lastSeqText.slice(0, 32)}"` };
  }
  if (epoch.length === 0 || epoch.length > EPOCH_LENGTH_MAX) {
    return { ok: false, message: `epoch: must be a non-empty string of at most ${EPOCH_LENGTH_MAX} characters` };
  }
  return { ok: true, resume: { lastSeq, epoch } };
}
