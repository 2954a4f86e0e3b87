/**
 * Credentials of one VU: a JWT minted in the script with k6/crypto (HS256, the
 * signature base64rawurl as RFC 7515 asks) from `JWT_SECRET`, or a ready token from
 * `TOKEN` / `TOKENS` (comma list, one per VU, indexed by `exec.vu.idInTest`).
 *
 * User ids must be unique across VUs and across k6 execution segments (k6-operator
 * splits one test over many instances): `idInTest` is unique in the whole test, so a
 * minted user is `<prefix>-<runTag>-<idInTest>`, where runTag is one per test run
 * (setup), so a second run against the same server starts fresh users.
 */
import { hmac } from "k6/crypto";
import { b64decode, b64encode } from "k6/encoding";
import type { ScriptEnv } from "./env.ts";

/** Lifetime of a minted token, seconds. A session mints a fresh one, so this bounds one session, not the test. */
export const MINTED_TOKEN_TTL_SECONDS = 3600;

/** A VU's identity on the wire. */
export interface VuCredentials {
  /** The token's `sub`. */
  userId: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token: string;
  /** Where it came from, for logs. */
  source: "minted" | "TOKEN" | "TOKENS";
}

/** Signs an HS256 JWT for `userId` with k6/crypto: header and claims base64rawurl, then the HMAC-SHA256 signature. */
export function mintToken(userId: string, options: { secret: string; nowMs: number; ttlSeconds: number }): string {
  const issuedAtSeconds = Math.floor(options.nowMs / 1000);
  const header = b64encode(JSON.stringify({ alg: "HS256", typ: "JWT" }), "rawurl");
  const claims = b64encode(JSON.stringify({ sub: userId, iat: issuedAtSeconds, exp: issuedAtSeconds + options.ttlSeconds }), "rawurl");
  const signature = hmac("sha256", options.secret, `${header}.${claims}`, "base64rawurl");
  return `${header}.${claims}.${signature}`;
}

/** The `sub` of a JWT, read without verifying it (the server verifies). @throws Error when the token is not a JWT with a string sub */
export function tokenSubject(token: string): string {
  const claims = token.split(".")[1];
  if (claims === undefined) throw new Error("the token is not a JWT (header.claims.signature)");
  let parsed: unknown;
  try {
    parsed = JSON.parse(b64decode(claims, "rawurl", "s"));
  } catch {
    throw new Error("the token's claims are not base64url JSON");
  }
  const sub = (parsed as { sub?: unknown }).sub;
  if (typeof sub !== "string" || sub === "") throw new Error("the token has no string sub claim");
  return sub;
}

/** True when the environment supplies credentials of some kind. */
export function hasCredentials(env: ScriptEnv): boolean {
  return Boolean(env["TOKENS"] || env["TOKEN"] || env["JWT_SECRET"]);
}

/** What {@link hasCredentials} wants, for the error when there is none. */
export const CREDENTIALS_HELP = "set JWT_SECRET (the scripts mint one token per VU) or TOKEN / TOKENS (comma list, one token per VU): k6 run -e JWT_SECRET=... or npm run load -- <script> --secret ...";

/**
 * The credentials of the VU with `idInTest` (1-based) for its `iteration` (0-based, in
 * this instance). Ready tokens win over minting. A minted user is new for every
 * iteration: a session that ended with runs still in flight (a timeout, a give-up) must
 * not leak their events into the next session's checker. With TOKEN/TOKENS the user is
 * fixed per VU, so that isolation is the token list's to give.
 * @throws Error when TOKENS has no token for this VU, or nothing is configured
 */
export function vuCredentials(env: ScriptEnv, identity: { idInTest: number; iteration: number; runTag: string; nowMs: number }): VuCredentials {
  const listed = env["TOKENS"] ? "TOKENS" : env["TOKEN"] ? "TOKEN" : undefined;
  if (listed !== undefined) {
    const tokens = (env[listed] ?? "").split(",").map((token) => token.trim()).filter((token) => token !== "");
    const token = tokens[identity.idInTest - 1];
    if (token === undefined) {
      throw new Error(
        `${listed} holds ${tokens.length} token(s) but this is VU ${identity.idInTest} (exec.vu.idInTest): give one token per VU (user ids must be unique across VUs), or set JWT_SECRET instead`,
      );
    }
    return { userId: tokenSubject(token), token, source: listed };
  }
  const secret = env["JWT_SECRET"];
  if (!secret) throw new Error(`no credentials: ${CREDENTIALS_HELP}`);
  const prefix = env["USER_PREFIX"] || "k6";
  const userId = `${prefix}-${identity.runTag}-${identity.idInTest}${identity.iteration === 0 ? "" : `-i${identity.iteration}`}`;
  return { userId, token: mintToken(userId, { secret, nowMs: identity.nowMs, ttlSeconds: MINTED_TOKEN_TTL_SECONDS }), source: "minted" };
}
