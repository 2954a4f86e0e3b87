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
 * adapters/createRedisRequestClaims.ts; the simulator's: sim/cluster/createSimBrokerView.ts).
 */

/**
 * What a claim found:
 * - `won`: nobody holds the request, or its claimant died (its run lease is gone) before
 *   its run began, or this very claim (same instance, same `attempt`) holds it already.
 *   This instance starts the run.
 * - `taken`: the run began somewhere (its events reach the user through the broker), or
 *   this same instance holds the request under another claim. Never start.
 * - `held`: another instance claimed it, its lease lives and its run has not begun yet;
 *   or the claim could not be made (the broker is unreachable). Either way the run may
 *   still begin elsewhere or be won here: ask again later (the runtime does, every
 *   leaseMs / 4, for at most 1.5 × leaseMs: createAgentRuntime.ts).
 */
export type ClaimAnswer = "won" | "taken" | "held";

/**
 * One claim as the runtime makes it. `attempt` names the runtime's claim of this request,
 * the same on every ask of it (the first and each retry of a `held` one) and different for
 * any later claim of the same request id on this instance: an ask whose earlier ask won
 * (its answer lost on the way back, or the command re-sent after a reconnect) is `won`
 * again, while another claim of the request on the owning instance is `taken`.
 */
export interface ClaimRequest {
  userId: string;
  requestId: string;
  attempt: string;
}

/** Claims `(userId, requestId)` once for every instance sharing the broker. */
export interface RequestClaims {
  /**
   * The run lease of every instance sharing the broker, ms: a `held` claim whose owner died
   * is won at most this long after the death. The runtime paces and bounds its retries of a
   * `held` claim by it.
   */
  readonly leaseMs: number;
  /** Calls `done` with what the claim found (see {@link ClaimAnswer}); synchronously or later. */
  claim(request: ClaimRequest, done: (answer: ClaimAnswer) => void): void;
  /**
   * The run of a won claim began: every claim from now on is `taken`. Until then a claim
   * whose instance died (its run lease expired) is won again, so an instance that crashed
   * between its claim and its run does not block the request for good (found by a
   * 1000-seed sweep of multi-instance-broker-faults: seed 968; seed 902 also needed the
   * runtime to ask a `held` claim again, test/sim/claimHeldByDeadInstance.test.ts).
   */
  started(userId: string, requestId: string): void;
}
