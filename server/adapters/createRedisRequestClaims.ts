/**
 * Request claims on the shared Redis (ports/requestClaims.ts): `SET key 1 NX PX ttl` per
 * `(user, request_id)`, so of several instances that receive the same `start_agent` (a
 * client resuming elsewhere re-sends what it still owes) exactly one starts the run. The
 * key carries the user's hash tag, like the user's stream, and expires after `ttlMs`: a
 * start re-sent later than that starts again (the runtime's own memory still catches a
 * repeat on the same instance).
 */
import type { Redis } from "ioredis";
import type { RequestClaims } from "../ports/requestClaims.ts";

/** How long a claimed request id is remembered across instances, ms (1 h). */
export const REQUEST_CLAIM_TTL_MS_DEFAULT = 3_600_000;

/** Options of {@link createRedisRequestClaims}. */
export interface RedisRequestClaimsOptions {
  /** The broker's command connection (createRedisBroker's `redis`). */
  redis: Redis;
  keyPrefix: string;
  /** Default {@link REQUEST_CLAIM_TTL_MS_DEFAULT}. */
  ttlMs?: number;
  /** A claim that could not be made (Redis unreachable or refusing): counted by the caller. */
  onError?: (error: Error) => void;
}

/** Binds the claim port to one Redis. */
export function createRedisRequestClaims(options: RedisRequestClaimsOptions): RequestClaims {
  const ttlMs = options.ttlMs ?? REQUEST_CLAIM_TTL_MS_DEFAULT;
  return {
    claim: (userId, requestId, done) => {
      options.redis.set(`${options.keyPrefix}:{${userId}}:req:${requestId}`, "1", "PX", ttlMs, "NX").then(
        (answer) => done(answer === "OK"),
        (error: Error) => {
          options.onError?.(error);
          done(false);
        },
      );
    },
  };
}
