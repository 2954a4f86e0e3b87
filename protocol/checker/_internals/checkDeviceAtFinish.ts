/**
 * End-of-run checks of one judged device (see createChecker for which devices are judged):
 *
 * - Completeness (invariant 8, category liveness): every seq of the view's epoch from
 *   the view's start to the newest known seq was received, except announced losses and
 *   seqs already reported as a gap. A device still waiting for a resync_required that
 *   never came, while its user has events, is reported here too ("resync_missing").
 * - Run completion (invariant 2, kind run_not_completed, category liveness; only with
 *   requireRunsComplete): every run whose agent_started the device saw has its
 *   agent_completed seen too, unless a loss (announced, flagged or missing) after the
 *   run's last seen event could hold it, or the emitted log shows the server never
 *   emitted it (that is reported once per run, server side, instead).
 */
import type { ConnectionState, DeviceState, DeviceView } from "./checkerState.ts";
import { countSeqs, describeSeqRanges, firstSeqs, subtractRanges, type SeqRange } from "./SeqRanges.ts";
import type { Finding } from "./ViolationSink.ts";

/** What the device check needs to know besides the device. */
export interface DeviceFinishContext {
  /** The device's current connection, when it is still open. */
  openConnection: ConnectionState | undefined;
  /** Newest seq known for the user in `epoch` (ground truth when the emitted log has it). */
  newestSeqOf: (epoch: string) => number;
  requireRunsComplete: boolean;
  /** True when the emitted log is given and shows the run's agent_completed was never emitted. */
  serverNeverCompleted: (epoch: string, runId: string) => boolean;
}

/** See the module comment. Read-only. */
export function checkDeviceAtFinish(device: DeviceState, context: DeviceFinishContext): Finding[] {
  const subject = `user ${device.userId} device ${device.deviceId}`;
  const connection = context.openConnection;
  if (connection !== undefined && connection.resyncWait !== "none" && connection.epoch !== undefined) {
    const newest = context.newestSeqOf(connection.epoch);
    if (newest === 0) return [];
    const resume = connection.resume;
    return [
      {
        invariant: "completeness",
        kind: "resync_missing",
        message: `${subject}: connection ${connection.connectionId} resumed epoch ${resume?.epoch ?? "?"} after seq ${resume?.lastSeq ?? "?"} but the server, on epoch ${connection.epoch} with newest seq ${newest}, never sent resync_required or any event.`,
      },
    ];
  }
  const view = device.view;
  if (view === undefined) return [];
  const newest = Math.max(context.newestSeqOf(view.epoch), 0);
  const missing = missingSeqs(view, newest);
  const findings: Finding[] = [];
  if (missing.length > 0) {
    findings.push({
      invariant: "completeness",
      kind: "missing_events",
      seqs: firstSeqs(missing),
      message: `${subject}: ${countSeqs(missing)} event${countSeqs(missing) === 1 ? "" : "s"} of epoch ${view.epoch} never arrived (seq ${describeSeqRanges(missing)}; newest known seq ${newest}), and no loss was announced.`,
    });
  }
  if (context.requireRunsComplete) findings.push(...runsNotCompleted(view, { ...context, subject, newest, missing }));
  return findings;
}

function missingSeqs(view: DeviceView, newest: number): SeqRange[] {
  const notReceived = view.received.missingWithin(view.startSeq, newest);
  return subtractRanges(subtractRanges(notReceived, view.announcedLoss), view.flaggedLoss);
}

function runsNotCompleted(
  view: DeviceView,
  context: DeviceFinishContext & { subject: string; newest: number; missing: readonly SeqRange[] },
): Finding[] {
  const findings: Finding[] = [];
  for (const run of view.runs.values()) {
    if (!run.started || run.completed !== undefined) continue;
    if (context.serverNeverCompleted(view.epoch, run.runId)) continue;
    const after = run.lastSeq + 1;
    const couldBeLost =
      view.announcedLoss.intersects(after, Number.MAX_SAFE_INTEGER) ||
      view.flaggedLoss.intersects(after, Number.MAX_SAFE_INTEGER) ||
      context.missing.some(([, high]) => high >= after);
    if (couldBeLost) continue;
    findings.push({
      invariant: "run_completed_last",
      kind: "run_not_completed",
      category: "liveness",
      runId: run.runId,
      seqs: [run.firstSeq, run.lastSeq],
      message: `${context.subject} run ${run.runId}: the device saw the run start (epoch ${view.epoch}, seq ${run.firstSeq}) but never its agent_completed; its last event was seq ${run.lastSeq}.`,
    });
  }
  return findings;
}
