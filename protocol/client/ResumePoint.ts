/**
 * Where a client resumes: the epoch of its stream and the highest seq it holds
 * contiguously in it. Sent as `last_seq=<lastSeq>&epoch=<epoch>` on the next connect
 * (docs/protocol.md, "Delivery").
 */

/** A resume point: everything up to `lastSeq` of stream `epoch` is held, with no hole. */
export interface ResumePoint {
  /** The stream's epoch, as the server named it. */
  epoch: string;
  /** Highest contiguous seq held (0: none). */
  lastSeq: number;
}
