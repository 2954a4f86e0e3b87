import { describe, expect, it } from "vitest";
import { createRandom } from "../../sim/core/createRandom.ts";
import { createNetworkHarness } from "./simNetworkHarness.ts";

type Action = { atMs: number; kind: "send"; bytes: number } | { atMs: number; kind: "bandwidth"; bytesPerMs: number };

/**
 * Reference model of the link, one ms at a time with no closed-form shortcuts: each
 * ms carries up to `bandwidth` bytes; actions in a ms see what is left of it.
 * Returns each sent frame's departure ms and bufferedBytes after each action.
 */
function referenceLink(actions: readonly Action[], bandwidthStart: number, endMs: number): { departures: number[]; buffered: number[] } {
  const queue: { index: number; remaining: number }[] = [];
  const departures: number[] = [];
  const buffered: number[] = [];
  let bandwidth = bandwidthStart;
  let sent = 0;
  let actionIndex = 0;
  for (let tick = 0; tick <= endMs; tick += 1) {
    let used = 0;
    const carry = (): void => {
      while (queue.length > 0) {
        const head = queue[0] as { index: number; remaining: number };
        const carried = Math.min(head.remaining, bandwidth - used);
        head.remaining -= carried;
        used += carried;
        if (head.remaining > 0) break;
        departures[head.index] = tick;
        queue.shift();
      }
    };
    carry();
    for (; actionIndex < actions.length && (actions[actionIndex] as Action).atMs === tick; actionIndex += 1) {
      const action = actions[actionIndex] as Action;
      if (action.kind === "send") queue.push({ index: sent++, remaining: action.bytes });
      else {
        bandwidth = action.bytesPerMs;
        used = Math.min(used, bandwidth);
      }
      carry();
      buffered.push(queue.reduce((sum, frame) => sum + frame.remaining, 0));
    }
  }
  return { departures, buffered };
}

describe("the server→client link", () => {
  it("matches a ms-by-ms reference model under random sends and bandwidth changes", () => {
    for (let seed = 1; seed <= 40; seed += 1) {
      const random = createRandom(seed);
      const actions: Action[] = [];
      for (let atMs = 0; atMs < 400; atMs += random.integer(0, 6)) {
        actions.push(random.chance(1, 6) ? { atMs, kind: "bandwidth", bytesPerMs: random.integer(1, 60) } : { atMs, kind: "send", bytes: random.integer(0, 300) });
      }
      const reference = referenceLink(actions, 20, 100_000);

      const { time, open, network } = createNetworkHarness(seed, { oneWayDelayMsMin: 0, oneWayDelayMsMax: 0, bandwidthBytesPerMs: 20 });
      const connection = open("c1");
      const buffered: number[] = [];
      for (const action of actions) {
        time.after(action.atMs, () => {
          if (action.kind === "send") connection.ends.serverSocket.send("x".repeat(action.bytes));
          else network.setBandwidth("c1", action.bytesPerMs);
          buffered.push(connection.ends.serverSocket.bufferedBytes());
        });
      }
      time.runUntil(100_000);
      expect(buffered).toEqual(reference.buffered);
      expect(connection.received("client").map((event) => event.t)).toEqual(reference.departures);
    }
  });
});
