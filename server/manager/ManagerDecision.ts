/**
 * Every decision the manager takes at a limit or a fault, as data. The server turns
 * them into metrics and logs; the simulator writes them into its trace.
 */

/** Why the manager refuses a new connection; also the `reason` label of the admission-refusal metric. */
export const ADMIT_REFUSALS = ["connections_per_user", "connections_total", "shutting_down", "broker_unavailable"] as const;

/** One of {@link ADMIT_REFUSALS}. */
export type AdmitRefusal = (typeof ADMIT_REFUSALS)[number];

export type ManagerDecision =
  | { kind: "connection_opened"; connectionId: string; userId: string; resumeFromSeq: number | null }
  | { kind: "connection_refused"; userId: string; reason: AdmitRefusal }
  | { kind: "connection_closed"; connectionId: string; userId: string; code: number; reason: string; byServer: boolean }
  | { kind: "replayed"; connectionId: string; userId: string; fromSeq: number; toSeq: number; count: number }
  | { kind: "resync_required"; connectionId: string; userId: string; requestedEpoch: string; requestedSeq: number; oldestSeq: number; lastSeq: number }
  | { kind: "replay_evicted"; userId: string; count: number; oldestSeq: number | null }
  | { kind: "replay_trimmed"; userId: string; count: number; throughSeq: number }
  | { kind: "slow_consumer"; connectionId: string; userId: string; bufferedBytes: number; limitBytes: number }
  | { kind: "send_failed"; connectionId: string; userId: string; seq: number | null; error: string }
  | { kind: "heartbeat_timeout"; connectionId: string; userId: string; missedPongs: number }
  | { kind: "protocol_error"; connectionId: string; userId: string; code: string; message: string }
  | { kind: "rate_limited"; connectionId: string; userId: string; messages: number; windowMs: number }
  | { kind: "frame_too_big"; connectionId: string; userId: string; bytes: number; limitBytes: number }
  | { kind: "token_expired"; connectionId: string; userId: string }
  /**
   * The broker could not promise this user's stream is contiguous any more (unreachable,
   * history lost, epoch changed, or trimmed during a replay): its connections here are
   * closed with 1013 so they resume, never a silent gap. `connections` is how many.
   */
  | { kind: "stream_lost"; userId: string; reason: string; connections: number }
  /** A broker round trip failed: `operation` is `append` (the event got no seq: nobody saw it) or `read`. */
  | { kind: "broker_error"; userId: string; operation: "append" | "read"; error: string }
  /**
   * A user with no open connection lost its stream (epoch, seq, replay buffer): idle for
   * `streamIdleMs`, or the oldest idle one when more than `usersRetainedMax` were kept.
   * `idleMs` is how long it had been idle; `events` how many buffered events went with it.
   */
  | { kind: "stream_evicted"; userId: string; epoch: string; lastSeq: number; events: number; idleMs: number; reason: StreamEvictionReason };

/** Why a stream was evicted (the `reason` of a `stream_evicted` decision and of its metric). */
export type StreamEvictionReason = "idle_timeout" | "users_retained_max";

/** The kinds of {@link ManagerDecision}. */
export type ManagerDecisionKind = ManagerDecision["kind"];
