/**
 * Request claims on the shared Redis (ports/requestClaims.ts), so that of several instances
 * that receive the same `start_agent` (a client resuming elsewhere re-sends what it still
 * owes) exactly one starts the run. One key per `(user, request_id)`, with the user's hash
 * tag like the user's stream, holding the claiming instance's id until its run starts, then
 * `+`. A claim is won when the key is absent, or when it names an instance whose run lease
 * is gone (it died between its claim and its run: without this, its client's re-sends would
 * be refused until the key expires). A started claim is never won again. The key expires
 * after `ttlMs`: a start re-sent later than that starts again (the runtime's own memory
 * still catches a repeat on the same instance).
 */
import type { Redis } from "ioredis";
import type { RequestClaims } from "../ports/requestClaims.ts";

/** How long a claimed request id is remembered across instances, ms (1 h). */
export const REQUEST_CLAIM_TTL_MS_DEFAULT = 3_600_000;

/** The value of a claim whose run started. */
const STARTED = "+";

/**
 * KEYS[1] the claim; ARGV[1] this instance, ARGV[2] ttl ms, ARGV[3] the lease key prefix
 * (an instance's lease is ARGV[3] .. its id, createRunLeases.ts). 1 when won.
 */
const CLAIM_SCRIPT = `
local held = redis.call('GET', KEYS[1])
if held == '${STARTED}' or held == ARGV[1] then return 0 end
if held and redis.call('EXISTS', ARGV[3] .. held) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;

/** Options of {@link createRedisRequestClaims}. */
export interface RedisRequestClaimsOptions {
  /** The broker's command connection (createRedisBroker's `redis`). */
  redis: Redis;
  keyPrefix: string;
  /** This instance's id (its lease is `leaseKeyPrefix` + id). */
  instanceId: string;
  /** Where instances' run leases live (createRunLeases.ts's `leaseKeyPrefix`). */
  leaseKeyPrefix: string;
  /** Default {@link REQUEST_CLAIM_TTL_MS_DEFAULT}. */
  ttlMs?: number;
  /**
   * Sends a command once the appends made so far are sent (createRedisBroker's
   * `afterAppendsSent`), so a claim is marked started only after its `agent_started` (and
   * the run's registration) is on its way: an instance dying between the two leaves a
   * registered run that a survivor ends, never a started claim with no run. Default: at once.
   */
  afterAppendsSent?: (send: () => void) => void;
  /** A claim that could not be made (Redis unreachable or refusing): counted by the caller. */
  onError?: (error: Error) => void;
}

/** Binds the claim port to one Redis. */
export function createRedisRequestClaims(options: RedisRequestClaimsOptions): RequestClaims {
  const ttlMs = options.ttlMs ?? REQUEST_CLAIM_TTL_MS_DEFAULT;
  const keyOf = (userId: string, requestId: string) => `${options.keyPrefix}:{${userId}}:req:${requestId}`;
  return {
    claim: (userId, requestId, done) => {
      options.redis.eval(CLAIM_SCRIPT, 1, keyOf(userId, requestId), options.instanceId, ttlMs, options.leaseKeyPrefix).then(
        (won) => done(won === 1),
        (error: Error) => {
          options.onError?.(error);
          done(false);
        },
      );
    },
    started: (userId, requestId) => {
      const send = () => {
        options.redis.set(keyOf(userId, requestId), STARTED, "KEEPTTL", "XX").catch((error: Error) => options.onError?.(error));
      };
      if (options.afterAppendsSent === undefined) send();
      else options.afterAppendsSent(send);
    },
  };
}
