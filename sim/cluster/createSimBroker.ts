/**
 * The deterministic simulated broker that N simulated instances share (issue 15 §4): what
 * Redis Streams is to the real server (server/adapters/createRedisBroker.ts), on virtual
 * time. One stream per user holds the epoch, the seq counter and the bounded history;
 * seqs are assigned atomically here, at append. Each instance sees the broker through its
 * own {@link SimBrokerView}, which implements the StreamBroker port as the Redis adapter
 * does: a feed delivered through virtual time with a seeded delay (FIFO per instance, so
 * instances can be behind each other but a feed never reorders unless a fault says so),
 * holes in a feed filled by a read, and `lost` whenever contiguity can no longer be promised
 * (broker unreachable, epoch changed). The epoch changes only when history was really lost
 * (a failover that dropped unreplicated appends).
 *
 * The broker also keeps the registry of runs in flight and the instances' leases, as the
 * Redis append script and createRunLeases.ts do (see createSimRunLeases.ts).
 */
import type { AgentEvent } from "../../protocol/frames.ts";
import type { IdSource } from "../../server/ports/idSource.ts";
import type { ClaimAnswer } from "../../server/ports/requestClaims.ts";
import type { BrokerEntry, BrokerPosition, StreamBroker, UnstampedEvent } from "../../server/ports/streamBroker.ts";
import { stampEvent } from "../../server/manager/stampEvent.ts";
import { utf8ByteLength } from "../../server/manager/utf8ByteLength.ts";
import type { SimRandom } from "../core/createRandom.ts";
import type { VirtualTime } from "../core/createVirtualTime.ts";
import { createSimBrokerView, type SharedBrokerAccess, type SimBrokerView } from "./createSimBrokerView.ts";

/** One stored event, with when the broker took it (a failover loses the youngest). */
export interface StoredEntry extends BrokerEntry {
  readonly appendedAtMs: number;
}

/** One user's stream in the broker. */
export interface SharedStream {
  epoch: string;
  lastSeq: number;
  /** Held events, seq ascending; a seq appended twice (a planted bug) replaces the first (last write wins, like a hash keyed by seq). */
  readonly entries: StoredEntry[];
  bytes: number;
}

/** A run in flight, as the registry holds it (createRedisBroker.ts's RunRecord plus its open tool). */
export interface SimRunRecord {
  owner: string;
  userId: string;
  agentId: string;
  startedAtMs: number;
  tool: { name: string; executionId: string } | null;
}

/** Replaceable parts of the broker, for the bug zoo only (a broken part, never a flag). */
export interface SimBrokerParts {
  /**
   * The seq an append gets. Default: one more than the stream's newest (atomic at the
   * broker). `viewLastSeq` is the appending instance's feed position (what it has seen).
   */
  assignSeq?: (stream: { lastSeq: number; viewLastSeq: number | undefined }) => number;
  /**
   * The stream a failover leaves when the promoted replica lacks appends made after
   * `replicatedBeforeMs`. Default: a new epoch with no history, so no seq a client holds
   * is ever reused for another event.
   */
  promoteReplica?: (stream: SharedStream, context: { replicatedBeforeMs: number; newEpoch: () => string }) => SharedStream;
  /**
   * What a claim of a user's request id answers. Default: the broker's `answer` (as the
   * Redis adapter's script answers).
   */
  claimRequest?: (claim: { answer: ClaimAnswer }) => ClaimAnswer;
  /** Wraps each instance's view (the port its manager sees). `broker` reads the shared truth. */
  wrapView?: (view: StreamBroker, context: { broker: SharedBrokerAccess }) => StreamBroker;
}

/** Options of {@link createSimBroker}. */
export interface SimBrokerOptions {
  time: VirtualTime;
  /** The broker's stream ("cluster/broker"): each view forks its delays from it by instance id. */
  random: SimRandom;
  /** Draws each stream's epoch (the simulation's id source). */
  ids: IdSource;
  /** Bounds of each stream's history, events and UTF-8 bytes (the manager's replay limits). */
  replayEventsMax: number;
  replayBytesMax: number;
  /** Feed and round-trip leg delay range, ms. */
  feedDelayMsMin: number;
  feedDelayMsMax: number;
  /** Appends a view holds while cut off from the broker. */
  appendsPendingMax: number;
  /** Every seq the broker assigns, in order: the simulation's ground truth (the checker's emitted log). */
  onAppended: (userId: string, event: AgentEvent) => void;
  trace: (line: Record<string, unknown>) => void;
  parts?: SimBrokerParts;
}

