/**
 * Auth attacks at the HTTP upgrade, beyond test/server/auth.test.ts: every refused
 * token gets 401 with no WebSocket AND is counted once in /metrics
 * (`agent_ws_auth_failures_total{reason}`). Then the attacks a valid token can still
 * try: A's token resuming B's stream (B's epoch and last_seq) must never yield one of
 * B's frames, and a token that expires while open closes the socket with 4401 (docs/server.md,
 * "Reference"), at exactly `exp`.
 */
import { createHmac } from "node:crypto";
import { exportSPKI, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { TokenRefusalReason } from "../../server/auth/verifyAccessToken.ts";
import type { Clock } from "../../server/ports/clock.ts";
import { signTestToken, startTestServer, TEST_SECRET, tryUpgrade, upgradeUrl, waitFor, type TestClient, type TestServer } from "../server/serverTestKit.ts";
import { createTestChecker, feedChecker, metricValue, safetyMessages, scrapeMetrics } from "./hardeningKit.ts";

const secretKey = new TextEncoder().encode(TEST_SECRET);
const nowSeconds = () => Math.floor(Date.now() / 1000);

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** A compact JWS over any header and payload, HMAC-signed with `secret` (SHA-256 unless told). */
function hmacToken(header: object, payload: unknown, options: { secret?: string; hash?: string } = {}): string {
  const signingInput = `${base64url(header)}.${base64url(payload)}`;
  const signature = createHmac(options.hash ?? "sha256", options.secret ?? TEST_SECRET).update(signingInput).digest("base64url");
  return `${signingInput}.${signature}`;
}

const validClaims = () => ({ sub: "u1", exp: nowSeconds() + 3_600 });

async function asymmetricToken(alg: "ES256" | "PS256" | "EdDSA" | "RS384"): Promise<string> {
  const { privateKey } = await generateKeyPair(alg);
  return new SignJWT({}).setProtectedHeader({ alg }).setSubject("u1").setExpirationTime("1h").sign(privateKey);
}

/** Attacks not in test/server/auth.test.ts, each with the refusal reason the metric must count. */
const TOKEN_ATTACKS: Array<[string, TokenRefusalReason, () => Promise<string>]> = [
  ["alg HS384 with the right secret", "alg_not_allowed", () => new SignJWT({}).setProtectedHeader({ alg: "HS384" }).setSubject("u1").setExpirationTime("1h").sign(secretKey)],
  ["alg HS512 header over an HS256 signature", "alg_not_allowed", async () => hmacToken({ alg: "HS512" }, validClaims())],
  ["alg ES256", "alg_not_allowed", () => asymmetricToken("ES256")],
  ["alg PS256", "alg_not_allowed", () => asymmetricToken("PS256")],
  ["alg RS384", "alg_not_allowed", () => asymmetricToken("RS384")],
  ["alg EdDSA", "alg_not_allowed", () => asymmetricToken("EdDSA")],
  ["alg None (capitalised)", "alg_not_allowed", async () => `${base64url({ alg: "None", typ: "JWT" })}.${base64url(validClaims())}.`],
  ["alg NONE", "alg_not_allowed", async () => `${base64url({ alg: "NONE", typ: "JWT" })}.${base64url(validClaims())}.`],
  ["alg nOnE", "alg_not_allowed", async () => `${base64url({ alg: "nOnE", typ: "JWT" })}.${base64url(validClaims())}.`],
  ["alg none carrying a valid HS256 signature", "alg_not_allowed", async () => `${base64url({ alg: "none" })}.${base64url(validClaims())}.${hmacToken({ alg: "none" }, validClaims()).split(".")[2]}`],
  ["no alg in the header", "malformed_token", async () => hmacToken({ typ: "JWT" }, validClaims())],
  [
    "alg confusion: HS256 keyed with an RSA public key",
    "bad_signature",
    async () => {
      const { publicKey } = await generateKeyPair("RS256", { extractable: true });
      return hmacToken({ alg: "HS256", typ: "JWT" }, validClaims(), { secret: await exportSPKI(publicKey) });
    },
  ],
  ["a crit header the server does not understand", "malformed_token", async () => hmacToken({ alg: "HS256", crit: ["exp"] }, validClaims())],
  ["unencoded payload (b64: false)", "malformed_token", async () => hmacToken({ alg: "HS256", b64: false, crit: ["b64"] }, validClaims())],
  ["kid path traversal with an empty key", "bad_signature", async () => hmacToken({ alg: "HS256", kid: "../../../dev/null" }, validClaims(), { secret: "" })],
  ["jku pointing at the attacker's keys", "bad_signature", async () => hmacToken({ alg: "HS256", jku: "https://evil.example/jwks.json" }, validClaims(), { secret: "attacker-secret" })],
  ["missing sub", "missing_sub", () => new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setExpirationTime("1h").sign(secretKey)],
  ["sub null", "invalid_sub", async () => hmacToken({ alg: "HS256" }, { sub: null, exp: nowSeconds() + 3_600 })],
  ["sub a number", "invalid_sub", async () => hmacToken({ alg: "HS256" }, { sub: 7, exp: nowSeconds() + 3_600 })],
  ["sub a boolean", "invalid_sub", async () => hmacToken({ alg: "HS256" }, { sub: true, exp: nowSeconds() + 3_600 })],
  ["sub an array of the victim", "invalid_sub", async () => hmacToken({ alg: "HS256" }, { sub: ["victim"], exp: nowSeconds() + 3_600 })],
  ["sub an object", "invalid_sub", async () => hmacToken({ alg: "HS256" }, { sub: { id: "victim" }, exp: nowSeconds() + 3_600 })],
  ["sub of 257 characters", "invalid_sub", async () => hmacToken({ alg: "HS256" }, { sub: "x".repeat(257), exp: nowSeconds() + 3_600 })],
  ["exp as a string", "invalid_claims", async () => hmacToken({ alg: "HS256" }, { sub: "u1", exp: String(nowSeconds() + 3_600) })],
  ["nbf ten minutes ahead", "invalid_claims", async () => hmacToken({ alg: "HS256" }, { sub: "u1", exp: nowSeconds() + 3_600, nbf: nowSeconds() + 600 })],
  ["exp one second ago", "expired", async () => hmacToken({ alg: "HS256" }, { sub: "u1", exp: nowSeconds() - 1 })],
  ["a payload that is a JSON array", "malformed_token", async () => hmacToken({ alg: "HS256" }, ["u1"])],
  ["four segments", "malformed_token", async () => `${hmacToken({ alg: "HS256" }, validClaims())}.extra`],
  ["a token over 8 KiB", "malformed_token", async () => hmacToken({ alg: "HS256" }, { ...validClaims(), pad: "p".repeat(9_000) })],
];

describe("token attacks: 401, no WebSocket, counted by reason in /metrics", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  /** Runs one refused upgrade and returns the refusal and how much each reason's counter moved. */
  async function refusedAndCounted(url: string, headers: Record<string, string> = {}) {
    const before = await scrapeMetrics(server);
    const outcome = await tryUpgrade(url, headers);
    const after = await scrapeMetrics(server);
    const moved = (reason: TokenRefusalReason) =>
      metricValue(after, `agent_ws_auth_failures_total{reason="${reason}"}`) - metricValue(before, `agent_ws_auth_failures_total{reason="${reason}"}`);
    const total = (text: string) => [...text.matchAll(/^agent_ws_auth_failures_total\{[^}]*\} (\d+)$/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
    return { outcome, moved, totalMoved: total(after) - total(before) };
  }

  test.each(TOKEN_ATTACKS)("%s: 401 and auth_failures{reason=%s} +1", async (_name, reason, makeToken) => {
    const token = await makeToken();
    for (const where of ["query", "header"] as const) {
      const url = upgradeUrl(server.address.webSocketUrl, where === "query" ? { token } : {});
      const { outcome, moved, totalMoved } = await refusedAndCounted(url, where === "header" ? { authorization: `Bearer ${token}` } : {});
      expect(outcome).toMatchObject({ refused: true, status: 401 });
      expect(outcome.refused && outcome.body).toMatch(/^unauthorized: /);
      expect(moved(reason)).toBe(1);
      expect(totalMoved).toBe(1);
    }
  });

  test.each([
    ["header for one user, query for another", async (s: TestServer) => ({ query: { token: await s.token("victim") }, headers: { authorization: `Bearer ${await s.token("attacker")}` } })],
    ["two different query tokens", async (s: TestServer) => ({ query: { token: await s.token("attacker") }, extraToken: await s.token("victim"), headers: {} })],
  ])("%s: 401 conflicting_tokens, counted", async (_name, makeRequest) => {
    const request = await makeRequest(server);
    const url = new URL(upgradeUrl(server.address.webSocketUrl, { query: request.query }));
    if ("extraToken" in request && request.extraToken !== undefined) url.searchParams.append("token", request.extraToken);
    const { outcome, moved, totalMoved } = await refusedAndCounted(url.toString(), request.headers);
    expect(outcome).toMatchObject({ refused: true, status: 401 });
    expect(moved("conflicting_tokens")).toBe(1);
    expect(totalMoved).toBe(1);
  });

  test("two Bearer tokens in one header: 401 malformed_token, counted", async () => {
    const { outcome, moved } = await refusedAndCounted(server.address.webSocketUrl, { authorization: `Bearer ${await server.token("a")} ${await server.token("b")}` });
    expect(outcome).toMatchObject({ refused: true, status: 401 });
    expect(moved("malformed_token")).toBe(1);
  });

  test("no refused upgrade reached the manager", () => {
    expect(server.decisions.filter((decision) => decision.kind === "connection_opened")).toEqual([]);
  });
});

describe("a token for user A resuming user B's stream", () => {
  let server: TestServer;
  let victim: TestClient;
  let victimEpoch: string;
  let victimLastSeq: number;
  const opened: TestClient[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    victim = await server.connect("bob");
    const runId = await victim.startRun("bob-secret-run");
    await waitFor(() => victim.runCompleted(runId), 2_000, "bob's run");
    victimEpoch = victim.connected.epoch as string;
    victimLastSeq = victim.lastSeq();
  });
  afterAll(async () => {
    for (const client of opened) client.kill();
    victim.kill();
    await server.close();
  });

  /** Every raw frame text a client receives, to search for any trace of bob. */
  function rawTexts(client: TestClient): string[] {
    const texts: string[] = [];
    client.ws.on("message", (data) => texts.push(data.toString()));
    return texts;
  }

  test.each([
    ["from seq 0 (everything bob has)", () => 0],
    ["from bob's newest seq", () => victimLastSeq],
    ["from one before bob's newest", () => victimLastSeq - 1],
    ["from far ahead of bob", () => victimLastSeq + 1_000],
  ])("alice (no stream yet or her own) asks for bob's epoch %s: resync_required on HER stream, never a frame of bob's", async (_name, lastSeqOf) => {
    const checker = createTestChecker();
    const resume = { epoch: victimEpoch, lastSeq: lastSeqOf() };
    const alice = await server.connect("alice", { resume });
    opened.push(alice);
    const texts = rawTexts(alice);
    feedChecker(checker, alice, { userId: "alice", deviceId: "alice-phone", connectionId: `alice-${resume.lastSeq}`, resume });
    // Bob keeps producing while alice listens: a live leak would show too.
    const bobRun = await victim.startRun(`bob-while-alice-${resume.lastSeq}`);
    const aliceRun = await alice.startRun(`alice-${resume.lastSeq}`);
    await waitFor(() => victim.runCompleted(bobRun) && alice.runCompleted(aliceRun), 3_000, "both runs");

    expect(alice.connected.user_id).toBe("alice");
    expect(alice.connected.epoch).not.toBe(victimEpoch);
    expect(alice.frames[1]).toMatchObject({ type: "resync_required", epoch: alice.connected.epoch });
    expect(alice.frames.filter((frame) => frame.user_id !== undefined && frame.user_id !== "alice")).toEqual([]);
    expect(alice.events().every((event) => event.epoch === alice.connected.epoch)).toBe(true);
    expect([...alice.frames.map((frame) => JSON.stringify(frame)), ...texts].filter((text) => text.includes("bob") || text.includes(victimEpoch))).toEqual([]);
    expect(safetyMessages(checker)).toEqual([]);
    expect(server.decisions.filter((decision) => decision.kind === "replayed" && decision.userId === "alice" && decision.fromSeq <= 0)).toEqual([]);
  });

  test("extra identity parameters in the query (user_id, sub) are ignored: the token alone says who you are", async () => {
    const token = await server.token("mallory");
    const mallory = await server.connect("mallory", { token, query: { user_id: "bob", sub: "bob" }, resume: { epoch: victimEpoch, lastSeq: 0 } });
    opened.push(mallory);
    expect(mallory.connected.user_id).toBe("mallory");
    expect(mallory.events().filter((event) => event.user_id !== "mallory")).toEqual([]);
  });
});

