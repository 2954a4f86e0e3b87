/**
 * `needless_resync` (invariant 8, category safety): a `resync_required` answering a
 * resume although the server still held everything after the resume point. Judged from
 * the frame itself, so it works on any client trace: in the resumed epoch, with a resume
 * point not ahead of the server's newest seq, `oldest_seq <= last_seq + 1` says the
 * buffer reached back far enough. docs/protocol.md: `last_seq = oldest_seq - 1` is lossless.
 */
import type { ResyncRequiredFrame } from "../../frames.ts";
import type { ConnectionState } from "./checkerState.ts";
import { NO_FINDINGS, type Finding } from "./ViolationSink.ts";

/** The finding for a needless resync on `connection`, or none; read-only. */
export function checkNeedlessResync(connection: Pick<ConnectionState, "resume">, frame: ResyncRequiredFrame, subject: string): readonly Finding[] {
  const resume = connection.resume;
  if (resume === undefined || resume.epoch !== frame.epoch) return NO_FINDINGS;
  if (resume.lastSeq > frame.last_seq || frame.oldest_seq > resume.lastSeq + 1) return NO_FINDINGS;
  return [
    {
      invariant: "completeness",
      kind: "needless_resync",
      category: "safety",
      seqs: [resume.lastSeq, frame.oldest_seq],
      message:
        `${subject}: resync_required (epoch ${frame.epoch}, oldest_seq ${frame.oldest_seq}, last_seq ${frame.last_seq}) answered a resume ` +
        `from seq ${resume.lastSeq} although the server still held every seq after it (lossless when last_seq >= oldest_seq - 1).`,
    },
  ];
}
