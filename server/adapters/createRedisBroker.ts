/**
 * The Redis Streams broker: every user's stream in Redis (≥ 7), shared by any number of
 * server instances. One stream per user (docs/multi-instance.md argues the choice):
 * seqs are assigned by a Lua script (XADD with the explicit id `<seq>-0`), the history is
 * trimmed by count and bytes in the same script, and the same script publishes the events
 * on the user's feed channel. A user's appends made in one turn of the event loop go to
 * Redis as one batch (one script call, one feed message), in order. Each instance subscribes to the feeds of the users
 * it follows, fills any hole in a feed from the stream (XRANGE), and tells the manager
 * `lost` when it can no longer promise contiguity (broker unreachable, epoch changed).
 */
import { Redis } from "ioredis";
import type { IdSource } from "../ports/idSource.ts";
import type {
  AppendOutcome,
  BrokerEntry,
  BrokerPosition,
  BrokerStats,
  ReadOutcome,
  StreamBroker,
  StreamFollower,
  UnstampedEvent,
} from "../ports/streamBroker.ts";
import { frameTextAround } from "../manager/stampEvent.ts";
import { applyFilledHole, drainFollowedFeed, type FollowedFeedMessage } from "../manager/drainFollowedFeed.ts";
import { APPEND_SCRIPT, READ_SCRIPT } from "./redisBrokerScripts.ts";

/** Options of {@link createRedisBroker}. */
export interface RedisBrokerOptions {
  /** `redis://host:port[/db]`. */
  url: string;
  /** Draws candidate epochs (used only when a stream has none, or lost its history). */
  ids: IdSource;
  /** Bounds of each user's history in Redis, events and UTF-8 bytes. */
  replayEventsMax: number;
  replayBytesMax: number;
  /** A stream untouched this long expires in Redis (its history is then lost: a new epoch), ms. */
  streamIdleMs: number;
  /** Key prefix, so several deployments (or tests) can share one Redis. Default `aep`. */
  keyPrefix?: string;
  /** A round trip not answered in this time fails, ms. Default 5 000. */
  commandTimeoutMs?: number;
  /** Appends waiting for an answer (also while Redis is unreachable); one more is refused. Default 10 000. */
  appendsPendingMax?: number;
  /** Names this instance as the owner of the runs whose `agent_started` it appends (see createRunLeases.ts). */
  instanceId: string;
  /** Called whenever the broker becomes reachable or unreachable. */
  onAvailability?: (available: boolean) => void;
}

/** The Redis broker, with what a server needs beyond the port. */
export interface RedisBroker extends StreamBroker {
  /** Resolves once both connections are ready (or rejects with why not, e.g. a refused connection). */
  ready(): Promise<void>;
  /** The shared command connection, for other Redis users of the same server (run leases). */
  readonly redis: Redis;
  readonly keyPrefix: string;
  /** The registry of runs in flight: run id → {@link RunRecord} (kept by the append script). */
  readonly runsKey: string;
  /** Run id → the run's open tool, `{"name","executionId"}`. */
  readonly runToolsKey: string;
  /**
   * Runs `send` once every append made so far has been handed to the command connection
   * (appends wait for the end of the turn, to go as batches). A command sent from `send`
   * reaches Redis after them: the connection keeps order.
   */
  afterAppendsSent(send: () => void): void;
}

/** A run in flight, as the registry holds it. */
export interface RunRecord {
  owner: string;
  userId: string;
  agentId: string;
  startedAtMs: number;
}

interface Followed {
  readonly userId: string;
  readonly follower: StreamFollower;
  position: BrokerPosition | undefined;
  /** Feed messages not applied yet, in arrival order. */
  readonly queue: FollowedFeedMessage[];
  /** A load or a hole fill is in flight: the queue waits. */
  busy: boolean;
  /** Bumped by unfollow and by loss, so answers of an older generation are ignored. */
  generation: number;
}

type RedisWithScripts = Redis & {
  aepAppend(stream: string, meta: string, runs: string, runTools: string, ...args: Array<string | number>): Promise<Array<string | number>>;
  aepRead(stream: string, meta: string, ...args: Array<string | number>): Promise<Array<string | number>>;
};

