/**
 * Broker port: where a user's event stream lives. The connection manager keeps fan-out,
 * slow consumers, heartbeats and the resume rule; the broker only assigns seqs, stores
 * the bounded history and feeds this instance the events of the users it follows.
 *
 * Every callback may run synchronously (the in-process broker, so the simulator's traces
 * stay as they were) or later (Redis). The manager never learns which.
 */
import type { AgentEvent } from "../../protocol/frames.ts";

/** One stored event: its serialized frame and what the manager needs to know of it. */
export interface BrokerEntry {
  readonly seq: number;
  readonly text: string;
  /** UTF-8 bytes of `text`. */
  readonly bytes: number;
  /** The event's emission time (its `ts`), ms since the Unix epoch. */
  readonly tsMs: number;
}

/** Where a user's stream stands, as the resume rule needs it. */
export interface BrokerPosition {
  epoch: string;
  /** Newest seq assigned (0 when none). */
  lastSeq: number;
  /** Oldest seq still held, or lastSeq + 1 when none is held. */
  oldestSeq: number;
}

/** An event without the fields the broker assigns (`seq`, `epoch`). */
export type UnstampedEvent = AgentEvent extends infer Event ? (Event extends AgentEvent ? Omit<Event, "seq" | "epoch"> : never) : never;

/**
 * What an append led to, or why the broker could not take it. `event` is the stamped event
 * when the broker answers at once (in-process: what `publish` returns, see stampedAtOnce.ts);
 * a shared broker that answers later leaves it out, since nobody waits for it then.
 */
export type AppendOutcome =
  | { ok: true; userId: string; event?: AgentEvent; evictedEvents: number; oldestSeq: number | undefined }
  | { ok: false; userId: string; error: string };

/** What a range read led to. */
export type ReadOutcome = { ok: true; entries: BrokerEntry[] } | { ok: false; error: string };

/** The manager's side of one followed stream. */
export interface StreamFollower {
  /** The stream's position is known from now on (in-process: inside `follow`). */
  ready(): void;
  /** The next event, seq exactly one more than the previous one delivered. */
  event(entry: BrokerEntry): void;
  /**
   * The feed can no longer promise contiguity (history lost, epoch changed, broker
   * unreachable): every connection of this user must resume. `ready` comes again once the
   * position is known anew.
   */
  lost(reason: string): void;
}

/** Counters of a broker, for /health and /metrics. */
export interface BrokerStats {
  kind: "in-process" | "redis" | "simulated";
  /** False while the broker is unreachable. */
  available: boolean;
  /** Round trips to the broker (0 in-process). */
  roundTrips: number;
  /** Failed round trips and lost feeds. */
  errors: number;
  /** Appends sent and not answered yet. */
  appendsPending: number;
}

/** The broker port. */
export interface StreamBroker {
  /** Starts feeding this user's events to `follower` (one follower per user). */
  follow(userId: string, follower: StreamFollower): void;
  /** Stops feeding; the in-process broker forgets the stream with it (its history is lost). */
  unfollow(userId: string): void;
  /** Where the followed stream stands, as far as the feed has delivered; undefined until `ready`. */
  position(userId: string): BrokerPosition | undefined;
  /** Appends one event; the broker assigns seq and epoch atomically. The event reaches followers through `event`. */
  append(userId: string, event: UnstampedEvent, done: (outcome: AppendOutcome) => void): void;
  /**
   * Reads the held events with `afterSeq` < seq <= `throughSeq`, oldest first. A shared
   * broker whose history no longer starts at max(afterSeq + 1, the oldest seq it reported)
   * answers `ok: false` rather than a range with a hole.
   */
  read(userId: string, range: { afterSeq: number; throughSeq: number }, done: (outcome: ReadOutcome) => void): void;
  /** Drops held events with seq <= `seq` (everyone acknowledged them); returns how many. A shared broker may keep them. */
  trimThrough(userId: string, seq: number): number;
  /** False while the broker is unreachable: new connections are refused, open ones were told to resume. */
  available(): boolean;
  /** Held events of one followed user. */
  held(userId: string): { events: number; bytes: number };
  stats(): BrokerStats;
  /** Releases connections and timers. */
  close(): Promise<void>;
}
