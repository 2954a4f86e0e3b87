/**
 * What a `resync_required` cost the app, as far as the client can tell: passed to
 * `EventClientOptions.onResync` once per resync (not on the per-event path).
 */

/** The client's position before the resync and the events it will never see. */
export interface ResyncLoss {
  /** The epoch the client held before (null: none yet). */
  previousEpoch: string | null;
  /** The resume point before (highest contiguous seq held in `previousEpoch`). */
  previousLastSeq: number;
  /**
   * Events lost: `oldest_seq - 1 - previousLastSeq` when the epoch is the same (0 when the
   * server resynced a client that claimed to be ahead); null when the epoch changed (the old
   * stream's tail and the new stream's head before `oldest_seq` are both unknown).
   */
  lostEvents: number | null;
}
