/**
 * The workloads of the scripts, as data (one profile per script), and the `__ENV`
 * knobs that adjust any of them. A knob with a bad value stops the script in the
 * init context with the variable named.
 *
 * | variable | profile field | meaning |
 * |---|---|---|
 * | `SCENARIOS` | scenarios | comma list of start_agent scenarios, cycled (`quick`, `golden-path`, `default`) |
 * | `RUNS_PER_SESSION` | runsPerSession | runs per VU iteration |
 * | `RUNS_IN_FLIGHT` | runsInFlightMax | concurrent runs per VU |
 * | `THINK_MS` | thinkTimeMs | pause before a slot starts its next run |
 * | `DROP_RESUME` | drops | `never`/`0`, `once`/`1` (one drop+resume per session, mid-run), `storm` |
 * | `DROP_EVERY_MS`, `DROP_JITTER_MS` | drops | storm period and jitter |
 * | `DROP_PAUSE_MS` | dropPauseMs | time offline before resuming |
 * | `SESSION_TIMEOUT_MS` | sessionTimeoutMs | a session waiting longer fails its check |
 * | `ACK_EVERY` | ackEveryEvents | send `ack` every N events (0: never) |
 * | `CHECK` | checkInvariants | `on` (default) or `off`: off skips the invariant checker, to measure its cost |
 * | `RECORD_LINES` | recordLinesMax | lines of a session kept for the record of a flagged session (0: record nothing) |
 * | `RECORD_SESSIONS_PER_VU` | recordSessionsPerVuMax | flagged sessions per VU whose record is emitted |
 */
import type { DropPlan, SessionProfile } from "./agentSession.ts";
import { envInteger, envList, envString, type ScriptEnv } from "./env.ts";
import type { ThresholdTargets } from "./thresholds.ts";

/** What every profile shares unless it says otherwise. */
const BASE_PROFILE: SessionProfile = {
  scenarios: ["quick"],
  agentType: "performance_analyst",
  message: "Analyze my system performance",
  runsPerSession: 20,
  runsInFlightMax: 4,
  thinkTimeMs: 20,
  drops: { kind: "never" },
  dropPauseMs: 100,
  sessionTimeoutMs: 20_000,
  ackEveryEvents: 0,
  unplannedReconnectsMax: 5,
  clientFramesPerSecondMax: 100,
  checkInvariants: true,
  recordLinesMax: 4000,
  recordSessionsPerVuMax: 2,
};

/**
 * golden-path: each VU is a user asking for agent work: 6 runs in flight, 7 of every
 * 8 the short `quick` agent and 1 the full `golden-path` agent (thinking, two tools, a
 * partial result, ~1.4 s), 100 ms think time. About 95 events/s per VU, steady
 * rather than bursty, so 10 VUs deliver ~950 events/s (about 2x the 500/s gate).
 */
export const GOLDEN_PATH_PROFILE: SessionProfile = {
  ...BASE_PROFILE,
  scenarios: ["golden-path", "quick", "quick", "quick", "quick", "quick", "quick", "quick"],
  runsPerSession: 40,
  runsInFlightMax: 6,
  thinkTimeMs: 100,
};

/** throughput: many users, bursty `quick` runs, 8 in flight, no think time: the most events/s the server delivers. */
export const THROUGHPUT_PROFILE: SessionProfile = {
  ...BASE_PROFILE,
  scenarios: ["quick"],
  runsPerSession: 60,
  runsInFlightMax: 8,
  thinkTimeMs: 0,
};

/** reconnect-storm: the golden-path mix, and every VU drops and resumes every ~1.5 s, all at once (a storm). */
export const RECONNECT_STORM_PROFILE: SessionProfile = {
  ...GOLDEN_PATH_PROFILE,
  runsPerSession: 40,
  drops: { kind: "storm", everyMs: 1500, jitterMs: 200 },
  dropPauseMs: 150,
  sessionTimeoutMs: 30_000,
};

/** soak: long sessions of mostly full agents at a human pace, acks on, one drop+resume per session. */
export const SOAK_PROFILE: SessionProfile = {
  ...BASE_PROFILE,
  scenarios: ["golden-path", "quick", "golden-path", "default"],
  runsPerSession: 40,
  runsInFlightMax: 3,
  thinkTimeMs: 500,
  drops: { kind: "once" },
  sessionTimeoutMs: 120_000,
  ackEveryEvents: 50,
};

