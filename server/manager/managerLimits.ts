/**
 * Every bound the connection manager enforces (STYLE rule 6), with its unit in the
 * name and a default. Passing one is a traced decision (see ManagerDecision), never silent.
 */
export interface ManagerLimits {
  /** Events kept per user for resume. Older ones are evicted (a later resume past them gets resync_required). */
  replayEventsMax: number;
  /** Serialized bytes kept per user for resume, same eviction rule. */
  replayBytesMax: number;
  /**
   * Unsent bytes a socket may hold before it is closed as a slow consumer (4409). A
   * resume's replay is written in one burst and may sit on top of this bound (at most
   * replayBytesMax) until the socket drains below it again.
   */
  bufferedBytesMax: number;
  /** Interval between heartbeat pings, ms. */
  heartbeatMs: number;
  /** Unanswered pings after which a connection is closed with 4408. */
  heartbeatMissesMax: number;
  /** Open connections per user; one more is refused. */
  connectionsPerUserMax: number;
  /** Open connections in total; one more is refused. */
  connectionsMax: number;
  /** Client frames per connection per rate window; more closes the connection with 1008. */
  messagesPerWindowMax: number;
  /** Length of the rate window, ms. */
  messageWindowMs: number;
  /** Largest client frame, bytes; bigger closes with 1009 (docs/protocol.md fixes 64 KiB). */
  clientFrameBytesMax: number;
  /**
   * Streams (epoch, seq, replay buffer) kept for users with no open connection. One more
   * evicts the stream idle the longest (decision `stream_evicted`, reason
   * `users_retained_max`). With {@link connectionsMax} this bounds the streams held:
   * at most connectionsMax + usersRetainedMax.
   */
  usersRetainedMax: number;
  /**
   * A stream whose user has no open connection and that received no event for this
   * long is evicted, ms (decision `stream_evicted`, reason `idle_timeout`). A later
   * resume gets `resync_required` with the new stream's epoch: loss is announced, never silent.
   */
  streamIdleMs: number;
  /**
   * How long a closed connection's ack floor keeps holding its user's replay buffer, ms.
   * Acks from a user's other devices then cannot trim away what a device that was cut
   * off (4409, a drop, a failed send) still needs to resume without loss. The event and
   * byte bounds still apply; past them a resume gets `resync_required`.
   */
  departedHoldMs: number;
  /** Closed connections whose ack floor is held per user; past it the oldest is released. */
  departedHeldPerUserMax: number;
  /**
   * Runs in flight (an event seen, no `agent_completed` yet) whose silence the manager
   * measures for /metrics; one more forgets the run silent the longest (counted).
   */
  runsTrackedMax: number;
}

/**
 * Defaults, sized for an agent chat: 10k events or 16 MiB of replay per user, 15 s
 * heartbeat; a disconnected user's stream is kept 30 min (a closed laptop lid, a
 * commute) and at most 10k of them at once.
 */
export const DEFAULT_MANAGER_LIMITS: Readonly<ManagerLimits> = Object.freeze({
  replayEventsMax: 10_000,
  replayBytesMax: 16 * 1024 * 1024,
  bufferedBytesMax: 1024 * 1024,
  heartbeatMs: 15_000,
  heartbeatMissesMax: 2,
  connectionsPerUserMax: 16,
  connectionsMax: 20_000,
  messagesPerWindowMax: 200,
  messageWindowMs: 1_000,
  clientFrameBytesMax: 64 * 1024,
  usersRetainedMax: 10_000,
  streamIdleMs: 30 * 60_000,
  departedHoldMs: 10 * 60_000,
  departedHeldPerUserMax: 64,
  runsTrackedMax: 100_000,
});

/** Merges `overrides` onto the defaults and asserts every limit is a positive integer. */
export function resolveManagerLimits(overrides: Partial<ManagerLimits> = {}): ManagerLimits {
  const limits: ManagerLimits = { ...DEFAULT_MANAGER_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value <= 0) {
      throw new RangeError(`manager limit ${name} must be a positive integer, got ${String(value)}`);
    }
  }
  return limits;
}
