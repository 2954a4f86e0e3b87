/**
 * Property: whatever a lossless server does within the contract's slack — replays that
 * overlap what the client holds, duplicated frames, frames lost with their connection —
 * the app sees each seq of the stream once, in order, and after one clean connection it
 * has all of them. The server here is a model: a stream of `streamLength` events that
 * answers each resume from a drawn point at or before the client's resume point.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createEventClient } from "agent-event-proof/client";
import { connectedFrame, eventFrame, recordingTransport } from "./clientFixtures.ts";

/** One connection's life: where the replay starts (behind the resume point), duplicates, and where the socket dies. */
const connectionArbitrary = fc.record({
  replayOverlapEvents: fc.nat({ max: 5 }),
  duplicateEveryEvents: fc.integer({ min: 0, max: 4 }),
  cutAfterFrames: fc.nat({ max: 12 }),
});

describe("event client: exactly once, in order", () => {
  it("holds for drawn replays, duplicates and cut connections", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.array(connectionArbitrary, { maxLength: 8 }), (streamLength, connections) => {
        const delivered: number[] = [];
        const client = createEventClient({ ackEveryEvents: 3, onEvent: (event) => delivered.push(event.seq) });
        client.socketOpened(recordingTransport());
        client.receive(connectedFrame("e1", 0));
        client.socketClosed();
        const serve = (from: number, duplicateEveryEvents: number, cutAfterFrames: number) => {
          let frames = 0;
          for (let seq = from; seq <= streamLength && frames < cutAfterFrames; seq += 1) {
            client.receive(eventFrame(seq));
            frames += 1;
            if (duplicateEveryEvents > 0 && seq % duplicateEveryEvents === 0) client.receive(eventFrame(seq));
          }
        };
        for (const connection of connections) {
          const resume = client.resumePoint();
          client.socketOpened(recordingTransport());
          client.receive(connectedFrame("e1", streamLength));
          serve(Math.max(1, (resume?.lastSeq ?? 0) + 1 - connection.replayOverlapEvents), connection.duplicateEveryEvents, connection.cutAfterFrames);
          client.socketClosed();
        }
        client.socketOpened(recordingTransport());
        client.receive(connectedFrame("e1", streamLength));
        serve(client.lastSeq + 1, 0, Number.MAX_SAFE_INTEGER);
        expect(delivered).toEqual(Array.from({ length: streamLength }, (_, index) => index + 1));
      }),
      { numRuns: 300 },
    );
  });
});
