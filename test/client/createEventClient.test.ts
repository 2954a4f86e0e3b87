/**
 * The event client's rules (docs/client.md), one test per rule, driven as a host would:
 * socketOpened, receive(frame), socketClosed. Imported by the package name an app uses.
 */
import { describe, expect, it } from "vitest";
import { createEventClient, RECEIVE_OUTCOMES, withResumeQuery, type AgentEvent, type ResyncLoss } from "agent-event-proof/client";
import { connectedFrame, eventFrame, recordingTransport, resyncFrame } from "./clientFixtures.ts";

function clientWithLog(ackEveryEvents = 0) {
  const events: AgentEvent[] = [];
  const resyncs: ResyncLoss[] = [];
  const client = createEventClient({ ackEveryEvents, onEvent: (event) => events.push(event), onResync: (_frame, loss) => resyncs.push(loss) });
  return { client, events, resyncs, seqs: () => events.map((event) => event.seq) };
}

describe("createEventClient", () => {
  it("connects fresh, then starts at the server's last_seq in its epoch (live events only)", () => {
    const { client, seqs } = clientWithLog();
    expect(client.resumePoint()).toBeUndefined();
    client.socketOpened(recordingTransport());
    expect(client.receive(connectedFrame("e1", 7))).toBe(RECEIVE_OUTCOMES.connected);
    expect(client.resumePoint()).toEqual({ epoch: "e1", lastSeq: 7 });
    expect(client.receive(eventFrame(8))).toBe(RECEIVE_OUTCOMES.event);
    expect(client.receive(eventFrame(9))).toBe(RECEIVE_OUTCOMES.event);
    expect(seqs()).toEqual([8, 9]);
    expect(client.lastSeq).toBe(9);
  });

  it("drops replayed seqs it already holds (exactly once across a resume)", () => {
    const { client, seqs } = clientWithLog();
    client.socketOpened(recordingTransport());
    client.receive(connectedFrame("e1", 0));
    for (const seq of [1, 2, 3]) client.receive(eventFrame(seq));
    client.socketClosed();
    client.socketOpened(recordingTransport());
    client.receive(connectedFrame("e1", 5));
    expect(client.replayThroughSeq).toBe(5);
    const outcomes = [2, 3, 4, 5].map((seq) => client.receive(eventFrame(seq)));
    expect(outcomes).toEqual(["duplicate", "duplicate", "event", "event"]);
    expect(seqs()).toEqual([1, 2, 3, 4, 5]);
  });

  it("does not move past a hole: the event after it is dropped and the resume asks for the hole", () => {
    const { client, seqs } = clientWithLog();
    client.socketOpened(recordingTransport());
    client.receive(connectedFrame("e1", 0));
    client.receive(eventFrame(1));
    expect(client.receive(eventFrame(3))).toBe(RECEIVE_OUTCOMES.gap);
    expect(client.resumePoint()).toEqual({ epoch: "e1", lastSeq: 1 });
    expect(withResumeQuery("ws://h/ws", client.resumePoint())).toBe("ws://h/ws?last_seq=1&epoch=e1");
    client.socketClosed();
    client.socketOpened(recordingTransport());
    client.receive(connectedFrame("e1", 3));
    client.receive(eventFrame(2));
    client.receive(eventFrame(3));
    expect(seqs()).toEqual([1, 2, 3]);
  });

  it("drops events of another epoch, and a later connected frame does not switch epochs on its own", () => {
    const { client, seqs } = clientWithLog();
    client.socketOpened(recordingTransport());
    client.receive(connectedFrame("e1", 4));
    client.socketClosed();
    client.socketOpened(recordingTransport());
    client.receive(connectedFrame("e2", 1));
    expect(client.epoch).toBe("e1");
    expect(client.receive(eventFrame(5, "e2"))).toBe(RECEIVE_OUTCOMES.foreignEpoch);
    expect(seqs()).toEqual([]);
  });

  it("a resync in the same epoch moves the point to oldest_seq - 1 and counts the lost events", () => {
    const { client, seqs, resyncs } = clientWithLog();
    client.socketOpened(recordingTransport());
    client.receive(connectedFrame("e1", 2));
    client.socketClosed();
    client.socketOpened(recordingTransport());
    client.receive(connectedFrame("e1", 20));
    expect(client.receive(resyncFrame("e1", 10, 20))).toBe(RECEIVE_OUTCOMES.resync);
    expect(resyncs).toEqual([{ previousEpoch: "e1", previousLastSeq: 2, lostEvents: 7 }]);
    expect(client.replayThroughSeq).toBe(20);
    expect(client.receive(eventFrame(10))).toBe(RECEIVE_OUTCOMES.event);
    expect(seqs()).toEqual([10]);
  });

  it("a resync into a new epoch (server restart) follows the new stream; the loss is unknown", () => {
    const { client, seqs, resyncs } = clientWithLog();
    client.socketOpened(recordingTransport());
    client.receive(connectedFrame("e1", 0));
    for (const seq of [1, 2, 3]) client.receive(eventFrame(seq));
    client.socketClosed();
    client.socketOpened(recordingTransport());
    client.receive(connectedFrame("e2", 1));
    client.receive(resyncFrame("e2", 1, 1));
    expect(resyncs).toEqual([{ previousEpoch: "e1", previousLastSeq: 3, lostEvents: null }]);
    expect(client.receive(eventFrame(1, "e2"))).toBe(RECEIVE_OUTCOMES.event);
    expect(seqs()).toEqual([1, 2, 3, 1]);
    expect(client.resumePoint()).toEqual({ epoch: "e2", lastSeq: 1 });
  });

  it("acks every N delivered events per connection with the resume point; duplicates and gaps do not count", () => {
    const { client } = clientWithLog(2);
    const transport = recordingTransport();
    client.socketOpened(transport);
    client.receive(connectedFrame("e1", 0));
    for (const seq of [1, 1, 2, 4, 3, 4, 5]) client.receive(eventFrame(seq));
    expect(transport.sent).toEqual([
      { type: "ack", seq: 2 },
      { type: "ack", seq: 4 },
    ]);
    expect(client.eventsSinceAck).toBe(1);
    expect(client.flushAck()).toBe(true);
    expect(client.flushAck()).toBe(false);
    expect(transport.sent.at(-1)).toEqual({ type: "ack", seq: 5 });
  });

  it("a postponed ack coalesces into the next one, which carries the newer seq", () => {
    let allowed = false;
    const client = createEventClient({ ackEveryEvents: 2, ackAllowed: () => allowed });
    const transport = recordingTransport();
    client.socketOpened(transport);
    client.receive(connectedFrame("e1", 0));
    for (const seq of [1, 2, 3]) client.receive(eventFrame(seq));
    expect(transport.sent).toEqual([]);
    allowed = true;
    client.receive(eventFrame(4));
    expect(transport.sent).toEqual([{ type: "ack", seq: 4 }]);
  });

  it("sends app frames only while connected, and counts acks per connection", () => {
    const { client } = clientWithLog(3);
    const first = recordingTransport();
    client.socketOpened(first);
    const start = { type: "start_agent", request_id: "q1", agent_type: "a", message: "m" } as const;
    expect(client.send(start)).toBe(false);
    client.receive(connectedFrame("e1", 0));
    expect(client.send(start)).toBe(true);
    client.receive(eventFrame(1));
    client.receive(eventFrame(2));
    client.socketClosed();
    expect(client.send(start)).toBe(false);
    expect(client.receive(eventFrame(3))).toBe(RECEIVE_OUTCOMES.ignored);
    const second = recordingTransport();
    client.socketOpened(second);
    client.receive(connectedFrame("e1", 4));
    client.receive(eventFrame(3));
    expect(second.sent).toEqual([]);
    expect(first.sent).toEqual([start]);
  });

  it("an app that closes the socket from onEvent gets no ack sent on the old socket", () => {
    const transport = recordingTransport();
    const client = createEventClient({ ackEveryEvents: 1, onEvent: () => client.socketClosed() });
    client.socketOpened(transport);
    client.receive(connectedFrame("e1", 0));
    client.receive(eventFrame(1));
    expect(transport.sent).toEqual([]);
    expect(client.lastSeq).toBe(1);
  });

  it("ignores what is not a frame it acts on, and reports protocol errors", () => {
    const errors: unknown[] = [];
    const client = createEventClient({ ackEveryEvents: 0, onProtocolError: (frame) => errors.push(frame.code) });
    client.socketOpened(recordingTransport());
    expect(client.receive(null)).toBe(RECEIVE_OUTCOMES.ignored);
    expect(client.receive("text")).toBe(RECEIVE_OUTCOMES.ignored);
    expect(client.receive({ type: "agent_thinking", seq: "1" })).toBe(RECEIVE_OUTCOMES.ignored);
    expect(client.receive({ type: "resync_required" })).toBe(RECEIVE_OUTCOMES.ignored);
    expect(client.receive({ type: "protocol_error", code: "bad_json", message: "x" })).toBe(RECEIVE_OUTCOMES.protocolError);
    expect(client.receive(eventFrame(1))).toBe(RECEIVE_OUTCOMES.foreignEpoch);
    expect(errors).toEqual(["bad_json"]);
  });
});
