/**
 * The golden path over a real WebSocket: `connected` first, then one run of the
 * default script (seed 001's "Analyze my system performance") in protocol order, every
 * frame valid per protocol/validateServerFrame.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { GOLDEN_PATH_EVENT_TYPES, runProblems, seqProblems, startTestServer, waitFor, type TestServer } from "./serverTestKit.ts";

describe("golden path", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  test("start_agent gets connected, then the golden-path events in order with every required field", async () => {
    const client = await server.connect("alice");
    const connected = client.connected;
    expect(connected).toMatchObject({ type: "connected", user_id: "alice", last_seq: 0 });
    expect(String(connected["connection_id"])).toMatch(/^c-[0-9a-f]{8}$/);
    expect(String(connected.epoch)).toMatch(/^e-[0-9a-f]{16}$/);

    const sentAtMs = Date.now();
    client.send({ type: "start_agent", request_id: "req-1", agent_type: "performance_analyst", message: "Analyze my system performance" });
    await waitFor(() => client.ofType("agent_completed").length === 1, 5_000, "agent_completed");

    const events = client.events();
    expect(client.invalid).toEqual([]);
    expect(events.map((event) => event.type)).toEqual(GOLDEN_PATH_EVENT_TYPES);
    expect(runProblems(events)).toEqual([]);
    expect(seqProblems(events, 0)).toEqual([]);
    const runId = events[0]?.run_id as string;
    for (const event of events) {
      expect(event).toMatchObject({ user_id: "alice", epoch: connected.epoch, run_id: runId });
    }
    expect(events[0]?.data).toMatchObject({ agent_type: "performance_analyst", user_id: "alice" });
    expect(events.at(-1)?.data).toMatchObject({ status: "success" });
    // Budget 9 (agent_started within 100 ms) with slack for a loaded CI machine.
    expect((events[0]?.ts as number) - sentAtMs).toBeLessThan(500);
    await client.close();
  });
});
