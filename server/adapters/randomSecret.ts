/**
 * Random secrets for `serve --dev`. Lives with the adapters because it draws real
 * randomness (STYLE rule 1).
 */
import { randomBytes } from "node:crypto";

/** A fresh random secret of `bytes` bytes (default 32, enough for HS256), base64url-encoded. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}
