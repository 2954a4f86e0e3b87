/**
 * One instance's view of the shared simulated broker: the StreamBroker port its connection
 * manager talks to, behaving as the Redis adapter does (server/adapters/createRedisBroker.ts)
 * but on virtual time. Feed messages arrive after a seeded delay, in order (FIFO) unless a
 * reorder spell is on; a message past the next expected seq makes the view fill the hole
 * with a read before going on; a feed that cannot stay contiguous is `lost` (the manager
 * then closes the user's connections with "try again later" and they resume). While the
 * instance cannot reach the broker, appends wait (bounded) and reads fail.
 */
import type { AgentEvent } from "../../protocol/frames.ts";
import type { ClaimAnswer, ClaimRequest } from "../../server/ports/requestClaims.ts";
import type { BrokerEntry, BrokerPosition, StreamBroker, StreamFollower, UnstampedEvent } from "../../server/ports/streamBroker.ts";
import { applyFilledHole, drainFollowedFeed, type FollowedFeedMessage } from "../../server/manager/drainFollowedFeed.ts";
import type { SimRandom } from "../core/createRandom.ts";
import type { VirtualTime } from "../core/createVirtualTime.ts";

/** What a view needs of the shared broker (createSimBroker.ts implements it; named here so neither file imports the other both ways). */
export interface SharedBrokerAccess {
  /** Where the user's stream stands in the broker now. */
  position(userId: string): BrokerPosition;
  /** Assigns the seq and stores for instance `by.instanceId`; `by.viewLastSeq` is its feed position (what it has seen of the stream). */
  append(userId: string, event: UnstampedEvent, by: { instanceId: string; viewLastSeq: number | undefined }): { event: AgentEvent; evictedEvents: number; oldestSeq: number | undefined };
  read(userId: string, range: { epoch: string; afterSeq: number; throughSeq: number }): { ok: true; entries: BrokerEntry[]; position: BrokerPosition } | { ok: false; error: string };
  /**
   * Claims this user's request id for `by.instanceId`, answering as createRedisRequestClaims.ts
   * does in Redis: `won` when unclaimed or its owner died (its lease expired) before starting
   * the run; `held` while another owner's lease lives and its run has not started; `taken`
   * once started or when `by.instanceId` owns it under another attempt (the same attempt: `won` again).
   */
  claimRequest(userId: string, requestId: string, by: { instanceId: string; attempt: string }): ClaimAnswer;
  /** The claim's run started: from now on nobody wins it again. */
  requestStarted(userId: string, requestId: string): void;
}

/** A disturbance of one view's feed until `untilMs` (absolute virtual ms). */
export type FeedSpell = { kind: "delay" | "reorder"; lagMs: number; untilMs: number };

/** The view, with the controls the simulation and its faults use. */
export interface SimBrokerView {
  readonly instanceId: string;
  /** The port the instance's manager is given (the view itself unless a planted bug wraps it). */
  readonly port: StreamBroker;
  /** The broker feeds an appended event (called for every view; one that does not follow the user ignores it on arrival). */
  feed(userId: string, message: FollowedFeedMessage): void;
  reachable(): boolean;
  /** Cut (every followed feed is lost at once) or heal (held appends go out in order, then every feed reloads). */
  setReachable(reachable: boolean): void;
  /** The instance died: nothing more reaches it or leaves it; its held appends are gone. */
  kill(): void;
  disturb(spell: FeedSpell): void;
  /** Where the view's feed of `userId` stands, undefined while not ready. */
  position(userId: string): BrokerPosition | undefined;
  /**
   * The RequestClaims port (server/ports/requestClaims.ts) through this view: the claim is
   * made at the broker now and answered a round trip later; `held` (after a round trip,
   * as the Redis adapter answers an error) while the instance cannot reach the broker.
   */
  claim(request: ClaimRequest, done: (answer: ClaimAnswer) => void): void;
  /** The RequestClaims port's `started`: the claimed request's run began here. */
  started(userId: string, requestId: string): void;
}

/** Options of {@link createSimBrokerView}. */
export interface SimBrokerViewOptions {
  instanceId: string;
  broker: SharedBrokerAccess;
  time: VirtualTime;
  /** This view's own delay stream. */
  random: SimRandom;
  feedDelayMsMin: number;
  feedDelayMsMax: number;
  appendsPendingMax: number;
  trace: (line: Record<string, unknown>) => void;
  wrapView?: (view: StreamBroker, context: { broker: SharedBrokerAccess }) => StreamBroker;
}

interface Followed {
  readonly userId: string;
  readonly follower: StreamFollower;
  position: BrokerPosition | undefined;
  readonly queue: FollowedFeedMessage[];
  busy: boolean;
  generation: number;
}

type Append = Parameters<StreamBroker["append"]>;

