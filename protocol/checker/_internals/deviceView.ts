/**
 * A device's view of its user's stream: one epoch, the first seq it is responsible
 * for, what it received, and the losses it was told of (announced) or that were
 * already reported as gaps (flagged). A resume continues the view; a fresh connection
 * (no resume) or a change of epoch starts a new one, and the runs of the old view
 * are dropped (the client gave up continuity, or the server announced it lost it).
 */
import type { ConnectedFrame, ResyncRequiredFrame } from "../../frames.ts";
import type { ConnectionState, DeviceState, DeviceView } from "./checkerState.ts";
import { SeqRanges, type SeqRange } from "./SeqRanges.ts";

/** Bounds of the view's seq sets. */
export interface ViewBounds {
  rangesMax: number;
  onMerge: () => void;
}

/** A new view of `epoch` starting at `startSeq`. */
export function createDeviceView(epoch: string, startSeq: number, bounds: ViewBounds): DeviceView {
  return {
    epoch,
    startSeq,
    received: new SeqRanges(bounds.rangesMax, bounds.onMerge),
    announcedLoss: new SeqRanges(bounds.rangesMax, bounds.onMerge),
    flaggedLoss: new SeqRanges(bounds.rangesMax, bounds.onMerge),
    toldNewestSeq: startSeq - 1,
    runs: new Map(),
  };
}

/** The newest seq the view holds, or startSeq - 1 when it holds none. */
export function viewHighestSeq(view: DeviceView): number {
  const highest = view.received.highest();
  return highest === undefined || highest < view.startSeq - 1 ? view.startSeq - 1 : highest;
}

/**
 * Records a loss in the view: runs that began at or before its end may have lost
 * events, so their absence-based checks are relaxed from now on.
 */
export function markViewLoss(view: DeviceView, range: SeqRange, which: "announced" | "flagged"): void {
  if (range[1] < range[0]) return;
  (which === "announced" ? view.announcedLoss : view.flaggedLoss).add(range[0], range[1]);
  relaxRunsBefore(view, range[1]);
}

function relaxRunsBefore(view: DeviceView, seq: number): void {
  for (const run of view.runs.values()) {
    if (run.completed === undefined && run.firstSeq <= seq) run.relaxed = true;
  }
}

/** Updates the device's view when one of its connections gets `connected` (after applyConnected). */
export function deviceOnConnected(device: DeviceState, connection: ConnectionState, frame: ConnectedFrame, bounds: ViewBounds): void {
  const resume = connection.resume;
  if (resume === undefined) {
    device.view = createDeviceView(frame.epoch, frame.last_seq + 1, bounds);
    device.view.toldNewestSeq = frame.last_seq;
    return;
  }
  const view = device.view;
  if (view === undefined || view.epoch !== resume.epoch) {
    device.view = createDeviceView(resume.epoch, resume.lastSeq + 1, bounds);
  } else {
    const highest = viewHighestSeq(view);
    // The client resumed past what it holds: it chose to skip those seqs.
    if (resume.lastSeq > highest) markViewLoss(view, [highest + 1, resume.lastSeq], "announced");
  }
  const current = device.view as DeviceView;
  if (frame.epoch === current.epoch) current.toldNewestSeq = Math.max(current.toldNewestSeq, frame.last_seq);
}

/**
 * Updates the view on resync_required. `resumedAfterSeq` is the seq the connection
 * held before it (its start point - 1). Same epoch: [resumedAfterSeq + 1, oldest_seq - 1]
 * is an announced loss. Another epoch (or a server behind the view): a new view from oldest_seq.
 */
export function deviceOnResync(device: DeviceState, frame: ResyncRequiredFrame, options: ViewBounds & { resumedAfterSeq: number }): void {
  const view = device.view;
  // Another epoch, or a server now behind what the view holds: the client must start over.
  if (view === undefined || view.epoch !== frame.epoch || viewHighestSeq(view) > frame.last_seq) {
    device.view = createDeviceView(frame.epoch, frame.oldest_seq, options);
    device.view.toldNewestSeq = frame.last_seq;
    return;
  }
  markViewLoss(view, [Math.max(options.resumedAfterSeq + 1, view.startSeq), frame.oldest_seq - 1], "announced");
  view.toldNewestSeq = Math.max(view.toldNewestSeq, frame.last_seq);
}

/** Where an accepted event falls in the view. */
export type ViewPlace =
  /** Below the view's start: not the view's business. */
  | "before_view"
  /** Already held (a replay the client asked for again): not checked twice. */
  | "held"
  /** Fills a hole below the newest held seq: counted for completeness, not run-checked (its run is relaxed already). */
  | "late"
  /** Extends the view: run-checked. */
  | "frontier";

/** Takes one seq into the view and says where it fell; a jump over a hole relaxes the runs it may have cut. */
export function viewTakeSeq(view: DeviceView, seq: number): ViewPlace {
  if (seq < view.startSeq) return "before_view";
  if (view.received.has(seq)) return "held";
  const highest = viewHighestSeq(view);
  view.received.add(seq);
  if (seq <= highest) return "late";
  if (seq > highest + 1) relaxRunsBefore(view, seq - 1);
  return "frontier";
}