const COMMAND_TIMEOUT_MS_DEFAULT = 5_000;
const APPENDS_PENDING_MAX_DEFAULT = 10_000;
/** Events of one user in one script call at most; a longer burst goes as several calls, in order. */
const APPEND_BATCH_EVENTS_MAX = 64;

/** One user's appends of this turn of the event loop, not sent yet. */
interface AppendBatch {
  readonly args: Array<string | number>;
  readonly dones: Array<(outcome: AppendOutcome) => void>;
}

/** Creates the broker and starts connecting (see {@link RedisBroker.ready}). */
export function createRedisBroker(options: RedisBrokerOptions): RedisBroker {
  const keyPrefix = options.keyPrefix ?? "aep";
  const appendsPendingMax = options.appendsPendingMax ?? APPENDS_PENDING_MAX_DEFAULT;
  const ttlMs = options.streamIdleMs;
  const connectionOptions = {
    commandTimeout: options.commandTimeoutMs ?? COMMAND_TIMEOUT_MS_DEFAULT,
    // Commands wait (in order) while Redis is unreachable, bounded by appendsPendingMax.
    maxRetriesPerRequest: null,
    retryStrategy: (attempt: number) => Math.min(50 * attempt, 1_000),
    lazyConnect: true,
  };
  const commands = new Redis(options.url, connectionOptions) as RedisWithScripts;
  const feed = new Redis(options.url, connectionOptions);
  commands.defineCommand("aepAppend", { numberOfKeys: 4, lua: APPEND_SCRIPT });
  commands.defineCommand("aepRead", { numberOfKeys: 2, lua: READ_SCRIPT });
  const followed = new Map<string, Followed>();
  const channelPrefix = `${keyPrefix}:feed:`;
  let roundTrips = 0;
  let errors = 0;
  let appendsPending = 0;
  let available = false;
  let closed = false;

  const runsKey = `${keyPrefix}:runs`;
  const runToolsKey = `${keyPrefix}:run-tools`;
  const streamKey = (userId: string) => `${keyPrefix}:{${userId}}:s`;
  const metaKey = (userId: string) => `${keyPrefix}:{${userId}}:m`;

  function setAvailability(): void {
    const now = !closed && commands.status === "ready" && feed.status === "ready";
    if (now === available) return;
    available = now;
    options.onAvailability?.(now);
    if (!now) {
      for (const state of followed.values()) loseFeed(state, "broker unreachable", { reload: false });
    } else {
      for (const state of followed.values()) if (state.position === undefined && !state.busy) load(state);
    }
  }
  for (const connection of [commands, feed]) {
    connection.on("ready", setAvailability);
    connection.on("close", setAvailability);
    connection.on("end", setAvailability);
    connection.on("reconnecting", setAvailability);
    // ioredis reports each failed reconnect here; availability already tells the story.
    connection.on("error", () => {
      errors += 1;
    });
  }
  feed.on("message", feedOnMessage);

  async function readScript(userId: string, afterSeq: number, throughSeq: number) {
    roundTrips += 1;
    const reply = await commands.aepRead(streamKey(userId), metaKey(userId), options.ids.next("e-"), afterSeq, throughSeq, ttlMs);
    const position: BrokerPosition = { epoch: String(reply[0]), lastSeq: Number(reply[1]), oldestSeq: Number(reply[2]) };
    const entries: BrokerEntry[] = [];
    for (let index = 3; index + 2 < reply.length; index += 3) {
      const text = String(reply[index + 2]);
      entries.push({ seq: Number(reply[index]), tsMs: Number(reply[index + 1]), text, bytes: Buffer.byteLength(text) });
    }
    return { position, entries };
  }

  function loseFeed(state: Followed, reason: string, settings: { reload: boolean }): void {
    state.generation += 1;
    state.position = undefined;
    state.queue.length = 0;
    state.busy = false;
    state.follower.lost(reason);
    if (settings.reload && available) load(state);
  }

  /** Subscribes (ioredis re-subscribes after a reconnect), then learns the position; only then are feed messages applied. */
  function load(state: Followed): void {
    const generation = state.generation;
    state.busy = true;
    roundTrips += 1;
    feed
      .subscribe(`${channelPrefix}${state.userId}`)
      .then(() => readScript(state.userId, 0, 0))
      .then(
        ({ position }) => {
          if (state.generation !== generation || followed.get(state.userId) !== state) return;
          state.position = position;
          state.busy = false;
          state.follower.ready();
          drain(state);
        },
        () => {
          errors += 1;
          if (state.generation !== generation) return;
          // Unreachable: setAvailability reloads once Redis is back; otherwise try once more.
          state.busy = false;
          if (available) load(state);
        },
      );
  }

  /** A feed message: the epoch on its first line, then `seq oldestSeq ts text` per event (see APPEND_SCRIPT). */
  function feedOnMessage(channel: string, message: string): void {
    if (!channel.startsWith(channelPrefix)) return;
    const state = followed.get(channel.slice(channelPrefix.length));
    if (state === undefined) return;
    let lineStart = message.indexOf("\n");
    const epoch = message.slice(0, lineStart);
    while (lineStart !== -1) {
      const from = lineStart + 1;
      lineStart = message.indexOf("\n", from);
      const line = lineStart === -1 ? message.slice(from) : message.slice(from, lineStart);
      const seqEnd = line.indexOf(" ");
      const oldestEnd = line.indexOf(" ", seqEnd + 1);
      const tsEnd = line.indexOf(" ", oldestEnd + 1);
      const text = line.slice(tsEnd + 1);
      state.queue.push({
        epoch,
        oldestSeq: Number(line.slice(seqEnd + 1, oldestEnd)),
        entry: { seq: Number(line.slice(0, seqEnd)), tsMs: Number(line.slice(oldestEnd + 1, tsEnd)), text, bytes: Buffer.byteLength(text) },
      });
    }
    drain(state);
  }

  /** Applies queued feed messages in order; a hole is filled from the stream before going on. */
  function drain(state: Followed): void {
    drainFollowedFeed(state, {
      lose: (reason) => loseFeed(state, reason, { reload: true }),
      fillHole: (afterSeq, throughSeq) => fillHole(state, afterSeq, throughSeq),
    });
  }

  function fillHole(state: Followed, afterSeq: number, throughSeq: number): void {
    const generation = state.generation;
    state.busy = true;
    readScript(state.userId, afterSeq, throughSeq).then(
      ({ position, entries }) => {
        if (state.generation !== generation) return;
        const current = state.position as BrokerPosition;
        if (position.epoch !== current.epoch || entries.length !== throughSeq - afterSeq) {
          loseFeed(state, "hole in the feed no longer held by the stream", { reload: true });
          return;
        }
        applyFilledHole(state, { entries, oldestSeq: position.oldestSeq });
        drain(state);
      },
      () => {
        errors += 1;
        if (state.generation === generation) loseFeed(state, "hole in the feed could not be read", { reload: true });
      },
    );
  }

  const batches = new Map<string, AppendBatch>();
  let flushScheduled = false;
  const afterFlush: Array<() => void> = [];

  function append(userId: string, event: UnstampedEvent, done: (outcome: AppendOutcome) => void): void {
    if (appendsPending >= appendsPendingMax) {
      done({ ok: false, userId, error: `${appendsPending} appends already wait for Redis (appendsPendingMax)` });
      return;
    }
    // The in-process broker's frame layout, as text around the seq and epoch Redis fills in.
    const { head, tail } = frameTextAround(event);
    const [runOp, runPayload] = runBookkeeping(event);
    appendsPending += 1;
    let batch = batches.get(userId);
    if (batch === undefined || batch.dones.length >= APPEND_BATCH_EVENTS_MAX) {
      if (batch !== undefined) sendBatch(userId, batch);
      batch = { args: [options.ids.next("e-"), options.replayEventsMax, options.replayBytesMax, ttlMs, `${channelPrefix}${userId}`], dones: [] };
      batches.set(userId, batch);
    }
    batch.args.push(head, tail, event.ts, runOp, event.run_id, runPayload);
    batch.dones.push(done);
    if (!flushScheduled) {
      flushScheduled = true;
      queueMicrotask(flush);
    }
  }

  /** Sends every user's batch of this turn (one script call each; the connection keeps their order). */
  function flush(): void {
    flushScheduled = false;
    for (const [userId, batch] of batches) sendBatch(userId, batch);
    batches.clear();
    for (const send of afterFlush.splice(0)) send();
  }

  function sendBatch(userId: string, batch: AppendBatch): void {
    roundTrips += 1;
    const { dones } = batch;
    commands.aepAppend(streamKey(userId), metaKey(userId), runsKey, runToolsKey, ...batch.args).then(
      (reply) => {
        appendsPending -= dones.length;
        // The stamped events reach every follower through the feed; nobody waits for them here.
        dones.forEach((done, index) => {
          done({ ok: true, userId, evictedEvents: Number(reply[2 * index]), oldestSeq: Number(reply[2 * index + 1]) });
        });
      },
      (error: unknown) => {
        appendsPending -= dones.length;
        errors += 1;
        const message = error instanceof Error ? error.message : String(error);
        for (const done of dones) done({ ok: false, userId, error: message });
      },
    );
  }

  function runBookkeeping(event: UnstampedEvent): [op: string, payload: string] {
    switch (event.type) {
      case "agent_started": {
        const record: RunRecord = { owner: options.instanceId, userId: event.user_id, agentId: event.data.agent_id, startedAtMs: event.ts };
        return ["started", JSON.stringify(record)];
      }
      case "tool_executing":
        return ["tool", JSON.stringify({ name: event.data.tool_name, executionId: event.data.execution_id })];
      case "tool_completed":
        return ["tool_done", ""];
      case "agent_completed":
        return ["completed", ""];
      default:
        return ["-", ""];
    }
  }

  function read(userId: string, range: { afterSeq: number; throughSeq: number }, done: (outcome: ReadOutcome) => void): void {
    const state = followed.get(userId);
    const epoch = state?.position?.epoch;
    readScript(userId, range.afterSeq, range.throughSeq).then(
      ({ position, entries }) => {
        const expected = Math.max(0, range.throughSeq - range.afterSeq);
        if (position.epoch !== epoch) done({ ok: false, error: "the stream's epoch changed during the read" });
        else if (entries.length !== expected) done({ ok: false, error: `the stream was trimmed past seq ${range.afterSeq + 1} during the read` });
        else done({ ok: true, entries });
      },
      (error: unknown) => {
        errors += 1;
        done({ ok: false, error: error instanceof Error ? error.message : String(error) });
      },
    );
  }

  function stats(): BrokerStats {
    return { kind: "redis", available, roundTrips, errors, appendsPending };
  }

  return {
    redis: commands,
    keyPrefix,
    runsKey,
    runToolsKey,
    afterAppendsSent(send) {
      if (flushScheduled) afterFlush.push(send);
      else send();
    },
    async ready() {
      await Promise.all([commands.connect(), feed.connect()]);
      setAvailability();
    },
    follow(userId, follower) {
      if (followed.has(userId)) throw new Error(`assertion: ${userId} is followed twice`);
      const state: Followed = { userId, follower, position: undefined, queue: [], busy: false, generation: 0 };
      followed.set(userId, state);
      if (available) load(state);
    },
    unfollow(userId) {
      const state = followed.get(userId);
      if (state === undefined) return;
      state.generation += 1;
      followed.delete(userId);
      feed.unsubscribe(`${channelPrefix}${userId}`).catch(() => {
        errors += 1;
      });
    },
    // A copy: the feed moves the live one on while a caller's read is in flight.
    position(userId) {
      const position = followed.get(userId)?.position;
      return position === undefined ? undefined : { ...position };
    },
    available: () => available,
    append,
    read,
    // A shared stream is not trimmed by one instance's acks: a device on another instance may still need the events.
    trimThrough: () => 0,
    held(userId) {
      const position = followed.get(userId)?.position;
      return { events: position === undefined ? 0 : position.lastSeq - position.oldestSeq + 1, bytes: 0 };
    },
    stats,
    async close() {
      closed = true;
      // Closing is not an outage: the manager already closed its connections, so no stream is "lost".
      for (const state of followed.values()) state.generation += 1;
      followed.clear();
      setAvailability();
      commands.disconnect();
      feed.disconnect();
    },
  };
}
