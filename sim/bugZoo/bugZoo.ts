/**
 * The bug zoo: real bug classes from real WebSocket servers, each planted through a
 * replaceable part of the manager or the runtime's publish port, never a flag inside
 * the system under test. `npm run sim -- --plant <name> --seeds 1..50` shows the
 * checker catching each one, with the line that reproduces it.
 */
import type { AgentEvent } from "../../protocol/frames.ts";
import { planResume } from "../../server/manager/planResume.ts";
import { ReplayBuffer, type ReplayEntry } from "../../server/manager/ReplayBuffer.ts";
import type { BrokerEntry, StreamBroker } from "../../server/ports/streamBroker.ts";
import type { SharedBrokerAccess } from "../cluster/createSimBrokerView.ts";
import type { PlantedBug } from "./PlantedBug.ts";

/** A replay buffer whose `after` is post-processed by `mangle`. */
function replayStoreWith(mangle: (entries: ReplayEntry[], seq: number, after: (seq: number) => ReplayEntry[]) => ReplayEntry[]) {
  return (bounds: { eventsMax: number; bytesMax: number }) => {
    const buffer = new ReplayBuffer(bounds);
    const after = buffer.after.bind(buffer);
    buffer.after = (seq: number) => mangle(after(seq), seq, after);
    return buffer;
  };
}

/**
 * An instance view that answers where the stream stands from the broker (its head) but
 * replays from what its own feed has delivered so far: behind the broker, a resume is
 * told it is served through the head and silently misses the events still in the feed.
 */
function localViewWhileBehind(view: StreamBroker, context: { broker: SharedBrokerAccess }): StreamBroker {
  const delivered = new Map<string, BrokerEntry[]>();
  return {
    ...view,
    follow(userId, follower) {
      delivered.set(userId, []);
      view.follow(userId, {
        ready: () => follower.ready(),
        lost: (reason) => follower.lost(reason),
        event: (entry) => {
          delivered.get(userId)?.push(entry);
          follower.event(entry);
        },
      });
    },
    unfollow(userId) {
      delivered.delete(userId);
      view.unfollow(userId);
    },
    position(userId) {
      const own = view.position(userId);
      const head = context.broker.position(userId);
      return own === undefined || head.epoch !== own.epoch ? own : { ...own, lastSeq: head.lastSeq };
    },
    read(userId, range, done) {
      done({ ok: true, entries: (delivered.get(userId) ?? []).filter((entry) => entry.seq > range.afterSeq && entry.seq <= range.throughSeq) });
    },
  };
}

