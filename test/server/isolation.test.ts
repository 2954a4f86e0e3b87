/**
 * Many users at once: 10 users × 3 concurrent runs, four users with two connections.
 * Each connection sees only its own user's events (invariant 6), seqs contiguous from
 * its start (7), and both connections of a user see the same seq for the same event.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runProblems, seqProblems, startTestServer, waitFor, type TestClient, type TestServer } from "./serverTestKit.ts";

const USERS = Array.from({ length: 10 }, (_, index) => `user-${index}`);
const RUNS_PER_USER = 3;
const USERS_WITH_TWO_CONNECTIONS = new Set(USERS.slice(0, 4));

describe("isolation and ordering across users", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  test("10 users × 3 concurrent runs: own events only, contiguous seqs, identical streams per user", async () => {
    const connections = new Map<string, TestClient[]>();
    for (const userId of USERS) {
      const clients = [await server.connect(userId)];
      if (USERS_WITH_TWO_CONNECTIONS.has(userId)) clients.push(await server.connect(userId));
      connections.set(userId, clients);
    }
    for (const [userId, clients] of connections) {
      for (let run = 0; run < RUNS_PER_USER; run += 1) {
        // Spread the starts over the user's connections.
        clients[run % clients.length]?.send({ type: "start_agent", request_id: `${userId}-req-${run}`, agent_type: "tester", message: "go", scenario: "paced" });
      }
    }
    const all = [...connections.values()].flat();
    await waitFor(() => all.every((client) => client.ofType("agent_completed").length === RUNS_PER_USER), 10_000, "every run to complete on every connection");

    for (const [userId, clients] of connections) {
      for (const client of clients) {
        expect(client.invalid).toEqual([]);
        expect(client.connected.user_id).toBe(userId);
        const events = client.events();
        expect(events.every((event) => event.user_id === userId)).toBe(true);
        expect(seqProblems(events, 0)).toEqual([]);
        const runIds = [...new Set(events.map((event) => event.run_id as string))];
        expect(runIds).toHaveLength(RUNS_PER_USER);
        for (const runId of runIds) expect(runProblems(client.eventsOf(runId))).toEqual([]);
        expect(client.ofType("protocol_error")).toEqual([]);
      }
      if (clients.length === 2) {
        const [first, second] = clients as [TestClient, TestClient];
        expect(second.events()).toEqual(first.events());
      }
    }
    // No run id appears for two users.
    const ownerOfRun = new Map<string, string>();
    for (const client of all) {
      for (const event of client.events()) {
        const owner = ownerOfRun.get(event.run_id as string) ?? (event.user_id as string);
        expect(owner).toBe(event.user_id);
        ownerOfRun.set(event.run_id as string, owner);
      }
    }
    await Promise.all(all.map((client) => client.close()));
  });
});
