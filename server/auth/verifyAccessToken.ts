/**
 * Verifies an access token as docs/protocol.md asks: HS256 only (the algorithm is pinned,
 * so `alg: none`, RS256 and HS512 tokens are refused), `exp` honoured against the
 * injected clock, `sub` required as a non-empty string. An expected condition, so the
 * answer is data with a reason, never a throw (STYLE rule 7).
 */
import { errors, jwtVerify } from "jose";

/** Why a token was refused; also the `reason` label of the auth-failure metric. */
export const TOKEN_REFUSAL_REASONS = [
  "missing_token",
  "malformed_token",
  "conflicting_tokens",
  "alg_not_allowed",
  "bad_signature",
  "expired",
  "missing_sub",
  "invalid_sub",
  "invalid_claims",
] as const;

/** One of {@link TOKEN_REFUSAL_REASONS}. */
export type TokenRefusalReason = (typeof TOKEN_REFUSAL_REASONS)[number];

/** A refused token: the reason (for metrics) and a short sentence (for the 401 body). */
export interface TokenRefusal {
  ok: false;
  reason: TokenRefusalReason;
  message: string;
}

/** The identity a valid token carries. */
export interface VerifiedToken {
  ok: true;
  userId: string;
  /** `exp` in ms since the Unix epoch, when the token has one. */
  expiresAtMs?: number;
}

/** Longest accepted `sub`, characters: user ids become map keys and metric labels. */
export const USER_ID_LENGTH_MAX = 256;

/** Longest accepted token, characters; anything longer is refused unparsed. */
export const TOKEN_LENGTH_MAX = 8 * 1024;

/** Options of {@link verifyAccessToken}. */
export interface VerifyAccessTokenOptions {
  /** HS256 key bytes (see jwtSecretKey). */
  secretKey: Uint8Array;
  /** Current time from the Clock port, ms since the Unix epoch. */
  nowMs: number;
}

/** Verifies `token`; never throws for a bad token. */
export async function verifyAccessToken(token: string, options: VerifyAccessTokenOptions): Promise<VerifiedToken | TokenRefusal> {
  if (token.length > TOKEN_LENGTH_MAX) return refuse("malformed_token", `token is longer than ${TOKEN_LENGTH_MAX} characters`);
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, options.secretKey, {
      algorithms: ["HS256"],
      currentDate: new Date(options.nowMs),
      requiredClaims: ["sub"],
    }));
  } catch (error) {
    return refusalOf(error);
  }
  const sub = payload["sub"];
  if (typeof sub !== "string" || sub.length === 0) return refuse("invalid_sub", "token sub must be a non-empty string");
  if (sub.length > USER_ID_LENGTH_MAX) return refuse("invalid_sub", `token sub must be at most ${USER_ID_LENGTH_MAX} characters`);
  const exp = payload["exp"];
  return typeof exp === "number" ? { ok: true, userId: sub, expiresAtMs: exp * 1000 } : { ok: true, userId: sub };
}

function refuse(reason: TokenRefusalReason, message: string): TokenRefusal {
  return { ok: false, reason, message };
}

function refusalOf(error: unknown): TokenRefusal {
  if (error instanceof errors.JWTExpired) return refuse("expired", "token expired");
  if (error instanceof errors.JOSEAlgNotAllowed) return refuse("alg_not_allowed", "token algorithm not allowed: only HS256 is accepted");
  if (error instanceof errors.JWSSignatureVerificationFailed) return refuse("bad_signature", "token signature is invalid");
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "sub" && error.reason === "missing") return refuse("missing_sub", "token has no sub claim");
    return refuse("invalid_claims", `token claim ${error.claim} is invalid: ${error.reason}`);
  }
  if (error instanceof errors.JOSEError) return refuse("malformed_token", "token is malformed");
  // jose reports some malformed inputs (bad base64, bad JSON) as TypeErrors.
  return refuse("malformed_token", "token is malformed");
}
