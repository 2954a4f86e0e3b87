/**
 * The server's Prometheus metrics (prom-client, on its own Registry so several servers
 * in one process, as in tests, never share series).
 *
 * Cardinality: `agent_ws_connections{user}` has one series per connected user. Only the
 * first {@link USER_LABELS_MAX_DEFAULT} connected users (in the order their streams were
 * created) get their own label; the rest are summed under `user="_other"`. Raise the cap
 * knowing each label is a series your Prometheus stores.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { ADMIT_REFUSALS, type AdmitRefusal, type ManagerDecision, type StreamEvictionReason } from "../manager/ManagerDecision.ts";
import type { ManagerStats } from "../manager/createConnectionManager.ts";
import type { AgentRuntimeStats } from "../runtime/createAgentRuntime.ts";
import type { BrokerStats } from "../ports/streamBroker.ts";
import { TOKEN_REFUSAL_REASONS, type TokenRefusalReason } from "../auth/verifyAccessToken.ts";
import { PROTOCOL_ERROR_CODES } from "../../protocol/limits.ts";

/** Default cap on distinct `user` label values of the per-user connection gauge. */
export const USER_LABELS_MAX_DEFAULT = 1_000;

/** The label that collects users beyond the cap. */
export const OTHER_USERS_LABEL = "_other";

/** Delivery latency buckets, ms: fine below the 50 ms p99 budget, coarse up to 5 s. */
export const DELIVERY_LATENCY_BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000];

/** Options of {@link createServerMetrics}. */
export interface ServerMetricsOptions {
  /** Read at every scrape: the manager's and the runtime's current stats. */
  snapshot: () => { manager: ManagerStats; runtime: AgentRuntimeStats; broker: BrokerStats };
  /** Cap on distinct user labels (default {@link USER_LABELS_MAX_DEFAULT}). */
  userLabelsMax?: number;
  /** Also collect prom-client's default process metrics (default true). */
  processMetrics?: boolean;
}

/** The server's metrics: a registry and the hooks that feed it. */
export interface ServerMetrics {
  readonly registry: Registry;
  /** The manager observer's `decision` hook. */
  observeDecision(decision: ManagerDecision): void;
  /** The manager observer's `delivered` hook; `lagMs` = delivery time - event ts. */
  observeDelivered(userId: string, seq: number, lagMs: number): void;
  /** A token was refused at the upgrade. */
  authFailed(reason: TokenRefusalReason): void;
  /** An upgrade was refused with an HTTP status other than 401 (404, 403, 400, 429, 503). */
  upgradeRefused(status: number): void;
  /** An upgrade was refused at a connection limit (or during shutdown) by `manager.admit`. */
  admissionRefused(reason: AdmitRefusal): void;
  /** A send `ws` had accepted failed later (its callback reported an error). */
  sendFailedAsync(): void;
  /** `ws` closed a socket on its own for a protocol violation (e.g. an oversized frame, 1009). */
  wsError(code: string): void;
  /** The Prometheus text exposition. */
  render(): Promise<string>;
}

