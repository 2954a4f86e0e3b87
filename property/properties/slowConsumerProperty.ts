/**
 * docs/protocol.md "Delivery": a slow consumer (unsent bytes past `bufferedBytesMax`) is
 * closed with 4409, its events stay in the replay buffer, and its device resumes and
 * catches up without loss. Judged on the trace: every `slow_consumer` decision is
 * followed by a close 4409 the client sees, then a resume of that device whose first
 * event continues where it left off, with no resync_required (the replay buffer is the
 * manager's default, far larger than one run); plus the checker's invariants 7 and 8 and
 * the simulator's catch-up check.
 */
import fc from "fast-check";
import { CLOSE_CODES } from "../../protocol/limits.ts";
import { simCaseArbitrary } from "../arbitraries/simCaseArbitrary.ts";
import { defineSimProperty } from "../harness/defineSimProperty.ts";
import { readSimTrace, receivedEvents, type SimTrace } from "../harness/readSimTrace.ts";
import { joinFailures, violationsFailure } from "../harness/violationsFailure.ts";

/** See the module comment. */
export const slowConsumerProperty = defineSimProperty({
  name: "slow-consumer",
  guards: "docs/protocol.md Delivery + invariants 7-8: a slow consumer is closed with 4409, then its device resumes and catches up without loss",
  invariants: [7, 8],
  defaultRuns: 120,
  catches: ["lost-tool-completed-on-drop", "duplicate-on-resume"],
  exercisedShareMin: 0.05,
  arbitrary: simCaseArbitrary({
    name: "slow-consumer",
    usersMax: 2,
    // Two devices per user: the other device's acks must not trim what the cut one still
    // needs (ManagerLimits.departedHoldMs; found by this property, see git history).
    devicesMax: 2,
    runsPerUserMax: 3,
    scriptsMax: 2,
    startWindowMsMax: 500,
    faultPhaseMs: 1_500,
    script: { stepsMax: 8, partialWeight: 4, pauseMsMax: 30, toolDurationMsMax: 300 },
    faultKinds: ["slow_socket"],
    faultsMin: 1,
    faultsMax: 3,
    managerLimits: fc.record({ bufferedBytesMax: fc.integer({ min: 300, max: 800 }) }),
    slowBandwidthBytesPerMs: fc.integer({ min: 1, max: 2 }),
    slowSocketMs: fc.integer({ min: 800, max: 3_000 }),
  }),
  needsTrace: true,
  judge: (run) => {
    const trace = readSimTrace(run.traceLines);
    const cuts = trace.decisions.filter((decision) => decision.decision === "slow_consumer");
    return {
      failure: joinFailures([
        judgeSlowConsumerCuts(trace, cuts.map((cut) => ({ t: cut.t, serverConnectionId: String(cut.connectionId) }))),
        violationsFailure(run.result, ["order_exactly_once", "completeness"]),
        run.result.livenessReason === null ? undefined : `liveness: ${run.result.livenessReason}`,
      ]),
      exercised: cuts.length > 0,
    };
  },
});

/** For each cut: the client saw 4409, and the device's next connection resumed losslessly. */
function judgeSlowConsumerCuts(trace: SimTrace, cuts: ReadonlyArray<{ t: number; serverConnectionId: string }>): string | undefined {
  const problems: string[] = [];
  for (const cut of cuts) {
    const connection = trace.byServerConnectionId.get(cut.serverConnectionId);
    if (connection === undefined) {
      problems.push(`the manager cut ${cut.serverConnectionId} as a slow consumer at t=${cut.t} ms, a connection no client knows`);
      continue;
    }
    const subject = `${connection.conn} (user ${connection.user}, cut as a slow consumer at t=${cut.t} ms)`;
    if (connection.close?.code !== CLOSE_CODES.slowConsumer) {
      problems.push(`${subject}: the client saw ${connection.close === undefined ? "no close" : `close ${connection.close.code}`}, not ${CLOSE_CODES.slowConsumer}`);
      continue;
    }
    const after = trace.connections.slice(trace.connections.indexOf(connection) + 1);
    const next = after.find((candidate) => candidate.device === connection.device);
    if (next === undefined) {
      problems.push(`${subject}: the device never reconnected`);
      continue;
    }
    if (next.resume === undefined) {
      problems.push(`${subject}: the device reconnected as ${next.conn} without resuming`);
      continue;
    }
    if (next.received.some((received) => received.frame.type === "resync_required")) {
      problems.push(`${subject}: its resume ${next.conn} after seq ${next.resume.last_seq} got resync_required (events lost) although the replay buffer should still hold them`);
      continue;
    }
    const first = receivedEvents(next)[0];
    if (first !== undefined && (first.epoch !== next.resume.epoch || first.seq !== next.resume.last_seq + 1)) {
      problems.push(`${subject}: its resume ${next.conn} after seq ${next.resume.last_seq} began with seq ${first.seq} (epoch ${first.epoch})`);
    }
  }
  return problems.length === 0 ? undefined : problems.slice(0, 3).join("\n");
}