/** Every planted bug, by name. */
export const BUG_ZOO: readonly PlantedBug[] = [
  {
    name: "duplicate-on-resume",
    description: "Replay starts at last_seq instead of after it, so the last event a client had arrives twice (an off-by-one in the replay cursor).",
    expectedInvariant: "order_exactly_once",
    scenario: "reconnect-storm",
    parts: {
      createReplayStore: replayStoreWith((entries, seq, after) => {
        const again = after(seq - 1)[0];
        return again !== undefined && again.seq === seq ? [again, ...entries] : entries;
      }),
    },
  },
  {
    name: "reorder-on-replay",
    description: "Replay sends the first two missed events swapped (iterating a hash map instead of the ordered log).",
    expectedInvariant: "order_exactly_once",
    scenario: "reconnect-storm",
    parts: {
      createReplayStore: replayStoreWith((entries) =>
        entries.length >= 2 ? [entries[1] as ReplayEntry, entries[0] as ReplayEntry, ...entries.slice(2)] : entries,
      ),
    },
  },
  {
    name: "cross-user-leak",
    description: "A frame cache keyed by (seq, type) without the user serves one user's serialized event to another (a tenant missing from a cache key).",
    expectedInvariant: "isolation",
    scenario: "multi-user-isolation",
    parts: {
      createEventEncoder: () => {
        const cache = new Map<string, string>();
        return (event: AgentEvent) => {
          const key = `${event.seq}:${event.type}`;
          const cached = cache.get(key);
          if (cached !== undefined) return cached;
          const text = JSON.stringify(event);
          cache.set(key, text);
          return text;
        };
      },
    },
  },
  {
    name: "lost-tool-completed-on-drop",
    description: "The replay path skips tool_completed frames, so a client that dropped mid-tool never sees the tool finish.",
    expectedInvariant: "order_exactly_once",
    scenario: "reconnect-storm",
    parts: { createReplayStore: replayStoreWith((entries) => entries.filter((entry) => !entry.text.includes('"type":"tool_completed"'))) },
  },
  {
    name: "silent-gap-on-overflow",
    description: "Resume ignores the buffer's lower bound: after an overflow the client gets what is left with no resync_required (a silent gap).",
    expectedInvariant: "order_exactly_once",
    scenario: "slow-consumers",
    parts: {
      planResume: (stream, resume) =>
        resume.epoch === stream.epoch && resume.lastSeq <= stream.lastSeq ? { resync: false, fromSeq: resume.lastSeq } : planResume(stream, resume),
    },
  },
  {
    name: "resume-before-first-event",
    description: "A resume with last_seq=0 is treated as a fresh connection, losing every event emitted before it (socket.io #5538).",
    expectedInvariant: "order_exactly_once",
    scenario: "reconnect-storm",
    parts: {
      planResume: (stream, resume) => (resume.lastSeq === 0 ? { resync: false, fromSeq: stream.lastSeq } : planResume(stream, resume)),
    },
  },
  {
    name: "epoch-mismatch-wrong-stream",
    description: "Resume ignores the epoch, so after a restart a client is served the new stream from its old seq (centrifuge-go #160).",
    expectedInvariant: "order_exactly_once",
    scenario: "server-restarts",
    parts: {
      planResume: (stream, resume) =>
        resume.lastSeq <= stream.lastSeq && resume.lastSeq >= stream.oldestSeq - 1
          ? { resync: false, fromSeq: resume.lastSeq }
          : planResume(stream, { ...resume, epoch: stream.epoch }),
    },
  },
  {
    name: "needless-resync-at-boundary",
    description: "Resume reads the buffer bound off by one (last_seq < oldest_seq instead of < oldest_seq - 1): a client that resumes exactly at the trim point is told of a loss that did not happen.",
    expectedInvariant: "completeness",
    scenario: "reconnect-storm",
    parts: {
      planResume: (stream, resume) =>
        resume.epoch === stream.epoch && resume.lastSeq < stream.oldestSeq && resume.lastSeq < stream.lastSeq
          ? { resync: true, fromSeq: stream.oldestSeq - 1 }
          : planResume(stream, resume),
    },
  },
  {
    name: "event-after-completed",
    description: "A partial_result flushed late by a background task arrives after agent_completed.",
    expectedInvariant: "run_completed_last",
    scenario: "golden-path",
    wrapPublish: (publish, { scheduler }) => (userId, draft) => {
      publish(userId, draft);
      if (draft.type === "agent_completed") {
        scheduler.after(1, () => publish(userId, { type: "partial_result", run_id: draft.run_id, data: { agent_id: draft.data.agent_id, content: "late flush" } }));
      }
    },
  },
  {
    name: "deadline-left-armed",
    description: "A run's deadline timer is not cancelled when the run completes: 300 s later it fires and sends error_event and a second agent_completed (only the quiescence phase waits that long).",
    expectedInvariant: "run_completed_last",
    scenario: "golden-path",
    wrapPublish: (publish, { scheduler }) => (userId, draft) => {
      publish(userId, draft);
      if (draft.type !== "agent_completed") return;
      const agentId = draft.data.agent_id;
      scheduler.after(300_000, () => {
        const error = "run exceeded 300000 ms";
        publish(userId, { type: "error_event", run_id: draft.run_id, data: { agent_id: agentId, error, severity: "high", recovery_suggestions: ["Split the request into smaller ones"] } });
        publish(userId, { type: "agent_completed", run_id: draft.run_id, data: { agent_id: agentId, final_response: `The run stopped: ${error}.`, execution_time: 300_000, status: "error" } });
      });
    },
  },
  {
    name: "late-agent-started",
    description: "agent_started is sent after the run's first thinking step (an async start hook that resolves late).",
    expectedInvariant: "run_started_first",
    scenario: "golden-path",
    wrapPublish: (publish) => {
      const held = new Map<string, Parameters<typeof publish>>();
      return (userId, draft) => {
        if (draft.type === "agent_started") {
          held.set(draft.run_id, [userId, draft]);
          return;
        }
        publish(userId, draft);
        const start = held.get(draft.run_id);
        if (start !== undefined) {
          held.delete(draft.run_id);
          publish(...start);
        }
      };
    },
  },
  {
    name: "tool-before-thinking",
    description: "The planner's first thought is dropped, so the first tool_executing of a run comes before any agent_thinking.",
    expectedInvariant: "thinking_before_tool",
    scenario: "golden-path",
    wrapPublish: (publish) => {
      const toolSeen = new Set<string>();
      return (userId, draft) => {
        if (draft.type === "tool_executing") toolSeen.add(draft.run_id);
        if (draft.type === "agent_thinking" && !toolSeen.has(draft.run_id)) return;
        publish(userId, draft);
      };
    },
  },
  {
    name: "local-view-while-behind",
    description: "Several instances: an instance takes the stream's head from the broker but replays a resume from the events its own lagging feed has delivered, so a resume on an instance that is behind skips what is still in its feed (a silent gap).",
    expectedInvariant: "order_exactly_once",
    scenario: "multi-instance-broker-faults",
    cluster: { broker: { wrapView: localViewWhileBehind } },
  },
  {
    name: "double-seq-assignment",
    description: "Several instances: the seq is computed by the appending instance from the head it has seen (read, add one, write) instead of atomically in the broker, so two appends before the feed catches up get the same seq.",
    expectedInvariant: "order_exactly_once",
    scenario: "multi-instance-churn",
    cluster: { broker: { assignSeq: ({ lastSeq, viewLastSeq }) => (viewLastSeq ?? lastSeq) + 1 } },
  },
  {
    name: "failover-keeps-epoch",
    description: "Several instances: after a broker failover the promoted replica lacks the newest appends but the stream keeps its epoch, so seqs clients already hold are assigned again to other events instead of a resync_required.",
    expectedInvariant: "order_exactly_once",
    scenario: "multi-instance-broker-faults",
    cluster: {
      broker: {
        promoteReplica: (stream, { replicatedBeforeMs }) => {
          const entries = stream.entries.filter((entry) => entry.appendedAtMs <= replicatedBeforeMs);
          return { epoch: stream.epoch, lastSeq: entries[entries.length - 1]?.seq ?? 0, entries, bytes: entries.reduce((sum, entry) => sum + entry.bytes, 0) };
        },
      },
    },
  },
  {
    name: "lease-stolen-while-owner-lives",
    description: "Several instances: a survivor's clock runs a quarter lease ahead of the owner's, so a live owner's lease looks expired between refreshes and its runs are ended while it still plays them (events after agent_completed).",
    expectedInvariant: "run_completed_last",
    scenario: "multi-instance-churn",
    cluster: { leases: { leaseAlive: ({ expiresAtMs, nowMs, leaseMs }) => expiresAtMs !== undefined && expiresAtMs > nowMs + Math.floor(leaseMs * 0.75) } },
  },
];

/** Finds a planted bug by name, or undefined. */
export function findPlantedBug(name: string): PlantedBug | undefined {
  return BUG_ZOO.find((bug) => bug.name === name);
}
