/**
 * Every bound the connection manager enforces (STYLE rule 6), with its unit in the
 * name and a default. Passing one is a traced decision (see ManagerDecision), never silent.
 */
export interface ManagerLimits {
  /** Events kept per user for resume. Older ones are evicted (a later resume past them gets resync_required). */
  replayEventsMax: number;
  /** Serialized bytes kept per user for resume, same eviction rule. */
  replayBytesMax: number;
  /** Unsent bytes a socket may hold before it is closed as a slow consumer (4409). */
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
  /** Largest client frame, bytes; bigger closes with 1009 (PROTOCOL.md fixes 64 KiB). */
  clientFrameBytesMax: number;
}

/** Defaults, sized for an agent chat: 10k events or 16 MiB of replay per user, 15 s heartbeat. */
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
