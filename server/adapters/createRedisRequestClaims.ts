/**
 * Request claims on the shared Redis (ports/requestClaims.ts), so that of several instances
 * that receive the same `start_agent` (a client resuming elsewhere re-sends what it still
 * owes) exactly one starts the run. One key per `(user, request_id)`, with the user's hash
 * tag like the user's stream, holding `<instance> <attempt>` until its run starts, then
 * `+`. A claim is `won` when the key is absent, when it names an instance whose run lease
 * is gone (it died between its claim and its run: without this, its client's re-sends would
 * be refused until the key expires), or when it holds this very claim (an earlier ask won
 * and its answer was lost, or ioredis re-sent it after a reconnect: without this the run
 * never started); `held` while it names another instance whose lease lives (the runtime
 * asks again until that instance starts the run or dies); `taken` once started, or when it
 * names this instance under another attempt. A started claim is never won again. The key expires
 * after `ttlMs`: a start re-sent later than that starts again (the runtime's own memory
 * still catches a repeat on the same instance).
 */
import type { Redis } from "ioredis";
import type { ClaimAnswer, RequestClaims } from "../ports/requestClaims.ts";
import { leaseKeyPrefix } from "./createRunLeases.ts";

/** How long a claimed request id is remembered across instances, ms (1 h). */
export const REQUEST_CLAIM_TTL_MS_DEFAULT = 3_600_000;

/** The value of a claim whose run started. */
const STARTED = "+";

/**
 * KEYS[1] the claim; ARGV[1] this instance, ARGV[2] ttl ms, ARGV[3] the lease key prefix
 * (an instance's lease is ARGV[3] .. its id, createRunLeases.ts's leaseKeyPrefix), ARGV[4] the claim's
 * attempt. The key holds `<instance> <attempt>` until the run starts. Returns the
 * ClaimAnswer; sim/cluster/createSimBroker.ts's claimRequest answers the same way.
 */
const CLAIM_SCRIPT = `
local held = redis.call('GET', KEYS[1])
if held == '${STARTED}' then return 'taken' end
if held == ARGV[1] .. ' ' .. ARGV[4] then return 'won' end
local owner = held and string.match(held, '^(%S+)')
if owner == ARGV[1] then return 'taken' end
if owner and redis.call('EXISTS', ARGV[3] .. owner) == 1 then return 'held' end
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. ARGV[4], 'PX', ARGV[2])
return 'won'
`;

const CLAIM_ANSWERS: ReadonlySet<unknown> = new Set<ClaimAnswer>(["won", "taken", "held"]);

/** Options of {@link createRedisRequestClaims}. */
export interface RedisRequestClaimsOptions {
  /** The broker's command connection (createRedisBroker's `redis`). */
  redis: Redis;
  /** The deployment's key prefix: claims and instances' run leases (createRunLeases.ts) live under it. */
  keyPrefix: string;
  /** This instance's id (its lease is `leaseKeyPrefix(keyPrefix)` + id). */
  instanceId: string;
  /** Every instance's run lease, ms (createRunLeases.ts's `leaseMs`): the port's `leaseMs`. */
  leaseMs: number;
  /** Default {@link REQUEST_CLAIM_TTL_MS_DEFAULT}. */
  ttlMs?: number;
  /**
   * Sends a command once the appends made so far are sent (createRedisBroker's
   * `afterAppendsSent`), so a claim is marked started only after its `agent_started` (and
   * the run's registration) is on its way: an instance dying between the two leaves a
   * registered run that a survivor ends, never a started claim with no run. Default: at once.
   */
  afterAppendsSent?: (send: () => void) => void;
  /** A claim that could not be made (Redis unreachable or refusing; answered `held`): counted by the caller. */
  onError?: (error: Error) => void;
}

/** Binds the claim port to one Redis. */
export function createRedisRequestClaims(options: RedisRequestClaimsOptions): RequestClaims {
  const ttlMs = options.ttlMs ?? REQUEST_CLAIM_TTL_MS_DEFAULT;
  const keyOf = (userId: string, requestId: string) => `${options.keyPrefix}:{${userId}}:req:${requestId}`;
  const leases = leaseKeyPrefix(options.keyPrefix);
  const failed = (error: Error, done: (answer: ClaimAnswer) => void) => {
    options.onError?.(error);
    // Could not tell: the run may yet begin elsewhere or be won here, so the runtime asks again.
    done("held");
  };
  return {
    leaseMs: options.leaseMs,
    claim: ({ userId, requestId, attempt }, done) => {
      options.redis.eval(CLAIM_SCRIPT, 1, keyOf(userId, requestId), options.instanceId, ttlMs, leases, attempt).then(
        (answer) => (CLAIM_ANSWERS.has(answer) ? done(answer as ClaimAnswer) : failed(new Error(`request claim script answered ${String(answer)}`), done)),
        (error: Error) => failed(error, done),
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
