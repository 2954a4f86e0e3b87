/**
 * The in-process broker: every user's stream in this process's memory, as the manager
 * always kept it. The default and the embedded mode, and the simulator's. Every callback
 * runs synchronously, in the order the manager used to do the same work itself, so a
 * seed's trace is byte-identical to the one before the broker port existed.
 */
import type { AgentEvent } from "../../protocol/frames.ts";
import type { IdSource } from "../ports/idSource.ts";
import type { AppendOutcome, BrokerPosition, BrokerStats, ReadOutcome, StreamBroker, StreamFollower, UnstampedEvent } from "../ports/streamBroker.ts";
import { ReplayBuffer, type ReplayEntry, type ReplayStore } from "./ReplayBuffer.ts";
import { stampEvent } from "./stampEvent.ts";
import { utf8ByteLength } from "./utf8ByteLength.ts";

/** Options of {@link createInProcessBroker}. */
export interface InProcessBrokerOptions {
  /** Draws each stream's epoch (`e-…`) when the stream is first followed. */
  ids: IdSource;
  /** Bounds of each user's history, events and UTF-8 bytes. */
  replayEventsMax: number;
  replayBytesMax: number;
  /** Makes one user's history store. Default: {@link ReplayBuffer}. */
  createReplayStore?: (bounds: { eventsMax: number; bytesMax: number }) => ReplayStore;
  /** Serializes a stamped event. Default: JSON.stringify. */
  encodeEvent?: (event: AgentEvent) => string;
}

interface Stream {
  readonly epoch: string;
  lastSeq: number;
  readonly buffer: ReplayStore;
  readonly follower: StreamFollower;
}

/** Creates the in-process broker. */
export function createInProcessBroker(options: InProcessBrokerOptions): StreamBroker {
  const createReplayStore = options.createReplayStore ?? ((bounds) => new ReplayBuffer(bounds));
  const encodeEvent = options.encodeEvent ?? ((event: AgentEvent) => JSON.stringify(event));
  const streams = new Map<string, Stream>();

  function position(stream: Stream): BrokerPosition {
    return { epoch: stream.epoch, lastSeq: stream.lastSeq, oldestSeq: stream.buffer.oldestSeq ?? stream.lastSeq + 1 };
  }

  function append(userId: string, unstamped: UnstampedEvent, done: (outcome: AppendOutcome) => void): void {
    const stream = streams.get(userId);
    if (stream === undefined) throw new Error(`assertion: append for ${userId}, whose stream is not followed`);
    stream.lastSeq += 1;
    const event = stampEvent(unstamped, { seq: stream.lastSeq, epoch: stream.epoch });
    const text = encodeEvent(event);
    const entry: ReplayEntry = { seq: event.seq, text, bytes: utf8ByteLength(text), tsMs: event.ts };
    const evictedEvents = stream.buffer.append(entry);
    done({ ok: true, userId, event, evictedEvents, oldestSeq: stream.buffer.oldestSeq });
    stream.follower.event(entry);
  }

  function read(userId: string, range: { afterSeq: number; throughSeq: number }, done: (outcome: ReadOutcome) => void): void {
    const stream = streams.get(userId);
    if (stream === undefined) {
      done({ ok: true, entries: [] });
      return;
    }
    const after = stream.buffer.after(range.afterSeq);
    // The usual read goes through the newest seq: `after` is already a fresh copy, no need to filter it again.
    const entries = range.throughSeq >= stream.lastSeq ? after : after.filter((entry) => entry.seq <= range.throughSeq);
    done({ ok: true, entries });
  }

  function stats(): BrokerStats {
    return { kind: "in-process", available: true, roundTrips: 0, errors: 0, appendsPending: 0 };
  }

  return {
    follow(userId, follower) {
      if (!streams.has(userId)) {
        const buffer = createReplayStore({ eventsMax: options.replayEventsMax, bytesMax: options.replayBytesMax });
        streams.set(userId, { epoch: options.ids.next("e-"), lastSeq: 0, buffer, follower });
      }
      follower.ready();
    },
    unfollow(userId) {
      streams.delete(userId);
    },
    position(userId) {
      const stream = streams.get(userId);
      return stream === undefined ? undefined : position(stream);
    },
    append,
    read,
    trimThrough(userId, seq) {
      return streams.get(userId)?.buffer.trimThrough(seq) ?? 0;
    },
    held(userId) {
      const stream = streams.get(userId);
      return { events: stream?.buffer.size ?? 0, bytes: stream?.buffer.bytes ?? 0 };
    },
    available: () => true,
    stats,
    close: async () => {},
  };
}