/** Creates one instance's view; the broker's `connect` calls this. */
export function createSimBrokerView(options: SimBrokerViewOptions): SimBrokerView {
  const { broker, time, random, instanceId } = options;
  const followed = new Map<string, Followed>();
  const pending: Append[] = [];
  let reachable = true;
  let dead = false;
  let lastFeedAtMs = 0;
  let spell: FeedSpell | null = null;
  let roundTrips = 0;
  let errors = 0;

  const legMs = () => random.integer(options.feedDelayMsMin, options.feedDelayMsMax);
  const later = (delayMs: number, callback: () => void) => {
    time.after(delayMs, () => {
      if (!dead) callback();
    });
  };
  const roundTrip = (callback: () => void) => {
    roundTrips += 1;
    later(legMs() + legMs(), callback);
  };

  function loseFeed(state: Followed, reason: string, settings: { reload: boolean }): void {
    state.generation += 1;
    state.position = undefined;
    state.queue.length = 0;
    state.busy = false;
    errors += 1;
    state.follower.lost(reason);
    if (settings.reload && reachable && followed.get(state.userId) === state) load(state);
  }

  /** Subscribed from `follow` on; the position is read now and arrives a round trip later, then queued messages apply. */
  function load(state: Followed): void {
    const generation = state.generation;
    state.busy = true;
    const position = broker.position(state.userId);
    roundTrip(() => {
      if (state.generation !== generation || followed.get(state.userId) !== state) return;
      state.position = position;
      state.busy = false;
      state.follower.ready();
      drain(state);
    });
  }

  function arrive(userId: string, message: FollowedFeedMessage): void {
    if (!reachable) return;
    const state = followed.get(userId);
    if (state === undefined) return;
    state.queue.push(message);
    drain(state);
  }

  function drain(state: Followed): void {
    drainFollowedFeed(state, {
      lose: (reason) => loseFeed(state, reason, { reload: true }),
      fillHole: (afterSeq, throughSeq) => fillHole(state, afterSeq, throughSeq),
    });
  }

  function fillHole(state: Followed, afterSeq: number, throughSeq: number): void {
    const generation = state.generation;
    state.busy = true;
    const answer = broker.read(state.userId, { epoch: (state.position as BrokerPosition).epoch, afterSeq, throughSeq });
    roundTrip(() => {
      if (state.generation !== generation) return;
      if (!answer.ok) {
        loseFeed(state, "hole in the feed no longer held by the stream", { reload: true });
        return;
      }
      applyFilledHole(state, { entries: answer.entries, oldestSeq: answer.position.oldestSeq });
      drain(state);
    });
  }

  function appendNow(...[userId, event, done]: Append): void {
    const appended = broker.append(userId, event, { instanceId, viewLastSeq: followed.get(userId)?.position?.lastSeq });
    done({ ok: true, userId, event: appended.event, evictedEvents: appended.evictedEvents, oldestSeq: appended.oldestSeq });
  }

  const port: StreamBroker = {
    follow(userId, follower) {
      if (followed.has(userId)) throw new Error(`assertion: ${userId} is followed twice by ${instanceId}`);
      const state: Followed = { userId, follower, position: undefined, queue: [], busy: false, generation: 0 };
      followed.set(userId, state);
      if (reachable) load(state);
    },
    unfollow(userId) {
      const state = followed.get(userId);
      if (state === undefined) return;
      state.generation += 1;
      followed.delete(userId);
    },
    position(userId) {
      const position = followed.get(userId)?.position;
      return position === undefined ? undefined : { ...position };
    },
    append(userId, event, done) {
      if (dead) return;
      if (reachable) return appendNow(userId, event, done);
      if (pending.length >= options.appendsPendingMax) {
        done({ ok: false, userId, error: `${pending.length} appends already wait for the broker (appendsPendingMax)` });
        return;
      }
      pending.push([userId, event, done]);
    },
    read(userId, range, done) {
      if (!reachable) {
        roundTrip(() => done({ ok: false, error: "broker unreachable" }));
        return;
      }
      const answer = broker.read(userId, { epoch: followed.get(userId)?.position?.epoch ?? "(not followed)", ...range });
      roundTrip(() => done(answer.ok ? { ok: true, entries: answer.entries } : { ok: false, error: answer.error }));
    },
    // A shared stream is not trimmed by one instance's acks (as with Redis).
    trimThrough: () => 0,
    available: () => reachable && !dead,
    held(userId) {
      const position = followed.get(userId)?.position;
      return { events: position === undefined ? 0 : position.lastSeq - position.oldestSeq + 1, bytes: 0 };
    },
    stats: () => ({ kind: "simulated", available: reachable && !dead, roundTrips, errors, appendsPending: pending.length }),
    close: async () => {},
  };

  return {
    instanceId,
    port: options.wrapView === undefined ? port : options.wrapView(port, { broker }),
    feed(userId, message) {
      if (dead || !followed.has(userId)) return;
      const nowMs = time.nowMs();
      if (spell !== null && nowMs >= spell.untilMs) spell = null;
      let atMs = nowMs + legMs() + (spell === null ? 0 : spell.kind === "delay" ? spell.lagMs : random.integer(0, spell.lagMs));
      if (spell?.kind !== "reorder") atMs = Math.max(atMs, lastFeedAtMs);
      lastFeedAtMs = Math.max(lastFeedAtMs, atMs);
      later(atMs - nowMs, () => arrive(userId, message));
    },
    reachable: () => reachable,
    setReachable(now) {
      if (dead || now === reachable) return;
      reachable = now;
      options.trace({ kind: "broker_link", instance: instanceId, reachable: now });
      if (!now) {
        for (const state of [...followed.values()]) loseFeed(state, "broker unreachable", { reload: false });
        return;
      }
      for (const held of pending.splice(0)) appendNow(...held);
      for (const state of followed.values()) if (state.position === undefined && !state.busy) load(state);
    },
    kill() {
      dead = true;
      followed.clear();
      pending.length = 0;
    },
    disturb(next) {
      spell = next;
    },
    position: (userId) => port.position(userId),
    claim({ userId, requestId, attempt }, done) {
      if (!reachable) {
        roundTrip(() => done("held"));
        return;
      }
      const answer = broker.claimRequest(userId, requestId, { instanceId, attempt });
      roundTrip(() => done(answer));
    },
    started(userId, requestId) {
      // Sent with the run's first event; an instance cut off from the broker cannot mark it (its claim stays takeable once it dies).
      if (reachable) broker.requestStarted(userId, requestId);
    },
  };
}
