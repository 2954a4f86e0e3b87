/**
 * Invariant 7 on one connection: the seqs it receives, replays included, rise by
 * exactly 1 from where it started or resumed. `checkConnectionOrder` observes;
 * `applyConnectionOrder` is the only writer of the connection's order state.
 *
 * Where a connection starts:
 * - no resume: after `connected.last_seq` (a fresh connection gets live events only);
 * - resume in connected.epoch: after `resume.lastSeq` (the replay comes first);
 * - resume in another epoch, or ahead of the server's newest seq: nothing may arrive
 *   before `resync_required`, which then sets the epoch and the start (`oldest_seq`).
 */
import type { AgentEvent, ConnectedFrame, ResyncRequiredFrame } from "../../frames.ts";
import type { ConnectionState, DeviceView } from "./checkerState.ts";
import { describeSeqRanges, firstSeqs, SeqRanges } from "./SeqRanges.ts";
import { NO_FINDINGS, type Finding } from "./ViolationSink.ts";

/** What the connection makes of one agent event. */
export type OrderDisposition =
  /** Not taken at all (before connected, wrong epoch, duplicate). */
  | "rejected"
  /** The seq that was due. */
  | "in_order"
  /** A seq above the one due: the ones between were skipped silently. */
  | "gap"
  /** Below the one due and never received here: late (reordered or unowed). */
  | "late"
  /** The first event after a resume that needed resync_required and did not get it: taken as the new start. */
  | "unannounced_restart";

/** Result of {@link checkConnectionOrder}. */
export interface OrderCheck {
  findings: readonly Finding[];
  disposition: OrderDisposition;
  /** For "gap": the seqs skipped. */
  skipped?: readonly [number, number];
}

/** Observes one agent event against the connection's order state. Read-only. */
export function checkConnectionOrder(
  connection: ConnectionState,
  event: AgentEvent,
  options: { subject: string; deviceView: DeviceView | undefined },
): OrderCheck {
  const { subject } = options;
  if (!connection.connected || connection.epoch === undefined) {
    return rejected({
      invariant: "order_exactly_once",
      kind: "before_connected",
      runId: event.run_id,
      seqs: [event.seq],
      message: `${subject}: ${event.type} seq ${event.seq} (epoch ${event.epoch}) arrived before the connected frame.`,
    });
  }
  if (event.epoch !== connection.epoch) {
    return rejected({
      invariant: "order_exactly_once",
      kind: "epoch_mismatch",
      runId: event.run_id,
      seqs: [event.seq],
      message: `${subject}: seq ${event.seq} carries epoch ${event.epoch} but the connection reads epoch ${connection.epoch}.`,
    });
  }
  if (connection.resyncWait !== "none") return unannouncedRestart(connection, event, subject);
  const due = connection.expectedSeq;
  if (event.seq === due) return IN_ORDER;
  if (event.seq > due) {
    const skipped = [due, event.seq - 1] as const;
    return {
      findings: [
        {
          invariant: "order_exactly_once",
          kind: "gap",
          runId: event.run_id,
          seqs: firstSeqs([skipped]),
          message: `${subject}: seq ${event.seq} (epoch ${event.epoch}) arrived when seq ${due} was due; ${skipped[0] === skipped[1] ? `seq ${due} was` : `seqs ${describeSeqRanges([skipped])} were`} skipped without resync_required.`,
        },
      ],
      disposition: "gap",
      skipped,
    };
  }
  if (connection.received.has(event.seq)) {
    const firstAtMs = connection.arrivalTimesMs.get(event.seq);
    return rejected({
      invariant: "order_exactly_once",
      kind: "duplicate",
      runId: event.run_id,
      seqs: [event.seq],
      message: `${subject}: seq ${event.seq} arrived twice (epoch ${event.epoch}); ${firstAtMs === undefined ? "the first copy came earlier" : `the first copy came at ${firstAtMs} ms`}.`,
    });
  }
  const view = options.deviceView;
  if (event.seq < connection.startSeq && view !== undefined && view.epoch === event.epoch && view.received.has(event.seq)) {
    // A resume replayed what the device already had: for the client it is the same event twice.
    return rejected({
      invariant: "order_exactly_once",
      kind: "duplicate",
      runId: event.run_id,
      seqs: [event.seq],
      message: `${subject}: seq ${event.seq} (epoch ${event.epoch}) arrived again although the connection started after seq ${connection.startSeq - 1} and the device already had it.`,
    });
  }
  if (event.seq < connection.startSeq) {
    return {
      findings: [
        {
          invariant: "order_exactly_once",
          kind: "before_start",
          runId: event.run_id,
          seqs: [event.seq],
          message: `${subject}: seq ${event.seq} (epoch ${event.epoch}) arrived though the connection started at seq ${connection.startSeq} and was not owed it.`,
        },
      ],
      disposition: "late",
    };
  }
  return {
    findings: [
      {
        invariant: "order_exactly_once",
        kind: "reorder",
        runId: event.run_id,
        seqs: [event.seq],
        message: `${subject}: seq ${event.seq} (epoch ${event.epoch}) arrived after seq ${due - 1}; it is out of order.`,
      },
    ],
    disposition: "late",
  };
}

