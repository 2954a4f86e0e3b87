/**
 * Turns the `JWT_SECRET` string into the HS256 key bytes, the same way for the server
 * and the token CLI (UTF-8 bytes of the string, as most JWT libraries do).
 */

/** Secrets shorter than this many bytes are weak for HS256 (RFC 7518 §3.2 asks for >= 256 bits). */
export const JWT_SECRET_BYTES_MIN_RECOMMENDED = 32;

/** The HS256 key for `secret`. Throws a RangeError for an empty secret. */
export function jwtSecretKey(secret: string): Uint8Array {
  if (secret.length === 0) throw new RangeError("JWT secret must not be empty");
  return new TextEncoder().encode(secret);
}
