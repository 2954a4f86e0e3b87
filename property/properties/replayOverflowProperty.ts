/**
 * docs/protocol.md "Delivery" with invariants 7 and 8: when a user's replay buffer overflows
 * (a small `managerLimits.replayEventsMax`) while a device is away, its resume is
 * answered with `resync_required` before any event — loss is announced, never a silent
 * gap. Judged on the trace itself (every resumed connection's first event continues its
 * resume point, or a resync_required came first) and by the checker (invariants 7, 8).
 */
import fc from "fast-check";
import { simCaseArbitrary } from "../arbitraries/simCaseArbitrary.ts";
import { defineSimProperty } from "../harness/defineSimProperty.ts";
import { readSimTrace, receivedEvents, type SimTrace } from "../harness/readSimTrace.ts";
import { joinFailures, violationsFailure } from "../harness/violationsFailure.ts";

/** See the module comment. */
export const replayOverflowProperty = defineSimProperty({
  name: "replay-overflow",
  guards: "docs/protocol.md Delivery + invariants 7-8: a resume past an overflowed replay buffer gets resync_required before any event, never a silent gap",
  invariants: [7, 8],
  defaultRuns: 150,
  catches: ["silent-gap-on-overflow"],
  exercisedShareMin: 0.05,
  arbitrary: simCaseArbitrary({
    name: "replay-overflow",
    usersMax: 2,
    devicesMax: 2,
    runsPerUserMax: 3,
    scriptsMax: 2,
    script: { stepsMax: 8, partialWeight: 3, pauseMsMax: 100, toolDurationMsMax: 300 },
    faultKinds: ["drop", "reconnect", "send_failure", "half_open", "storm"],
    startWindowMsMax: 500,
    faultPhaseMs: 2_000,
    faultsMin: 1,
    faultsMax: 8,
    managerLimits: fc.record({ replayEventsMax: fc.integer({ min: 1, max: 8 }) }),
    ackEveryEvents: fc.integer({ min: 0, max: 4 }),
  }),
  needsTrace: true,
  judge: (run) => {
    const trace = readSimTrace(run.traceLines);
    const judged = judgeResumes(trace);
    return {
      failure: joinFailures([judged.silentGaps, violationsFailure(run.result, ["order_exactly_once", "completeness"])]),
      exercised: judged.overflowAnnounced,
    };
  },
});

/** Every resumed connection: its first event continues the resume point, or resync_required came before it. */
function judgeResumes(trace: SimTrace): { silentGaps: string | undefined; overflowAnnounced: boolean } {
  const gaps: string[] = [];
  let overflowAnnounced = false;
  for (const connection of trace.connections) {
    const resume = connection.resume;
    if (resume === undefined) continue;
    const resyncIndex = connection.received.findIndex((received) => received.frame.type === "resync_required");
    const resync = connection.received[resyncIndex];
    if (resync !== undefined && resync.frame.epoch === resume.epoch) overflowAnnounced = true;
    const first = receivedEvents(connection)[0];
    if (first === undefined) continue;
    const continues = first.epoch === resume.epoch && first.seq === resume.last_seq + 1;
    const firstIndex = connection.received.findIndex((received) => received.frame.seq === first.seq);
    if (!continues && (resyncIndex < 0 || resyncIndex > firstIndex)) {
      gaps.push(
        `${connection.conn} (user ${connection.user}) resumed after seq ${resume.last_seq} of epoch ${resume.epoch} at t=${connection.openedAtMs} ms, but its first event was seq ${first.seq} of epoch ${first.epoch} with no resync_required before it (a silent gap)`,
      );
    }
  }
  return { silentGaps: gaps.length === 0 ? undefined : gaps.slice(0, 3).join("\n"), overflowAnnounced };
}
