/**
 * Authentication and admission at the HTTP upgrade: every bad token gets a plain 401
 * and no WebSocket (the manager never sees a connection); other refusals get their
 * own status (404, 400, 403, 429).
 */
import { createHmac } from "node:crypto";
import { generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { verifyAccessToken, type TokenRefusalReason } from "../../server/auth/verifyAccessToken.ts";
import { signTestToken, startTestServer, TEST_SECRET, tryUpgrade, upgradeUrl, type TestServer } from "./serverTestKit.ts";

const secretKey = new TextEncoder().encode(TEST_SECRET);
const nowSeconds = () => Math.floor(Date.now() / 1000);

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** An HS256 token over arbitrary header and payload, bypassing jose's claim checks. */
function rawHs256Token(header: object, payload: object): string {
  const signingInput = `${base64url(header)}.${base64url(payload)}`;
  return `${signingInput}.${createHmac("sha256", TEST_SECRET).update(signingInput).digest("base64url")}`;
}

describe("upgrade authentication", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ limits: { connectionsPerUserMax: 1 }, allowedOrigins: ["https://app.example"] });
  });
  afterAll(() => server.close());

  const url = (query: Record<string, string> = {}) => upgradeUrl(server.address.webSocketUrl, { query });

  const badTokens: [string, () => Promise<string>, TokenRefusalReason][] = [
    ["malformed (not a JWT)", async () => "not-a-jwt", "malformed_token"],
    ["malformed (three garbage parts)", async () => "abc.def.ghi", "malformed_token"],
    ["expired", () => signTestToken("u1", { nowMs: Date.now() - 7_200_000, ttlSeconds: 3_600 }), "expired"],
    ["wrong signature", () => signTestToken("u1", { secret: "another-secret-0123456789abcdef0123456789" }), "bad_signature"],
    ["alg none", async () => `${base64url({ alg: "none", typ: "JWT" })}.${base64url({ sub: "u1", exp: nowSeconds() + 3_600 })}.`, "alg_not_allowed"],
    ["alg HS512 with the right secret", () => new SignJWT({}).setProtectedHeader({ alg: "HS512" }).setSubject("u1").setExpirationTime("1h").sign(secretKey), "alg_not_allowed"],
    [
      "alg RS256",
      async () => {
        const { privateKey } = await generateKeyPair("RS256");
        return new SignJWT({}).setProtectedHeader({ alg: "RS256" }).setSubject("u1").setExpirationTime("1h").sign(privateKey);
      },
      "alg_not_allowed",
    ],
    ["missing sub", () => new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setExpirationTime("1h").sign(secretKey), "missing_sub"],
    ["non-string sub", async () => rawHs256Token({ alg: "HS256", typ: "JWT" }, { sub: 42, exp: nowSeconds() + 3_600 }), "invalid_sub"],
    ["empty sub", async () => rawHs256Token({ alg: "HS256", typ: "JWT" }, { sub: "", exp: nowSeconds() + 3_600 }), "invalid_sub"],
  ];

  test.each(badTokens)("%s: verifyAccessToken gives the expected reason", async (_name, makeToken, reason) => {
    const verdict = await verifyAccessToken(await makeToken(), { secretKey, nowMs: Date.now() });
    expect(verdict).toMatchObject({ ok: false, reason });
  });

  test("no token: 401, no WebSocket", async () => {
    const outcome = await tryUpgrade(url());
    expect(outcome).toMatchObject({ refused: true, status: 401 });
    expect(outcome.refused && outcome.body).toMatch(/no token/);
  });

  test.each(badTokens)("%s in the query: 401, no WebSocket", async (_name, makeToken) => {
    const outcome = await tryUpgrade(url({ token: await makeToken() }));
    expect(outcome).toMatchObject({ refused: true, status: 401 });
    expect(outcome.refused && outcome.body).toMatch(/^unauthorized: /);
  });

  test.each(badTokens)("%s in the Authorization header: 401, no WebSocket", async (_name, makeToken) => {
    const outcome = await tryUpgrade(url(), { authorization: `Bearer ${await makeToken()}` });
    expect(outcome).toMatchObject({ refused: true, status: 401 });
  });

  test("a non-Bearer Authorization header: 401", async () => {
    const outcome = await tryUpgrade(url(), { authorization: `Basic ${Buffer.from("u1:pw").toString("base64")}` });
    expect(outcome).toMatchObject({ refused: true, status: 401 });
  });

  test("header and query tokens for different users: 401", async () => {
    const outcome = await tryUpgrade(url({ token: await server.token("u2") }), { authorization: `Bearer ${await server.token("u1")}` });
    expect(outcome).toMatchObject({ refused: true, status: 401 });
    expect(outcome.refused && outcome.body).toMatch(/different tokens/);
  });

  test("none of the refused upgrades reached the manager", () => {
    expect(server.decisions.filter((decision) => decision.kind === "connection_opened")).toEqual([]);
    expect(server.server.manager.stats().connections).toBe(0);
  });

  test("a valid token opens, in the header, in the query, or in both when equal", async () => {
    const token = await server.token("header-user");
    const viaHeader = await server.connect("header-user", { token, tokenInHeader: true });
    expect(viaHeader.connected.user_id).toBe("header-user");
    await viaHeader.close();
    const both = await tryUpgrade(url({ token }), { authorization: `Bearer ${token}` });
    expect(both).toEqual({ refused: false });
  });

  test("wrong path: 404", async () => {
    const outcome = await tryUpgrade(`${server.address.httpUrl.replace("http", "ws")}/other?token=${await server.token("u1")}`);
    expect(outcome).toMatchObject({ refused: true, status: 404 });
  });

  test.each([
    ["last_seq without epoch", { last_seq: "3" }, /epoch: is required/],
    ["epoch without last_seq", { epoch: "e-1" }, /last_seq: is required/],
    ["negative last_seq", { last_seq: "-1", epoch: "e-1" }, /non-negative integer/],
    ["non-numeric last_seq", { last_seq: "abc", epoch: "e-1" }, /non-negative integer/],
    ["fractional last_seq", { last_seq: "1.5", epoch: "e-1" }, /non-negative integer/],
  ])("bad resume query (%s): 400 naming the parameter", async (_name, query, message) => {
    const outcome = await tryUpgrade(url({ token: await server.token("u1"), ...query }));
    expect(outcome).toMatchObject({ refused: true, status: 400 });
    expect(outcome.refused && outcome.body).toMatch(message);
  });

  test("origin outside the allow-list: 403; listed origin or none: allowed", async () => {
    const token = await server.token("origin-user");
    expect(await tryUpgrade(url({ token }), { origin: "https://evil.example" })).toMatchObject({ refused: true, status: 403 });
    expect(await tryUpgrade(url({ token }), { origin: "https://app.example" })).toEqual({ refused: false });
  });

  test("over the per-user connection limit: 429", async () => {
    const first = await server.connect("limited");
    const outcome = await tryUpgrade(url({ token: await server.token("limited") }));
    expect(outcome).toMatchObject({ refused: true, status: 429 });
    await first.close();
  });
});
