import type { ViolationClass } from "../../protocol/checker/violationCountsByClass.ts";
import type { AlertVerdict } from "./judgeAlerts.ts";

/**
 * The soak's result as data (STYLE rule 15): what `results/soak-summary.json` holds.
 * Formatting for people is formatSoakReport's job.
 */

/** What the client worker counted over the whole soak, and the shared checker's verdict on it. */
export interface SoakClientCounts {
  /** Logical clients (each holds one connection at a time, resuming after every drop). */
  devices: number;
  /** Events every device should hold at the end, summed: each device's user's newest seq minus where it started. */
  eventsExpected: number;
  /** Events the devices' event clients handed over (each seq once, in order), summed: the delivery count. */
  eventsReceived: number;
  /** resync_required frames received (announced loss; none is expected in a soak). */
  resyncs: number;
  /** Connections closed on purpose by the soak (abruptly, no close frame). */
  forcedDrops: number;
  /** Reconnections with last_seq/epoch. */
  resumes: number;
  /** Upgrades the server refused (HTTP status → count); each is retried. */
  upgradeRefusals: Record<string, number>;
  /** Closes the server initiated (close code → count), e.g. 4409 slow consumer, 4408 heartbeat. */
  serverCloses: Record<string, number>;
  /** Devices that did not hold their user's newest seq, connected, when the soak ended. */
  devicesBehindAtEnd: number;
  /** Longest time a device was without a connection (drop or server close to the next `connected`), ms. */
  awayMsMax: number;
  /** The first few resync_required, as sentences (which device, from where, what the server held). */
  resyncExamples: string[];
  /** Emit-to-receive latency of live events (replays excluded), ms, as the shared checker measured it; `sampled`: percentiles from its reservoir. */
  latencyMs: { count: number; p50: number; p95: number; p99: number; max: number; sampled: boolean };
  /**
   * The shared invariant checker's verdict over every frame every device received: the one
   * judge of duplicates, gaps, leaks (isolation) and order, by its violation classes
   * (protocol/checker/violationCountsByClass.ts).
   */
  checker: {
    ok: boolean;
    safety: number;
    liveness: number;
    /** Stored violations by class (duplicate, gap, isolation, order, …). */
    violationsByClass: Record<ViolationClass, number>;
    /** Violations counted but not stored (past the checker's violationsMax): the class counts are then lower bounds. */
    violationsNotStored: number;
    firstViolations: string[];
  };
}

/** One heap sample of the server process (main thread) after a full GC. */
export interface HeapSample {
  /** ms since the soak started. */
  atMs: number;
  heapUsedBytes: number;
  rssBytes: number;
  connections: number;
  replayEvents: number;
  replayBytes: number;
}

/** "Flat after warm-up": the mean of the last third of the samples against the middle third. */
export interface HeapVerdict {
  /** False when heap was not measured (a --target soak); the goal is then skipped, not failed. */
  measured: boolean;
  ok: boolean;
  /** True when gc() was available, so each sample follows a full collection. */
  afterGc: boolean;
  middleMeanBytes: number;
  lastMeanBytes: number;
  /** lastMeanBytes may be at most this: middle mean × (1 + growthRatioMax) + slackBytes. */
  limitBytes: number;
  growthRatioMax: number;
  slackBytes: number;
}

/** One goal: what was wanted, what was seen, whether it was met. */
export interface SoakGoal {
  goal: string;
  observed: string;
  ok: boolean;
}

/** Everything a soak produced. */
export interface SoakSummary {
  kind: "soak";
  /** Start time, ISO 8601. */
  startedAt: string;
  config: {
    durationMs: number;
    users: number;
    connections: number;
    dropEveryMs: number;
    ratePerSecond: number;
    reconnectDelayMs: number;
    ackDelayMs: number;
    seed: number;
    target: string | null;
    /** A planted publishing stall: when (ms into the load) and how long, or null. */
    stall: { atMs: number; durationMs: number } | null;
  };
  /** Wall time of the whole soak, ms (load phase plus the final catch-up). */
  elapsedMs: number;
  ok: boolean;
  goals: {
    /** Only the soak measures it: every emitted event reached every device of its user. */
    delivery: SoakGoal;
    /** The checker's duplicate class. */
    duplicates: SoakGoal;
    /** The checker's gap and silent_gap classes. */
    gaps: SoakGoal;
    /** The checker's isolation class (a frame of another user: a leak). */
    isolation: SoakGoal;
    /** The checker's order class. */
    order: SoakGoal;
    /** The checker's whole verdict (every safety and liveness invariant). */
    checker: SoakGoal;
    heapFlat: SoakGoal;
    /** What the alert rules would have done with this run's /metrics (see judgeAlertGoal). */
    alerts: SoakGoal;
  };
  /** Delivered / expected, percent with two decimals (100.00 when nothing was expected). */
  deliveryPercent: number;
  events: { published: number; offeredPerSecond: number; achievedPerSecond: number };
  clients: SoakClientCounts;
  heap: { samples: HeapSample[]; verdict: HeapVerdict };
  /** The /metrics recording (`--metrics-every-seconds`), or null when none was made. */
  metrics: { path: string; everyMs: number; scrapes: number; failures: number } | null;
  /** The alert rules on that recording: what would have fired (null without a recording). */
  alerts: AlertVerdict | null;
  reproduce: string;
}
