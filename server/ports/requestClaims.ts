/**
 * Request-claim port: `start_agent`'s idempotency across instances. The protocol says the
 * same `request_id` twice starts one run only (docs/protocol.md), and a client re-sends
 * every start it still owes when it resumes, possibly on another instance. Each
 * instance's runtime remembers the request ids it saw; with several instances on one
 * broker it must also claim each new one where every instance can see it, and only the
 * claim that wins starts the run.
 *
 * One instance (in-process) needs no claims: the runtime's own memory is the whole truth,
 * so the runtime takes this port only when it is given (the Redis adapter:
 * adapters/createRedisRequestClaims.ts).
 */

/** Claims `(userId, requestId)` once for every instance sharing the broker. */
export interface RequestClaims {
  /**
   * Calls `done(true)` for the first claim of this user's `requestId` among all instances,
   * `done(false)` for every later one and when the claim could not be made (the broker is
   * unreachable: the manager closes its connections then, and the client re-sends the start
   * when it resumes). `done` may run synchronously or later.
   */
  claim(userId: string, requestId: string, done: (fresh: boolean) => void): void;
  /**
   * The run of a won claim began. Until then a claim whose instance died (its run lease
   * expired) is won again by the next instance the client re-sends the start to: otherwise
   * an instance that crashed between its claim and its run would block the request for good
   * (found by a 1000-seed sweep of multi-instance-broker-faults, seeds 902 and 968).
   */
  started(userId: string, requestId: string): void;
}
