/**
 * The checker's memory, as plain records. Three levels, each bounded:
 * a connection (one socket: invariant 7 per connection), a device (the logical client
 * whose sequential connections make one view: invariants 1-4 and 8) and a user
 * (copies of one seq across connections, runs across devices, timing).
 */
import type { EventMemoryStore } from "./EventMemoryStore.ts";
import type { SeqRanges } from "./SeqRanges.ts";
import type { Finding, FindingContext } from "./ViolationSink.ts";

/** Why a connection waits for resync_required before it may take any event. */
export type ResyncWait = "none" | "other_epoch" | "ahead_of_server";

/** One client socket. */
export interface ConnectionState {
  connectionId: string;
  deviceId: string;
  userId: string;
  openedAtMs: number;
  resume: { epoch: string; lastSeq: number } | undefined;
  /** `connected` arrived. */
  connected: boolean;
  /** The stream this connection reads: connected.epoch, then resync_required.epoch. */
  epoch: string | undefined;
  resyncWait: ResyncWait;
  /** The next seq this connection must receive. */
  expectedSeq: number;
  /** The first seq this connection was owed (its start or resume point + 1). */
  startSeq: number;
  /** Seqs up to this were emitted before the connection (re)started: replays, excluded from delivery latency. */
  replayThroughSeq: number;
  /** Seqs received in `epoch`. */
  received: SeqRanges;
  /** Arrival time (ms) of recent seqs, for duplicate messages. */
  arrivalTimesMs: Map<number, number>;
  /** Agent events received and accepted in order or late. */
  eventsReceived: number;
  /** "user u1 connection d1#2", the start of this connection's messages (made once). */
  subject: string;
  /** The connection's user and device (fixed at open: users and devices are never forgotten). */
  user: UserState;
  device: DeviceState;
  /** Who this connection's findings name; `atMs` is set per frame (made once: the hot path allocates nothing per frame). */
  findingContext: { userId: string; connectionId: string; deviceId: string; atMs: number };
  /** Client frames sent that a `protocol_error` may answer, not yet answered (protocolErrorAllowances.ts). */
  protocolErrorAllowances: number;
  /** start_agent frames sent on this connection, valid and with a request_id new for the user (judgeUnansweredStarts.ts). */
  startsSent: number;
  /** The first request_ids of those, for messages (at most START_REQUEST_IDS_NAMED_MAX). */
  startRequestIds: string[];
  /** protocol_error frames received on this connection, each of which may have refused a start. */
  protocolErrorsReceived: number;
}

/** One tool call as a device saw it. */
export interface ExecutionView {
  toolName: string;
  executingSeq: number;
  completedSeq: number | undefined;
}

/** One run as one device view saw it. */
export interface RunView {
  runId: string;
  firstSeq: number;
  lastSeq: number;
  /** An agent_started of the run was seen in this view. */
  started: boolean;
  /**
   * The view may lack some of the run's events (joined mid-run, or a loss after the run
   * began): checks that missing events could explain are skipped.
   */
  relaxed: boolean;
  thinkingSeen: boolean;
  toolExecutingSeen: boolean;
  errorEventSeen: boolean;
  completed: { seq: number; status: string } | undefined;
  executions: Map<string, ExecutionView>;
}

/** What one device has seen of its user's stream, across its sequential connections. */
export interface DeviceView {
  epoch: string;
  /** The first seq the view is responsible for. */
  startSeq: number;
  /** Seqs received in `epoch`. */
  received: SeqRanges;
  /** Seqs the server (or the client's own resume point) announced as lost. */
  announcedLoss: SeqRanges;
  /** Seqs already reported missing as a gap (so completeness does not report them again). */
  flaggedLoss: SeqRanges;
  /** Newest seq this device's connections were told of in `epoch` (connected/resync last_seq). */
  toldNewestSeq: number;
  runs: Map<string, RunView>;
}

/** One logical client. */
export interface DeviceState {
  deviceId: string;
  userId: string;
  /** The connection currently feeding the view (the newest opened). */
  currentConnectionId: string | undefined;
  openConnections: number;
  lastClose: { atMs: number; code: number } | undefined;
  view: DeviceView | undefined;
}

/** One run as the user's connections, taken together, saw it (timing and identity). */
export interface UserRun {
  epoch: string;
  runId: string;
  /** The lowest seq of the run any connection of the user received (copies arrive skewed across connections). */
  firstSeq: number;
  lastSeq: number;
  lastTs: number;
  startedTs: number | undefined;
  completed: boolean;
  /** tool_executing ts by execution_id (bounded). */
  executingTs: Map<string, number>;
}

/** A start_agent a client sent that no agent_started has answered yet. */
export interface PendingStart {
  requestId: string;
  agentType: string;
  deviceId: string;
  connectionId: string;
  atMs: number;
  /** The sender's view: epoch and the newest seq it held at the send, when it had a view. */
  viewEpoch: string | undefined;
  viewHighestSeq: number | undefined;
}

/**
 * A run whose first event in a device's view was not agent_started, judged only through
 * the device's own unanswered start_agent (attributeRunsToOwnStarts). It is a violation
 * only if that event was the run's first; an event of the run at a lower seq (one the
 * device's view did not hold, or held only as a late arrival) clears it.
 */
export interface MissingStartSuspicion {
  epoch: string;
  runId: string;
  /** The seq of the run's first event in the device's view. */
  seq: number;
  /** The missing_start finding reported at finish if nothing clears it. */
  finding: Finding;
  /** Who and when the event was received. */
  context: FindingContext;
}

/** One user. */
export interface UserState {
  userId: string;
  /** The first copy of each (epoch, seq) received (seq_conflict). */
  events: EventMemoryStore;
  /** Key `${epoch}\u0000${runId}`. */
  runs: Map<string, UserRun>;
  /** First epoch each run id was seen in. */
  runEpochs: Map<string, string>;
  newestSeqByEpoch: Map<string, number>;
  pendingStarts: PendingStart[];
  requestIds: Map<string, true>;
  /** Key `${epoch}\u0000${runId}`; bounded by missingStartSuspicionsPerUserMax. */
  missingStartSuspicions: Map<string, MissingStartSuspicion>;
}
