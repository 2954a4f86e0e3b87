/**
 * Bad input from a client is an expected condition (STYLE rule 7): each bad frame gets a
 * protocol_error naming the code and the field, and the connection stays open; an
 * oversized frame closes with 1009 and a flood with 1008. Meanwhile another user's run
 * keeps streaming, untouched.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runProblems, seqProblems, startTestServer, waitFor, type TestClient, type TestServer } from "./serverTestKit.ts";

describe("bad input while another user's run streams", () => {
  let server: TestServer;
  let bystander: TestClient;
  let bystanderRun: string;

  beforeAll(async () => {
    server = await startTestServer();
    bystander = await server.connect("bystander");
    // The golden path runs ~1.4 s: long enough to overlap every attack below.
    bystanderRun = await bystander.startRun("bystander-1", "golden-path");
  });

  afterAll(async () => {
    // The bystander's run finished intact, whatever happened to the attackers.
    await waitFor(() => bystander.runCompleted(bystanderRun), 5_000, "the bystander's run");
    expect(bystander.invalid).toEqual([]);
    expect(bystander.closeCode).toBeNull();
    expect(runProblems(bystander.eventsOf(bystanderRun))).toEqual([]);
    expect(seqProblems(bystander.events(), 0)).toEqual([]);
    expect(bystander.ofType("protocol_error")).toEqual([]);
    await server.close();
  });

  test.each([
    ["malformed JSON", "{not json", "bad_json", /not valid JSON/],
    ["a JSON array", "[1,2]", "bad_json", /JSON object/],
    ["no type", "{}", "bad_field", /^type: /],
    ["an unknown type", JSON.stringify({ type: "launch_missiles" }), "unknown_type", /launch_missiles/],
    ["start_agent without fields", JSON.stringify({ type: "start_agent" }), "bad_field", /request_id: is required/],
    ["start_agent with a numeric request_id", JSON.stringify({ type: "start_agent", request_id: 5, agent_type: "a", message: "m" }), "bad_field", /request_id: must be string/],
    ["start_agent with an empty message", JSON.stringify({ type: "start_agent", request_id: "x", agent_type: "a", message: "" }), "bad_field", /message: must be a non-empty string/],
    ["ack with a string seq", JSON.stringify({ type: "ack", seq: "1" }), "bad_field", /seq: must be number/],
    ["ack with a negative seq", JSON.stringify({ type: "ack", seq: -1 }), "bad_field", /seq: must not be negative/],
    ["cancel without run_id", JSON.stringify({ type: "cancel" }), "bad_field", /run_id: is required/],
    ["start_agent with an unknown scenario", JSON.stringify({ type: "start_agent", request_id: "y", agent_type: "a", message: "m", scenario: "nope" }), "bad_field", /scenario: unknown script/],
  ])("%s: protocol_error %s naming the field, and the connection stays open", async (_name, text, code, message) => {
    const client = await server.connect("attacker");
    client.send(text);
    await waitFor(() => client.ofType("protocol_error").length === 1, 2_000, "the protocol_error");
    const error = client.ofType("protocol_error")[0];
    expect(error).toMatchObject({ type: "protocol_error", code });
    expect(String(error?.["message"])).toMatch(message);
    // Still open and still served.
    const runId = await client.startRun(`after-${code}-${text.length}`);
    await waitFor(() => client.runCompleted(runId), 2_000, "a run after the bad frame");
    expect(client.closeCode).toBeNull();
    expect(client.invalid).toEqual([]);
    await client.close();
  });

  test("a binary frame: protocol_error bad_json, connection stays open", async () => {
    const client = await server.connect("attacker-binary");
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await waitFor(() => client.ofType("protocol_error").length === 1, 2_000, "the protocol_error");
    expect(client.ofType("protocol_error")[0]).toMatchObject({ code: "bad_json" });
    expect(client.closeCode).toBeNull();
    await client.close();
  });

  test("a frame over 64 KiB closes with 1009", async () => {
    const client = await server.connect("attacker-big");
    client.send(JSON.stringify({ type: "start_agent", request_id: "big", agent_type: "a", message: "x".repeat(64 * 1024) }));
    await client.waitForClose();
    expect(client.closeCode).toBe(1009);
    expect(client.ofType("agent_started")).toEqual([]);
  });

  test("a frame of exactly 64 KiB is accepted", async () => {
    const client = await server.connect("attacker-edge");
    const frame = { type: "start_agent", request_id: "edge", agent_type: "a", message: "", scenario: "quick" };
    frame.message = "x".repeat(64 * 1024 - JSON.stringify(frame).length);
    expect(Buffer.byteLength(JSON.stringify(frame))).toBe(64 * 1024);
    client.send(frame);
    await waitFor(() => client.ofType("agent_completed").length === 1, 2_000, "the run");
    await client.close();
  });

  test("1000 garbage frames in a row: protocol_errors then 1008; the server still serves new connections", async () => {
    const client = await server.connect("attacker-flood");
    for (let index = 0; index < 1_000; index += 1) client.send(`garbage ${index}`);
    await client.waitForClose();
    expect(client.closeCode).toBe(1008);
    const errors = client.ofType("protocol_error");
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.length).toBeLessThanOrEqual(200);
    expect(errors.every((error) => error["code"] === "bad_json")).toBe(true);
    expect(server.decisions.some((decision) => decision.kind === "rate_limited")).toBe(true);

    const newcomer = await server.connect("newcomer");
    const runId = await newcomer.startRun("newcomer-1");
    await waitFor(() => newcomer.runCompleted(runId), 2_000, "the newcomer's run");
    await newcomer.close();
  });
});
