/**
 * `unanswered_start` (invariant 1, category liveness): a device sent `start_agent` (valid,
 * a request_id new for its user) on a connection that stayed open and connected to the
 * end, no `protocol_error` on that connection can have refused it, and the server never
 * emitted the `agent_started` that answers it.
 *
 * Judged only with the emitted log (the simulator's ground truth), by counting: errors
 * and agent_started carry no request_id, so a start cannot be matched to its answer.
 * Per (user, epoch), the starts sent on the user's connections still open and reading
 * that epoch at finish, less one per protocol_error each of those connections received
 * (any of them may have refused one of its starts), must not outnumber the agent_started
 * the server emitted in that epoch after the lowest point any of those connections
 * started from. A connection open to the end was served by the current server from its
 * `connected` on, so the answer to a start sent on it is emitted in the stream it reads,
 * after where it started; every agent_started answers one start at most. Counting every
 * other emitted agent_started too (other devices' starts, starts of closed connections)
 * can only hide a finding, never invent one.
 *
 * Why not without the log: a client trace cannot tell a start the server never answered
 * from one whose agent_started was lost with a restart or a resync on an earlier
 * connection of another device, or is still in flight; a k6 VU sees one device only.
 * So the k6 path (no emitted log) never reports it, and createLazyChecker's quiet finish
 * needs no counter for it: an emitted log always engages the full checker.
 */
import type { ConnectionState } from "./checkerState.ts";
import type { Finding, FindingContext } from "./ViolationSink.ts";
import { userEpochKey, type EmittedIndex } from "./emittedIndex.ts";

/** Request ids kept per connection for the finding's message (the count is exact past it). */
export const START_REQUEST_IDS_NAMED_MAX = 4;

/** The unanswered-start findings over the connections open at finish, against the emitted log. */
export function judgeUnansweredStarts(
  openConnections: Iterable<ConnectionState>,
  emitted: Pick<EmittedIndex, "agentStartedSeqs">,
): { finding: Finding; context: FindingContext }[] {
  const groups = new Map<string, { userId: string; epoch: string; starts: number; startAfterSeq: number; requestIds: string[]; first: ConnectionState }>();
  for (const connection of openConnections) {
    const unrefused = connection.startsSent - connection.protocolErrorsReceived;
    if (unrefused <= 0 || !connection.connected || connection.resyncWait !== "none" || connection.epoch === undefined) continue;
    const key = userEpochKey(connection.userId, connection.epoch);
    const group = groups.get(key);
    if (group === undefined) {
      groups.set(key, {
        userId: connection.userId,
        epoch: connection.epoch,
        starts: unrefused,
        startAfterSeq: connection.startSeq - 1,
        requestIds: [...connection.startRequestIds],
        first: connection,
      });
      continue;
    }
    group.starts += unrefused;
    group.startAfterSeq = Math.min(group.startAfterSeq, connection.startSeq - 1);
    group.requestIds.push(...connection.startRequestIds);
  }
  const judged: { finding: Finding; context: FindingContext }[] = [];
  for (const [key, group] of groups) {
    const answers = (emitted.agentStartedSeqs.get(key) ?? []).filter((seq) => seq > group.startAfterSeq).length;
    if (group.starts <= answers) continue;
    const missing = group.starts - answers;
    judged.push({
      finding: {
        invariant: "run_started_first",
        kind: "unanswered_start",
        category: "liveness",
        message:
          `user ${group.userId} (epoch ${group.epoch}): ${group.starts} start_agent sent on connections open to the end ` +
          `(request_ids ${group.requestIds.slice(0, START_REQUEST_IDS_NAMED_MAX).join(", ")}${group.requestIds.length > START_REQUEST_IDS_NAMED_MAX ? ", …" : ""}) ` +
          `and not refused by a protocol_error, but the emitted log has ${answers} agent_started after seq ${group.startAfterSeq}: ${missing} never answered.`,
      },
      context: { userId: group.userId, connectionId: group.first.connectionId, deviceId: group.first.deviceId },
    });
  }
  return judged;
}