/** Creates the metrics registry with every series registered. */
export function createServerMetrics(options: ServerMetricsOptions): ServerMetrics {
  const registry = new Registry();
  const registers = [registry];
  const userLabelsMax = options.userLabelsMax ?? USER_LABELS_MAX_DEFAULT;
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });

  // Values the manager already counts are copied at scrape time rather than kept twice (no drift).
  let snapshot: ReturnType<ServerMetricsOptions["snapshot"]> | null = null;
  const current = () => (snapshot ??= options.snapshot());
  const fromSnapshot = (name: string, help: string, read: (stats: NonNullable<typeof snapshot>) => number) =>
    new Gauge({ name, help, registers, collect() { this.set(read(current())); } });
  const counterFromSnapshot = (name: string, help: string, read: (stats: NonNullable<typeof snapshot>) => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        // A counter mirrored from a monotonic source: reset, then set to the source's total.
        this.reset();
        this.inc(read(current()));
      },
    });

  new Gauge({
    name: "agent_ws_connections",
    help: `Open WebSocket connections per user (first ${userLabelsMax} users labelled, the rest as ${OTHER_USERS_LABEL})`,
    labelNames: ["user"],
    registers,
    collect() {
      this.reset();
      let labelled = 0;
      let other = 0;
      for (const [userId, count] of current().manager.connectionsByUser) {
        if (labelled < userLabelsMax) {
          this.set({ user: userId }, count);
          labelled += 1;
        } else other += count;
      }
      if (other > 0) this.set({ user: OTHER_USERS_LABEL }, other);
    },
  });
  fromSnapshot("agent_ws_connections_open", "Open WebSocket connections, all users", (stats) => stats.manager.connections);
  fromSnapshot("agent_ws_users", "Users with a stream (seq, epoch, replay buffer) held by the server", (stats) => stats.manager.users);
  fromSnapshot("agent_ws_replay_buffer_events", "Events held in replay buffers, all users", (stats) => stats.manager.replayEvents);
  fromSnapshot("agent_ws_replay_buffer_bytes", "Serialized bytes held in replay buffers, all users", (stats) => stats.manager.replayBytes);
  fromSnapshot("agent_ws_active_runs", "Agent runs in progress", (stats) => stats.runtime.activeRuns);
  counterFromSnapshot("agent_ws_events_published_total", "Agent events published (stamped with a seq)", (stats) => stats.manager.eventsPublished);
  counterFromSnapshot("agent_ws_frames_sent_total", "Frames written to sockets (events, replays and control frames)", (stats) => stats.manager.framesSent);
  counterFromSnapshot("agent_ws_runs_started_total", "Agent runs started", (stats) => stats.runtime.runsStarted);
  counterFromSnapshot("agent_ws_runs_completed_total", "Agent runs completed (any status)", (stats) => stats.runtime.runsCompleted);
  counterFromSnapshot(
    "agent_ws_request_claims_abandoned_total",
    "start_agent requests given up, still claimed by another live instance that never started the run after 1.5 x the run lease (several instances only)",
    (stats) => stats.runtime.claimsAbandoned,
  );
  // What the alert rules in monitoring/alerts.yml read, beyond the series above.
  fromSnapshot("agent_ws_connections_max", "The connectionsMax limit: open connections past it are refused (503)", (stats) => stats.manager.connectionsMax);
  fromSnapshot("agent_ws_send_buffer_bytes", "Unsent bytes in every socket's send buffer, all connections", (stats) => stats.manager.bufferedBytes);
  fromSnapshot("agent_ws_runs_in_flight", "Runs the manager saw an event of and no agent_completed yet", (stats) => stats.manager.runsInFlight);
  fromSnapshot(
    "agent_ws_run_silence_seconds_max",
    "Seconds since the last event of the run in flight silent the longest (0 with none); a busy run heartbeats every 1.5 s",
    (stats) => stats.manager.runSilenceMsMax / 1_000,
  );
  counterFromSnapshot("agent_ws_runs_forgotten_total", "Runs in flight forgotten past runsTrackedMax (never completed runs pile up this way)", (stats) => stats.manager.runsForgotten);
  counterFromSnapshot(
    "agent_ws_send_attempts_total",
    "Frames the manager tried to write: written, failed at once, or refused as a slow consumer (the denominator of the failure rate)",
    (stats) => stats.manager.framesSent + stats.manager.sendFailures + (stats.manager.decisions["slow_consumer"] ?? 0),
  );

  const sendFailures = new Counter({ name: "agent_ws_send_failures_total", help: "Sends that failed (the socket is closed with 1011; events stay for resume)", labelNames: ["stage"], registers });
  const slowConsumerCloses = new Counter({ name: "agent_ws_slow_consumer_closes_total", help: "Connections closed with 4409 (unsent bytes over bufferedBytesMax)", registers });
  const heartbeatCloses = new Counter({ name: "agent_ws_heartbeat_closes_total", help: "Connections closed with 4408 (missed pongs)", registers });
  const tokenExpiredCloses = new Counter({ name: "agent_ws_token_expired_closes_total", help: "Connections closed with 4401 (token expired while open)", registers });
  const authFailures = new Counter({ name: "agent_ws_auth_failures_total", help: "Upgrades refused with 401, by reason", labelNames: ["reason"], registers });
  const upgradeRefusals = new Counter({ name: "agent_ws_upgrade_refusals_total", help: "Upgrades refused other than for auth, by HTTP status", labelNames: ["status"], registers });
  const protocolErrors = new Counter({ name: "agent_ws_protocol_errors_total", help: "protocol_error frames sent, by code", labelNames: ["code"], registers });
  const rateLimitedCloses = new Counter({ name: "agent_ws_rate_limited_closes_total", help: "Connections closed with 1008 (client frame rate limit)", registers });
  const oversizedFrames = new Counter({ name: "agent_ws_frames_too_big_total", help: "Client frames over 64 KiB (closed with 1009)", registers });
  const wsErrors = new Counter({ name: "agent_ws_socket_errors_total", help: "Sockets ws closed for a protocol violation, by ws error code", labelNames: ["code"], registers });
  const admissionRefusals = new Counter({
    name: "agent_ws_admission_refusals_total",
    help: "Connections refused at a connection limit (connections_total: the pool is exhausted) or during shutdown, by reason",
    labelNames: ["reason"],
    registers,
  });
  const resyncs = new Counter({ name: "agent_ws_resync_required_total", help: "Resumes answered with resync_required (announced loss)", registers });
  const replayEvicted = new Counter({ name: "agent_ws_replay_evicted_events_total", help: "Events evicted from replay buffers by the count or byte bound", registers });
  const connectionsOpened = new Counter({ name: "agent_ws_connections_opened_total", help: "Connections accepted", registers });
  const streamsEvicted = new Counter({
    name: "agent_ws_streams_evicted_total",
    help: "Streams of users with no open connection evicted (idle_timeout: idle past streamIdleMs; users_retained_max: too many idle streams); their next resume gets resync_required",
    labelNames: ["reason"],
    registers,
  });
  const latency = new Histogram({
    name: "agent_ws_delivery_latency_ms",
    help: "Event emission (ts) to socket write, ms; replays count their age",
    buckets: DELIVERY_LATENCY_BUCKETS_MS,
    registers,
  });

  // Known label values start at 0, so rate() and alerts work before the first occurrence.
  for (const stage of ["sync", "async"]) sendFailures.inc({ stage }, 0);
  for (const reason of ADMIT_REFUSALS) admissionRefusals.inc({ reason }, 0);
  for (const reason of TOKEN_REFUSAL_REASONS) authFailures.inc({ reason }, 0);
  for (const code of PROTOCOL_ERROR_CODES) protocolErrors.inc({ code }, 0);
  // The stream broker (in-process: always up, no round trips; Redis: docs/multi-instance.md).
  fromSnapshot("agent_ws_broker_available", "1 while the stream broker is reachable, 0 while clients are told to resume later", (stats) => (stats.broker.available ? 1 : 0));
  counterFromSnapshot("agent_ws_broker_round_trips_total", "Round trips to the stream broker (appends, reads, subscriptions)", (stats) => stats.broker.roundTrips);
  counterFromSnapshot("agent_ws_broker_errors_total", "Failed broker round trips and connection errors", (stats) => stats.broker.errors);
  fromSnapshot("agent_ws_broker_appends_pending", "Appends sent to the broker and not answered yet (the broker's lag, in events)", (stats) => stats.broker.appendsPending);
  const streamsLost = new Counter({ name: "agent_ws_broker_streams_lost_total", help: "Times a user's feed lost contiguity and its connections were closed with 1013 to resume", registers });
  for (const reason of ["idle_timeout", "users_retained_max"] satisfies StreamEvictionReason[]) streamsEvicted.inc({ reason }, 0);

  return {
    registry,
    observeDecision(decision) {
      switch (decision.kind) {
        case "connection_opened": connectionsOpened.inc(); return;
        case "connection_refused": admissionRefusals.inc({ reason: decision.reason }); return;
        case "slow_consumer": slowConsumerCloses.inc(); return;
        case "heartbeat_timeout": heartbeatCloses.inc(); return;
        case "token_expired": tokenExpiredCloses.inc(); return;
        case "send_failed": sendFailures.inc({ stage: "sync" }); return;
        case "protocol_error": protocolErrors.inc({ code: decision.code }); return;
        case "rate_limited": rateLimitedCloses.inc(); return;
        case "frame_too_big": oversizedFrames.inc(); return;
        case "resync_required": resyncs.inc(); return;
        case "replay_evicted": replayEvicted.inc(decision.count); return;
        case "stream_evicted": streamsEvicted.inc({ reason: decision.reason }); return;
        case "stream_lost": streamsLost.inc(); return;
        default: return;
      }
    },
    observeDelivered: (_userId, _seq, lagMs) => latency.observe(Math.max(0, lagMs)),
    authFailed: (reason) => authFailures.inc({ reason }),
    admissionRefused: (reason) => admissionRefusals.inc({ reason }),
    upgradeRefused: (status) => upgradeRefusals.inc({ status: String(status) }),
    sendFailedAsync: () => sendFailures.inc({ stage: "async" }),
    wsError(code) {
      wsErrors.inc({ code });
      if (code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") oversizedFrames.inc();
    },
    async render() {
      snapshot = null;
      try {
        return await registry.metrics();
      } finally {
        snapshot = null;
      }
    },
  };
}
