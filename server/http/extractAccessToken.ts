/**
 * Finds the access token of an upgrade request: `Authorization: Bearer <jwt>` or the
 * `token` query parameter (browsers cannot set headers). Two different tokens are a
 * refusal: the server must not guess which identity the client meant.
 */
import type { TokenRefusal } from "../auth/verifyAccessToken.ts";

const BEARER = /^Bearer +([^\s]+) *$/i;

/** The token to verify, or why there is none usable. */
export function extractAccessToken(
  authorization: string | undefined,
  query: URLSearchParams,
): { ok: true; token: string } | TokenRefusal {
  const queryTokens = [...new Set(query.getAll("token"))];
  if (queryTokens.length > 1) return { ok: false, reason: "conflicting_tokens", message: "the token query parameter is given with different values" };
  let headerToken: string | undefined;
  if (authorization !== undefined) {
    const match = BEARER.exec(authorization);
    if (match === null) return { ok: false, reason: "malformed_token", message: "the Authorization header must be 'Bearer <token>'" };
    headerToken = match[1];
  }
  const queryToken = queryTokens[0];
  if (headerToken !== undefined && queryToken !== undefined && queryToken !== "" && headerToken !== queryToken) {
    return { ok: false, reason: "conflicting_tokens", message: "the Authorization header and the token query parameter carry different tokens" };
  }
  const token = headerToken ?? queryToken;
  if (token === undefined || token === "") {
    return { ok: false, reason: "missing_token", message: "no token: send 'Authorization: Bearer <token>' or the query parameter token=<token>" };
  }
  return { ok: true, token };
}
