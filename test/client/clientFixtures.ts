/**
 * Frames and a recording transport for the event client's tests. The transport is the
 * client's one port (protocol/client/ClientTransport.ts); recording what was sent on it
 * is the boundary these unit tests observe. Real sockets are in test/viewer and the sim.
 */
import type { AgentEvent, ClientFrame } from "agent-event-proof/client";

/** A transport that keeps every frame sent on it. */
export function recordingTransport(): { send(frame: ClientFrame): void; sent: ClientFrame[] } {
  const sent: ClientFrame[] = [];
  return { send: (frame) => sent.push(frame), sent };
}

/** A `connected` frame. */
export function connectedFrame(epoch: string, lastSeq: number) {
  return { type: "connected", user_id: "u1", connection_id: "c1", epoch, last_seq: lastSeq };
}

/** A `resync_required` frame. */
export function resyncFrame(epoch: string, oldestSeq: number, lastSeq: number) {
  return { type: "resync_required", epoch, oldest_seq: oldestSeq, last_seq: lastSeq };
}

/** A valid `agent_thinking` event with `seq` in `epoch`. */
export function eventFrame(seq: number, epoch = "e1"): AgentEvent {
  return {
    type: "agent_thinking",
    seq,
    epoch,
    run_id: "r1",
    user_id: "u1",
    ts: 1_000 + seq,
    data: { agent_id: "a1", thinking_content: `step ${seq}`, step_number: seq },
  };
}
