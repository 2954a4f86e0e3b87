/**
 * start_agent idempotency and cancel over a real WebSocket.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runProblems, startTestServer, waitFor, type TestServer } from "./serverTestKit.ts";

describe("commands", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  test("the same request_id twice starts one run", async () => {
    const client = await server.connect("dup");
    const frame = { type: "start_agent", request_id: "same", agent_type: "tester", message: "go", scenario: "quick" };
    client.send(frame);
    client.send(frame);
    // Frames are handled in order: once this later run has started, the duplicate has been handled too.
    const laterRun = await client.startRun("later");
    await waitFor(() => client.runCompleted(laterRun), 2_000, "the later run");
    await waitFor(() => client.ofType("agent_completed").length === 2, 2_000, "both runs to complete");
    expect(client.ofType("agent_started")).toHaveLength(2);
    expect(client.ofType("protocol_error")).toEqual([]);
    // A second connection of the same user is deduplicated too.
    const other = await server.connect("dup");
    other.send(frame);
    const third = await other.startRun("third");
    expect(other.ofType("agent_started").map((event) => event.run_id)).toEqual([third]);
    await Promise.all([client.close(), other.close()]);
  });

  test("cancel mid-tool: tool_completed (pairing kept), then agent_completed status cancelled", async () => {
    const client = await server.connect("canceller");
    const runId = await client.startRun("long", "long-tool");
    await waitFor(() => client.eventsOf(runId).some((event) => event.type === "tool_executing"), 2_000, "the tool to start");
    client.send({ type: "cancel", run_id: runId });
    await waitFor(() => client.runCompleted(runId), 2_000, "the cancelled run to end");
    const events = client.eventsOf(runId);
    expect(runProblems(events)).toEqual([]);
    expect(events.at(-2)).toMatchObject({ type: "tool_completed", data: { status: "error", tool_name: "slow_query" } });
    expect(events.at(-1)).toMatchObject({ type: "agent_completed", data: { status: "cancelled" } });
    expect(client.ofType("protocol_error")).toEqual([]);
    await client.close();
  });

  test("cancel of another user's run: protocol_error, and that run continues to success", async () => {
    const owner = await server.connect("owner");
    const intruder = await server.connect("intruder");
    const runId = await owner.startRun("owned", "paced");
    intruder.send({ type: "cancel", run_id: runId });
    await waitFor(() => intruder.ofType("protocol_error").length === 1, 2_000, "the intruder's protocol_error");
    expect(intruder.ofType("protocol_error")[0]).toMatchObject({ code: "bad_field" });
    expect(String(intruder.ofType("protocol_error")[0]?.["message"])).toMatch(/^run_id: /);
    await waitFor(() => owner.runCompleted(runId), 3_000, "the owner's run");
    expect(owner.eventsOf(runId).at(-1)).toMatchObject({ data: { status: "success" } });
    expect(intruder.events()).toEqual([]);
    await Promise.all([owner.close(), intruder.close()]);
  });
});
