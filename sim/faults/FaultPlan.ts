/**
 * The fault model as a plain option struct (TigerBeetle style): one documented field
 * per fault, probabilities as integer per-mille ratios (never floats), units last.
 * A plan is data: a scenario fixes it, or the seed draws it (see drawFaultPlan.ts).
 */
export interface FaultPlan {
  /** How often the fault injector draws, ms of virtual time. */
  tickMs: number;
  /** Per open connection per tick: an abrupt drop; frames in flight are lost both ways. */
  dropPerMille: number;
  /** Per open connection per tick: the client vanishes silently; only the heartbeat can notice. */
  halfOpenPerMille: number;
  /** Per open connection per tick: the server's next send on it fails. */
  sendFailurePerMille: number;
  /** Per open connection per tick: the client becomes a slow reader for `slowSocketMs`. */
  slowSocketPerMille: number;
  /** A slow reader's bandwidth, bytes per ms. */
  slowBandwidthBytesPerMs: number;
  /** How long a slow spell lasts, ms. */
  slowSocketMs: number;
  /** Per open connection per tick: the client closes cleanly and reconnects with resume. */
  reconnectPerMille: number;
  /** Per tick: a reconnect storm, every connection drops at once and all reconnect within `stormWindowMs`. */
  stormPerMille: number;
  /** Spread of reconnects after a storm, ms. */
  stormWindowMs: number;
  /** Per tick: the gateway restarts (new manager, new epoch for every user). */
  restartPerMille: number;
  /** How long a restart refuses connections, ms. */
  restartDowntimeMs: number;
  /** A client's reconnect delay is drawn from [min, max], ms. */
  reconnectDelayMsMin: number;
  reconnectDelayMsMax: number;
  /** Per tool step, at scenario build time: the tool fails. */
  toolFailurePerMille: number;
  /** Per tool step, at scenario build time: the tool times out. */
  toolTimeoutPerMille: number;
  /** Per run: the requesting device cancels it at a random moment. */
  cancelPerMille: number;
}

/** The plan with every fault off. */
export const NO_FAULTS: Readonly<FaultPlan> = Object.freeze({
  tickMs: 250,
  dropPerMille: 0,
  halfOpenPerMille: 0,
  sendFailurePerMille: 0,
  slowSocketPerMille: 0,
  slowBandwidthBytesPerMs: 1,
  slowSocketMs: 3_000,
  reconnectPerMille: 0,
  stormPerMille: 0,
  stormWindowMs: 1_000,
  restartPerMille: 0,
  restartDowntimeMs: 500,
  reconnectDelayMsMin: 50,
  reconnectDelayMsMax: 2_000,
  toolFailurePerMille: 0,
  toolTimeoutPerMille: 0,
  cancelPerMille: 0,
});

/** Names of the per-mille fields, for validation and printing. */
export const PER_MILLE_FIELDS = [
  "dropPerMille",
  "halfOpenPerMille",
  "sendFailurePerMille",
  "slowSocketPerMille",
  "reconnectPerMille",
  "stormPerMille",
  "restartPerMille",
  "toolFailurePerMille",
  "toolTimeoutPerMille",
  "cancelPerMille",
] as const satisfies ReadonlyArray<keyof FaultPlan>;