/** The shared broker. */
export interface SimBroker extends SharedBrokerAccess {
  /** A new instance's view (its StreamBroker port). */
  connect(instanceId: string): SimBrokerView;
  /** The newest (epoch, seq) of a user's stream, the liveness probe's truth; undefined before any instance followed it. */
  head(userId: string): { epoch: string; lastSeq: number } | undefined;
  /** The stream, creating it (new epoch, empty) on first use, as the Redis read script does. */
  stream(userId: string): SharedStream;
  /**
   * A failover to a replica that lacks appends younger than `replicationLagMs`: every stream
   * that lost one gets a new epoch and an empty history. Returns the users whose history was lost.
   */
  failover(replicationLagMs: number): string[];
  /** Runs in flight, run id → record, in start order. */
  readonly runs: Map<string, SimRunRecord>;
  /** Instance id → lease expiry, absolute virtual ms. */
  readonly leases: Map<string, number>;
  /** Every view ever connected, in order. */
  readonly views: readonly SimBrokerView[];
}

/** Creates the shared broker. */
export function createSimBroker(options: SimBrokerOptions): SimBroker {
  const { time } = options;
  const streams = new Map<string, SharedStream>();
  const runs = new Map<string, SimRunRecord>();
  const leases = new Map<string, number>();
  const views: SimBrokerView[] = [];
  /** Request claims: who claimed (instance id) and whether its run started (then nobody wins it again). */
  const requestsClaimed = new Map<string, { owner: string; attempt: string; started: boolean }>();
  /** The same three-way answer as createRedisRequestClaims.ts's script, step for step. */
  const claimAnswer = (claimed: { owner: string; attempt: string; started: boolean } | undefined, by: { instanceId: string; attempt: string }): ClaimAnswer => {
    if (claimed === undefined) return "won";
    if (claimed.started) return "taken";
    if (claimed.owner === by.instanceId) return claimed.attempt === by.attempt ? "won" : "taken";
    return (leases.get(claimed.owner) ?? 0) > options.time.nowMs() ? "held" : "won";
  };
  const assignSeq = options.parts?.assignSeq ?? ((stream: { lastSeq: number }) => stream.lastSeq + 1);
  const promoteReplica =
    options.parts?.promoteReplica ?? ((_stream: SharedStream, context: { newEpoch: () => string }): SharedStream => ({ epoch: context.newEpoch(), lastSeq: 0, entries: [], bytes: 0 }));

  function stream(userId: string): SharedStream {
    let found = streams.get(userId);
    if (found === undefined) {
      found = { epoch: options.ids.next("e-"), lastSeq: 0, entries: [], bytes: 0 };
      streams.set(userId, found);
    }
    return found;
  }

  function position(userId: string): BrokerPosition {
    const found = stream(userId);
    return { epoch: found.epoch, lastSeq: found.lastSeq, oldestSeq: found.entries[0]?.seq ?? found.lastSeq + 1 };
  }

  function store(found: SharedStream, entry: StoredEntry): number {
    const last = found.entries[found.entries.length - 1];
    if (last !== undefined && entry.seq <= last.seq) {
      const index = found.entries.findIndex((held) => held.seq === entry.seq);
      if (index >= 0) {
        found.bytes -= (found.entries[index] as StoredEntry).bytes;
        found.entries[index] = entry;
        found.bytes += entry.bytes;
      }
    } else {
      found.entries.push(entry);
      found.bytes += entry.bytes;
    }
    let evicted = 0;
    while (found.entries.length > 0 && (found.entries.length > options.replayEventsMax || found.bytes > options.replayBytesMax)) {
      found.bytes -= (found.entries.shift() as StoredEntry).bytes;
      evicted += 1;
    }
    return evicted;
  }

  function keepRunRegistry(instanceId: string, event: AgentEvent): void {
    switch (event.type) {
      case "agent_started":
        runs.set(event.run_id, { owner: instanceId, userId: event.user_id, agentId: event.data.agent_id, startedAtMs: event.ts, tool: null });
        return;
      case "tool_executing": {
        const record = runs.get(event.run_id);
        if (record !== undefined) record.tool = { name: event.data.tool_name, executionId: event.data.execution_id };
        return;
      }
      case "tool_completed": {
        const record = runs.get(event.run_id);
        if (record !== undefined) record.tool = null;
        return;
      }
      case "agent_completed":
        runs.delete(event.run_id);
        return;
      default:
        return;
    }
  }

  const broker: SimBroker = {
    connect(instanceId) {
      const view = createSimBrokerView({
        instanceId,
        broker,
        time,
        // One delay stream per view, named by connection order: a restarted instance gets a fresh one.
        random: options.random.fork(`view-${views.length + 1}`),
        feedDelayMsMin: options.feedDelayMsMin,
        feedDelayMsMax: options.feedDelayMsMax,
        appendsPendingMax: options.appendsPendingMax,
        trace: options.trace,
        ...(options.parts?.wrapView === undefined ? {} : { wrapView: options.parts.wrapView }),
      });
      views.push(view);
      return view;
    },
    head(userId) {
      const found = streams.get(userId);
      return found === undefined ? undefined : { epoch: found.epoch, lastSeq: found.lastSeq };
    },
    stream,
    position,
    append(userId, unstamped, { instanceId, viewLastSeq }) {
      const found = stream(userId);
      const seq = assignSeq({ lastSeq: found.lastSeq, viewLastSeq });
      found.lastSeq = Math.max(found.lastSeq, seq);
      const event = stampEvent(unstamped, { seq, epoch: found.epoch });
      const text = JSON.stringify(event);
      const entry: StoredEntry = { seq, text, bytes: utf8ByteLength(text), tsMs: event.ts, appendedAtMs: time.nowMs() };
      const evictedEvents = store(found, entry);
      keepRunRegistry(instanceId, event);
      options.onAppended(userId, event);
      for (const view of views) view.feed(userId, { epoch: found.epoch, oldestSeq: found.entries[0]?.seq ?? found.lastSeq + 1, entry });
      return { event, evictedEvents, oldestSeq: found.entries[0]?.seq };
    },
    read(userId, range) {
      const found = stream(userId);
      const current = position(userId);
      if (found.epoch !== range.epoch) return { ok: false, error: "the stream's epoch changed: its history was lost" };
      const entries = found.entries.filter((entry) => entry.seq > range.afterSeq && entry.seq <= range.throughSeq);
      if (entries.length !== Math.max(0, range.throughSeq - range.afterSeq)) return { ok: false, error: `the stream no longer holds seq ${range.afterSeq + 1}..${range.throughSeq}` };
      return { ok: true, entries, position: current };
    },
    failover(replicationLagMs) {
      const lostUsers: string[] = [];
      const replicatedBeforeMs = time.nowMs() - replicationLagMs;
      for (const [userId, found] of streams) {
        if (!found.entries.some((entry) => entry.appendedAtMs > replicatedBeforeMs)) continue;
        // The promoted replica's copy ends short of seqs clients may hold.
        streams.set(userId, promoteReplica(found, { replicatedBeforeMs, newEpoch: () => options.ids.next("e-") }));
        lostUsers.push(userId);
      }
      return lostUsers;
    },
    claimRequest(userId, requestId, by) {
      const key = `${userId}\u0000${requestId}`;
      const answer = claimAnswer(requestsClaimed.get(key), by);
      if (answer === "won") requestsClaimed.set(key, { owner: by.instanceId, attempt: by.attempt, started: false });
      return options.parts?.claimRequest?.({ answer }) ?? answer;
    },
    requestStarted(userId, requestId) {
      const held = requestsClaimed.get(`${userId}\u0000${requestId}`);
      if (held !== undefined) held.started = true;
    },
    runs,
    leases,
    views,
  };
  return broker;
}
