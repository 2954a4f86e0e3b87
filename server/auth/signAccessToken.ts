/**
 * Signs an HS256 access token for a user (the token CLI, `serve --dev` and tests).
 * Times come from the caller's clock, never from inside jose (STYLE rule 1).
 */
import { SignJWT } from "jose";

/** Options of {@link signAccessToken}. */
export interface SignAccessTokenOptions {
  /** HS256 key bytes (see jwtSecretKey). */
  secretKey: Uint8Array;
  /** Current time, ms since the Unix epoch; becomes `iat`. */
  nowMs: number;
  /** Lifetime, seconds; `exp` = iat + ttlSeconds. */
  ttlSeconds: number;
}

/** Returns a compact HS256 JWT with `sub` = `userId`, `iat` and `exp`. */
export async function signAccessToken(userId: string, options: SignAccessTokenOptions): Promise<string> {
  if (userId.length === 0) throw new RangeError("user id must not be empty");
  if (!Number.isInteger(options.ttlSeconds) || options.ttlSeconds <= 0) {
    throw new RangeError(`ttl must be a positive whole number of seconds, got ${String(options.ttlSeconds)}`);
  }
  const issuedAtSeconds = Math.floor(options.nowMs / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(userId)
    .setIssuedAt(issuedAtSeconds)
    .setExpirationTime(issuedAtSeconds + options.ttlSeconds)
    .sign(options.secretKey);
}
