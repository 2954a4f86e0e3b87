/**
 * Decides how a resume request is served: losslessly from the replay buffer, or with
 * `resync_required` (announced loss) and then whatever the buffer holds. A pure
 * function, injectable into the manager so the bug zoo can swap in broken policies.
 */
/** A resume request from the upgrade URL (`last_seq`, `epoch`). */
export interface ResumeRequest {
  lastSeq: number;
  epoch: string;
}

/** The user's stream as the resume decision needs it. */
export interface StreamPosition {
  epoch: string;
  /** Newest seq emitted (0 when none). */
  lastSeq: number;
  /** Oldest seq held in the replay buffer, or lastSeq + 1 when it holds none. */
  oldestSeq: number;
}

/** How to serve a resume: replay everything after `fromSeq`, announcing loss first when `resync`. */
export type ResumePlan = { resync: false; fromSeq: number } | { resync: true; fromSeq: number };

/** The protocol's rule: lossless only in the same epoch, with `lastSeq` inside [oldestSeq - 1, lastSeq]. */
export function planResume(stream: StreamPosition, resume: ResumeRequest): ResumePlan {
  const lossless =
    resume.epoch === stream.epoch && resume.lastSeq <= stream.lastSeq && resume.lastSeq >= stream.oldestSeq - 1;
  return lossless ? { resync: false, fromSeq: resume.lastSeq } : { resync: true, fromSeq: stream.oldestSeq - 1 };
}
