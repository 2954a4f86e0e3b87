import { describe, expect, it } from "vitest";
import { createRandom } from "../../sim/core/createRandom.ts";
import { createSimIdSource } from "../../sim/core/createSimIdSource.ts";
import { createSimNetwork } from "../../sim/core/createSimNetwork.ts";
import { createVirtualTime } from "../../sim/core/createVirtualTime.ts";

/**
 * A small scripted run: three connections exchanging frames at drawn times, with a
 * slow spell, a drop, a half-open and send failures, all under jitter. Returns every
 * trace line (network decisions plus what the ends saw) as JSON lines.
 */
function runScript(seed: number): string[] {
  const root = createRandom(seed);
  const time = createVirtualTime();
  const lines: string[] = [];
  const network = createSimNetwork(time, root.fork("network"), {
    oneWayDelayMsMin: 1,
    oneWayDelayMsMax: 30,
    onTrace: (line) => lines.push(JSON.stringify(line)),
  });
  const traffic = root.fork("traffic");
  const ids = createSimIdSource(root.fork("ids"));
  const record = (kind: string, conn: string, detail: string | number): void => {
    lines.push(JSON.stringify({ t: time.nowMs(), kind, conn, detail }));
  };
  const startMs = time.nowMs();
  for (let index = 0; index < 3; index += 1) {
    const connectionId = ids.next("c-");
    const ends = network.connect({
      connectionId,
      client: {
        socketOnMessage: (text) => record("client_message", connectionId, text),
        socketOnClose: (code) => record("client_close", connectionId, code),
      },
    });
    ends.setServerHandlers({
      socketOnMessage: (text) => record("server_message", connectionId, text),
      socketOnPong: () => record("server_pong", connectionId, 0),
      socketOnClose: (code) => record("server_close", connectionId, code),
    });
    for (let frame = 0; frame < 60; frame += 1) {
      time.after(traffic.integer(0, 3_000), () => {
        try {
          if (traffic.chance(1, 10)) ends.serverSocket.ping();
          else ends.serverSocket.send(`{"n":${frame},"pad":"${"x".repeat(traffic.integer(0, 400))}"}`);
        } catch (error) {
          record("send_error", connectionId, (error as { code?: string }).code ?? "?");
        }
        if (traffic.chance(1, 3)) ends.client.send(`{"type":"ack","seq":${frame}}`);
      });
    }
    time.after(traffic.integer(500, 1_500), () => network.setBandwidth(connectionId, 2));
    time.after(traffic.integer(1_600, 2_000), () => network.setBandwidth(connectionId, 125_000));
  }
  const [first, second, third] = network.liveConnectionIds() as [string, string, string];
  time.after(1_000, () => network.failSends(first, 3));
  time.after(1_800, () => network.drop(second));
  time.after(2_200, () => network.halfOpen(third));
  time.after(2_500, () => network.setDelay({ oneWayDelayMsMin: 5, oneWayDelayMsMax: 80 }));
  time.after(3_500, () => network.drop(third));
  const result = time.runUntilIdle({ maxSteps: 100_000, untilMs: startMs + 60_000 });
  expect(result.stoppedBy).toBe("idle");
  return lines;
}

describe("simulation determinism", () => {
  it("gives a byte-identical trace for the same seed and a different one for another seed", () => {
    const first = runScript(1234);
    const again = runScript(1234);
    expect(first.length).toBeGreaterThan(300);
    expect(again).toEqual(first);
    expect(again.join("\n")).toBe(first.join("\n"));
    expect(runScript(1235)).not.toEqual(first);
  });

  it("writes integer times and the same key order on every line", () => {
    for (const text of runScript(99)) {
      const line = JSON.parse(text) as { t: unknown; kind: unknown };
      expect(Number.isInteger(line.t)).toBe(true);
      expect(Object.keys(line).slice(0, 2)).toEqual(["t", "kind"]);
    }
  });
});