describe("token expiry at exactly exp", () => {
  /** A clock the test sets; the server's timers stay real. */
  function settableClock(initialMs: number): Clock & { setMs(ms: number): void } {
    let nowMs = initialMs;
    return { nowMs: () => nowMs, setMs: (ms) => (nowMs = ms) };
  }

  test("1 ms before exp the upgrade is accepted and then closed with 4401 at exp; at exp it is refused 401 expired", async () => {
    const expSeconds = nowSeconds() + 60;
    const token = await signTestToken("edge", { nowMs: (expSeconds - 60) * 1_000, ttlSeconds: 60 });
    const clock = settableClock(expSeconds * 1_000 - 1);
    const server = await startTestServer({ clock });
    try {
      const client = await server.connect("edge", { token });
      expect(client.connected.user_id).toBe("edge");
      await client.waitForClose(2_000);
      expect(client.closeCode).toBe(4401);
      clock.setMs(expSeconds * 1_000);
      const refused = await tryUpgrade(upgradeUrl(server.address.webSocketUrl, { token }));
      expect(refused).toMatchObject({ refused: true, status: 401 });
      const metrics = await scrapeMetrics(server);
      expect(metricValue(metrics, 'agent_ws_auth_failures_total{reason="expired"}')).toBe(1);
      expect(metricValue(metrics, "agent_ws_token_expired_closes_total")).toBe(1);
    } finally {
      await server.close();
    }
  });

  test("a connection closed with 4401 resumes with a fresh token and loses nothing emitted meanwhile", async () => {
    const clock = settableClock(Date.now());
    const server = await startTestServer({ clock });
    try {
      // The server's clock says the token has 300 ms left.
      const expSeconds = nowSeconds() + 3_600;
      clock.setMs(expSeconds * 1_000 - 300);
      const token = await signTestToken("renew", { nowMs: (expSeconds - 3_600) * 1_000, ttlSeconds: 3_600 });
      const checker = createTestChecker();
      const first = await server.connect("renew", { token });
      feedChecker(checker, first, { userId: "renew", deviceId: "d", connectionId: "d#1" });
      const runId = await first.startRun("renew-run", "paced");
      await first.waitForClose(2_000);
      expect(first.closeCode).toBe(4401);
      const resume = { epoch: first.connected.epoch as string, lastSeq: first.lastSeq() };
      const fresh = await signTestToken("renew", { nowMs: clock.nowMs(), ttlSeconds: 3_600 });
      const second = await server.connect("renew", { token: fresh, resume });
      feedChecker(checker, second, { userId: "renew", deviceId: "d", connectionId: "d#2", resume });
      await waitFor(() => second.runCompleted(runId), 3_000, "the run to complete after the renewal");
      expect(second.ofType("resync_required")).toEqual([]);
      const verdict = checker.finish({ atMs: Date.now(), requireRunsComplete: true });
      expect([...verdict.safety, ...verdict.liveness]).toEqual([]);
      second.kill();
    } finally {
      await server.close();
    }
  });
});