/** `profile` with the `__ENV` knobs of the module comment applied. @throws Error naming a bad variable */
export function profileFromEnv(profile: SessionProfile, env: ScriptEnv): SessionProfile {
  const scenarios = envList(env, "SCENARIOS", { fallback: profile.scenarios });
  if (scenarios.length === 0) throw new Error("__ENV.SCENARIOS must name at least one scenario");
  return {
    ...profile,
    scenarios,
    runsPerSession: envInteger(env, "RUNS_PER_SESSION", { fallback: profile.runsPerSession, minimum: 1 }),
    runsInFlightMax: envInteger(env, "RUNS_IN_FLIGHT", { fallback: profile.runsInFlightMax, minimum: 1 }),
    thinkTimeMs: envInteger(env, "THINK_MS", { fallback: profile.thinkTimeMs }),
    drops: dropPlanFromEnv(profile.drops, env),
    dropPauseMs: envInteger(env, "DROP_PAUSE_MS", { fallback: profile.dropPauseMs }),
    sessionTimeoutMs: envInteger(env, "SESSION_TIMEOUT_MS", { fallback: profile.sessionTimeoutMs, minimum: 1 }),
    ackEveryEvents: envInteger(env, "ACK_EVERY", { fallback: profile.ackEveryEvents }),
    checkInvariants: checkFromEnv(env),
    recordLinesMax: envInteger(env, "RECORD_LINES", { fallback: profile.recordLinesMax }),
    recordSessionsPerVuMax: envInteger(env, "RECORD_SESSIONS_PER_VU", { fallback: profile.recordSessionsPerVuMax }),
  };
}

function checkFromEnv(env: ScriptEnv): boolean {
  const text = envString(env, "CHECK", { fallback: "on" }).toLowerCase();
  if (text === "on" || text === "1") return true;
  if (text === "off" || text === "0") return false;
  throw new Error(`__ENV.CHECK must be on or off, got "${text}"`);
}

function dropPlanFromEnv(fallback: DropPlan, env: ScriptEnv): DropPlan {
  const storm = fallback.kind === "storm" ? fallback : { kind: "storm" as const, everyMs: 1500, jitterMs: 200 };
  const stormFromEnv = (): DropPlan => ({
    kind: "storm",
    everyMs: envInteger(env, "DROP_EVERY_MS", { fallback: storm.everyMs, minimum: 1 }),
    jitterMs: envInteger(env, "DROP_JITTER_MS", { fallback: storm.jitterMs }),
  });
  const text = envString(env, "DROP_RESUME", { fallback: "" }).toLowerCase();
  switch (text) {
    case "":
      return fallback.kind === "storm" ? stormFromEnv() : fallback;
    case "0":
    case "never":
    case "off":
      return { kind: "never" };
    case "1":
    case "once":
      return { kind: "once" };
    case "storm":
      return stormFromEnv();
    default:
      throw new Error(`__ENV.DROP_RESUME must be never (0), once (1) or storm, got "${text}"`);
  }
}

/**
 * `targets` with `EVENTS_PER_SECOND_PER_VU_MIN` (or an absolute `EVENTS_PER_SECOND_MIN`),
 * `LATENCY_P95_MS`, `LATENCY_P99_MS`, `START_LATENCY_P95_MS` and `GENERATOR_LAG_P99_MS`
 * applied (SLOs of another server).
 */
export function targetsFromEnv(targets: ThresholdTargets, env: ScriptEnv): ThresholdTargets {
  const absoluteFloor = envInteger(env, "EVENTS_PER_SECOND_MIN", { fallback: -1 });
  return {
    ...(absoluteFloor >= 0 ? { eventsPerSecondMin: absoluteFloor } : {}),
    eventsPerSecondPerVuMin: envInteger(env, "EVENTS_PER_SECOND_PER_VU_MIN", { fallback: targets.eventsPerSecondPerVuMin }),
    latencyMsP95Max: envInteger(env, "LATENCY_P95_MS", { fallback: targets.latencyMsP95Max, minimum: 1 }),
    latencyMsP99Max: envInteger(env, "LATENCY_P99_MS", { fallback: targets.latencyMsP99Max, minimum: 1 }),
    startLatencyMsP95Max: envInteger(env, "START_LATENCY_P95_MS", { fallback: targets.startLatencyMsP95Max, minimum: 1 }),
    generatorLagMsP99Max: envInteger(env, "GENERATOR_LAG_P99_MS", { fallback: targets.generatorLagMsP99Max, minimum: 1 }),
  };
}

/**
 * The VUs the events/s floor scales with: `VUS` (npm run load sets it to --vus), else
 * `K6_VUS` (k6's own variable, which k6 puts in __ENV), else the script's own count.
 * With a plain `k6 run --vus N`, pass `-e VUS=N` too: k6 does not show flags to scripts.
 */
export function vusFromEnv(env: ScriptEnv, options: { fallback: number }): number {
  return envInteger(env, "VUS", { fallback: envInteger(env, "K6_VUS", { fallback: options.fallback, minimum: 1 }), minimum: 1 });
}
