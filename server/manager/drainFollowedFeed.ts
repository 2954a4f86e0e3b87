/**
 * How a shared broker's instance-side view applies its feed (the Redis adapter and the
 * simulator's broker view run this same code): queued feed messages are handed to the
 * follower in seq order, exactly once; a message of another epoch loses the feed; an older
 * seq is dropped; a hole is filled by a read of the stream before going on.
 */
import type { BrokerEntry, BrokerPosition, StreamFollower } from "../ports/streamBroker.ts";

/** One feed message: the event and where the stream stood when it was appended. */
export interface FollowedFeedMessage {
  readonly epoch: string;
  readonly oldestSeq: number;
  readonly entry: BrokerEntry;
}

/** A followed stream as the view keeps it. */
export interface FollowedFeed {
  readonly follower: StreamFollower;
  position: BrokerPosition | undefined;
  readonly queue: FollowedFeedMessage[];
  /** A load or a hole fill is in flight: the queue waits. */
  busy: boolean;
}

/** What the view does when the feed cannot go on in order. */
export interface FeedRepairs {
  /** The feed's epoch changed: every connection must resume (the view's loseFeed). */
  lose(reason: string): void;
  /** Reads seqs afterSeq+1 … throughSeq from the stream (sets `busy`; calls {@link applyFilledHole} when answered). */
  fillHole(afterSeq: number, throughSeq: number): void;
}

/** Applies queued feed messages in order until the queue is empty, the feed is busy or lost. */
export function drainFollowedFeed(state: FollowedFeed, repairs: FeedRepairs): void {
  while (!state.busy && state.queue.length > 0) {
    const position = state.position;
    if (position === undefined) return;
    const message = state.queue[0] as FollowedFeedMessage;
    if (message.epoch !== position.epoch) {
      repairs.lose("epoch changed: the stream's history was lost");
      return;
    }
    if (message.entry.seq <= position.lastSeq) {
      state.queue.shift();
      continue;
    }
    if (message.entry.seq === position.lastSeq + 1) {
      state.queue.shift();
      position.lastSeq = message.entry.seq;
      position.oldestSeq = message.oldestSeq;
      state.follower.event(message.entry);
      continue;
    }
    repairs.fillHole(position.lastSeq, message.entry.seq - 1);
  }
}

/** A hole's read answered with the whole range: hands its entries over and clears `busy` (the caller drains again). */
export function applyFilledHole(state: FollowedFeed, answer: { entries: readonly BrokerEntry[]; oldestSeq: number }): void {
  const current = state.position as BrokerPosition;
  state.busy = false;
  for (const entry of answer.entries) {
    current.lastSeq = entry.seq;
    state.follower.event(entry);
  }
  current.oldestSeq = Math.max(current.oldestSeq, answer.oldestSeq);
}