/** The common answer, shared: nothing to report, the seq that was due. */
const IN_ORDER: OrderCheck = Object.freeze({ findings: NO_FINDINGS, disposition: "in_order" });

function rejected(finding: Finding): OrderCheck {
  return { findings: [finding], disposition: "rejected" };
}

function unannouncedRestart(connection: ConnectionState, event: AgentEvent, subject: string): OrderCheck {
  const resume = connection.resume;
  const asked = resume === undefined ? "" : `resumed epoch ${resume.epoch} after seq ${resume.lastSeq}`;
  const finding: Finding =
    connection.resyncWait === "other_epoch"
      ? {
          invariant: "order_exactly_once",
          kind: "epoch_mismatch",
          runId: event.run_id,
          seqs: [event.seq],
          message: `${subject}: the connection ${asked} but received seq ${event.seq} of epoch ${event.epoch} without resync_required, a silent switch of stream.`,
        }
      : {
          invariant: "order_exactly_once",
          kind: "seq_regressed",
          runId: event.run_id,
          seqs: [event.seq],
          message: `${subject}: the connection ${asked} but the server's newest seq was ${connection.replayThroughSeq} and it sent seq ${event.seq} without resync_required.`,
        };
  return { findings: [finding], disposition: "unannounced_restart" };
}

/** Takes the event into the connection's order state (after {@link checkConnectionOrder}). */
export function applyConnectionOrder(
  connection: ConnectionState,
  event: AgentEvent,
  options: { disposition: OrderDisposition; receivedAtMs: number; arrivalTimesMax: number },
): void {
  const { disposition } = options;
  if (disposition === "rejected") return;
  if (disposition === "unannounced_restart") {
    connection.resyncWait = "none";
    connection.startSeq = event.seq;
  }
  connection.received.add(event.seq);
  connection.eventsReceived += 1;
  if (disposition !== "late") connection.expectedSeq = event.seq + 1;
  connection.arrivalTimesMs.set(event.seq, options.receivedAtMs);
  if (connection.arrivalTimesMs.size > options.arrivalTimesMax) {
    const oldest = connection.arrivalTimesMs.keys().next();
    if (oldest.done !== true) connection.arrivalTimesMs.delete(oldest.value);
  }
}

/** Findings of a `connected` frame (isolation, a second connected); read-only. */
export function checkConnected(connection: ConnectionState, frame: ConnectedFrame, subject: string): Finding[] {
  if (connection.connected) {
    return [
      {
        invariant: "order_exactly_once",
        kind: "connected_twice",
        message: `${subject}: a second connected frame arrived (epoch ${frame.epoch}, last_seq ${frame.last_seq}).`,
      },
    ];
  }
  if (frame.user_id === connection.userId) return [];
  return [
    {
      invariant: "isolation",
      kind: "connected_user_mismatch",
      message: `${subject}: the connected frame names user ${frame.user_id}, not the authenticated user ${connection.userId}.`,
    },
  ];
}

/** Sets where the connection starts from its `connected` frame (see the module comment). */
export function applyConnected(connection: ConnectionState, frame: ConnectedFrame): void {
  if (connection.connected) return;
  connection.connected = true;
  connection.epoch = frame.epoch;
  connection.replayThroughSeq = frame.last_seq;
  const resume = connection.resume;
  const startAfter = resume === undefined ? frame.last_seq : resume.lastSeq;
  connection.expectedSeq = startAfter + 1;
  connection.startSeq = startAfter + 1;
  if (resume === undefined) connection.resyncWait = "none";
  else if (resume.epoch !== frame.epoch) connection.resyncWait = "other_epoch";
  else if (resume.lastSeq > frame.last_seq) connection.resyncWait = "ahead_of_server";
  else connection.resyncWait = "none";
}

/** Restarts the connection at `oldest_seq` of the resync's epoch. */
export function applyResync(
  connection: ConnectionState,
  frame: ResyncRequiredFrame,
  options: { rangesMax: number; onMerge: () => void },
): void {
  if (connection.epoch !== frame.epoch) connection.received = new SeqRanges(options.rangesMax, options.onMerge);
  connection.epoch = frame.epoch;
  connection.expectedSeq = frame.oldest_seq;
  connection.startSeq = frame.oldest_seq;
  connection.replayThroughSeq = frame.last_seq;
  connection.resyncWait = "none";
}
