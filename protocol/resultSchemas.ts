/**
 * The results format: one zod schema for every summary a command writes into `results/`
 * (STYLE rule 15: results are data first), shared by the writers and the report. Each
 * writer checks what it built against its schema before writing (`checkResult`), and the
 * report reads through the same schema (report/collectColumn.ts), so a field renamed on one
 * side fails on the other at once, with the file and the field named.
 *
 * | file | writer | schema |
 * |---|---|---|
 * | `summary.json` (kind "sim") | `npm run sim` (sim/cli.ts), `npm run record` (source "live"), `npm run load`'s flagged sessions | {@link simSummarySchema} |
 * | `sim-sweep-summary.json` | `npm run sim -- --count N` | {@link sweepSummarySchema} |
 * | `--replay` output (`--json`) | `npm run sim -- --replay` | {@link replaySummarySchema} |
 * | `soak-summary.json` | `npm run soak` (load/soak/) | {@link soakSummarySchema} |
 * | `<script>-summary.json` | the k6 scripts' `handleSummary` (load/lib/summaryOutputs.ts), `npm run load` adds `alerts` | {@link loadSummarySchema} |
 * | `bench.json` | `npm run bench` | {@link benchResultsSchema} |
 *
 * Leniency is deliberate where a file outlives its writer: a sim summary's fields the
 * report draws have defaults (an older simulator did not write them) and unknown fields
 * pass (looseObject); a k6 summary is k6's own layout. The soak's schema is its whole
 * summary: `load/soak/SoakSummary.ts` derives its types from it.
 *
 * Never reachable from a k6 bundle (zod; test/architecture/bundledCode.test.ts): k6 code may
 * import its types only (`import type`).
 */
import { z } from "zod";
import { RUN_OUTCOMES } from "./exitCodes.ts";

/** One violation as the checker stores it (protocol/checker/Violation.ts); fields the report does not draw are optional. */
export const violationSchema = z.looseObject({
  invariant: z.string(),
  protocolNumber: z.number().optional(),
  category: z.string().default("safety"),
  kind: z.string().default(""),
  message: z.string().default(""),
  userId: z.string().optional(),
  connectionId: z.string().optional(),
  deviceId: z.string().optional(),
  runId: z.string().optional(),
  seqs: z.array(z.number()).default([]),
  atMs: z.number().optional(),
});

/** The checker's verdict as a summary holds it (protocol/checker/CheckerVerdict.ts). */
export const checkerVerdictSchema = z.looseObject({
  ok: z.boolean(),
  safety: z.array(violationSchema).default([]),
  liveness: z.array(violationSchema).default([]),
  timing: z
    .array(
      z.looseObject({
        name: z.string(),
        ok: z.boolean(),
        observed: z.number().nullable().default(null),
        budget: z.number(),
        unit: z.string().default("ms"),
        samples: z.number().default(0),
        overBudget: z.number().default(0),
      }),
    )
    .default([]),
  counts: z.looseObject({ eventsByType: z.record(z.string(), z.number()).default({}) }).default({ eventsByType: {} }),
  latencyMs: z
    .looseObject({ count: z.number(), p50: z.number(), p95: z.number(), p99: z.number(), max: z.number(), sampled: z.boolean().default(false) })
    .nullable()
    .default(null),
  violationsNotStored: z.looseObject({ safety: z.number().default(0), liveness: z.number().default(0) }).default({ safety: 0, liveness: 0 }),
});

/** A simulator run's "would have alerted" (sim/alerts/SimAlertVerdict.ts): the checklist's conditions on its own counters. */
export const simAlertsSchema = z.looseObject({
  fired: z.array(z.string()),
  conditions: z.array(z.looseObject({ alert: z.string(), state: z.enum(["fired", "quiet", "not_judged"]), detail: z.string().default("") })).default([]),
});

/** One alert promtool found firing on a /metrics recording. */
export const firedAlertSchema = z.object({
  alert: z.string(),
  severity: z.string(),
  /** First evaluation where it was firing, seconds since the recording's first scrape. */
  firstFiringS: z.number(),
  /** Evaluations where it was firing. */
  evaluationsFiring: z.number(),
});

/** A soak's or a load run's "would have alerted": promtool running monitoring/alerts.yml over the recorded /metrics (load/soak/judgeAlerts.ts). */
export const promtoolAlertsSchema = z.discriminatedUnion("judged", [
  z.object({ judged: z.literal(true), rules: z.number(), evaluations: z.number(), fired: z.array(firedAlertSchema) }),
  z.object({ judged: z.literal(false), reason: z.string() }),
]);

/** `summary.json` of kind "sim": a simulator run (sim/cli.ts) or a live recording (`source: "live"`, a target instead of a seed). */
export const simSummarySchema = z.looseObject({
  kind: z.literal("sim"),
  source: z.enum(["sim", "live"]).default("sim"),
  seed: z.number().nullable(),
  target: z.string().nullable().default(null),
  /** Wall time a live recording lasted, ms. */
  recordedMs: z.number().nullable().default(null),
  scenario: z.string().default("(unnamed scenario)"),
  plant: z.string().nullable().default(null),
  outcome: z.enum(RUN_OUTCOMES),
  crash: z.string().nullable().default(null),
  faultPlan: z.record(z.string(), z.unknown()).nullable().default(null),
  verdict: checkerVerdictSchema.nullable().default(null),
  simTimeMs: z.number().default(0),
  totals: z.record(z.string(), z.unknown()).default({}),
  timeline: z.record(z.string(), z.array(z.looseObject({ t: z.number(), what: z.string() }))).default({}),
  livenessReason: z.string().nullable().default(null),
  repro: z.string().default(""),
  traceSha256: z.string().nullable().default(null),
  realMs: z.number().nullable().default(null),
  alerts: simAlertsSchema.optional(),
});

/** `sim-sweep-summary.json`: many seeds of many scenarios (`npm run sim -- --count N`). */
export const sweepSummarySchema = z.looseObject({
  kind: z.literal("sim-sweep"),
  scenarios: z.array(z.string()).default([]),
  seeds: z.number(),
  plant: z.string().nullable().default(null),
  failures: z
    .array(
      z.looseObject({
        seed: z.number(),
        path: z.string().default(""),
        outcome: z.string(),
        first: z.string().default(""),
        repro: z.string().default(""),
        /** Its trace, relative to the sweep's folder; null past the traces kept. */
        trace: z.string().nullable().optional(),
      }),
    )
    .default([]),
  /** Seeds the sweep set out to run; more than `seeds` when it was interrupted (`partial`). */
  seedsPlanned: z.number().nullable().default(null),
  partial: z.boolean().default(false),
  perScenario: z
    .array(
      z.looseObject({
        scenario: z.string(),
        seeds: z.number(),
        passed: z.number(),
        failed: z.number(),
        firstFailingSeed: z.number().nullable().default(null),
        firstFailingRepro: z.string().nullable().default(null),
      }),
    )
    .default([]),
  seedsPerSecond: z.number().nullable().default(null),
  simMs: z.number().nullable().default(null),
  realMs: z.number().nullable().default(null),
});

/** `npm run sim -- --replay <trace> --json` (stdout): the checker's verdict on a recorded trace, its fields at the top level. */
export const replaySummarySchema = checkerVerdictSchema.extend({
  kind: z.literal("sim-replay"),
  /** The trace re-checked, as given. */
  path: z.string(),
  outcome: z.enum(RUN_OUTCOMES),
  /** A live recording's target and start (its summary.json beside the trace), when it is one. */
  recordedFrom: z.object({ target: z.string(), startedAt: z.string().nullable() }).optional(),
});

/** One goal of a soak: what was wanted, what was seen, whether it was met. */
export const soakGoalSchema = z.object({ goal: z.string(), observed: z.string(), ok: z.boolean() });

/** Violation classes of the checker (protocol/checker/violationCountsByClass.ts), each a count. */
const violationClassCountsSchema = z.object({
  order: z.number(),
  pairing: z.number(),
  duplicate: z.number(),
  gap: z.number(),
  isolation: z.number(),
  content: z.number(),
  silent_gap: z.number(),
});

/** What the soak's client worker counted, and the shared checker's verdict on every frame its devices received. */
export const soakClientCountsSchema = z.object({
  /** Logical clients (each holds one connection at a time, resuming after every drop). */
  devices: z.number(),
  /** Events every device should hold at the end, summed: each device's user's newest seq minus where it started. */
  eventsExpected: z.number(),
  /** Events the devices' event clients handed over (each seq once, in order), summed: the delivery count. */
  eventsReceived: z.number(),
  /** resync_required frames received (announced loss; none is expected in a soak). */
  resyncs: z.number(),
  /** Connections closed on purpose by the soak (abruptly, no close frame). */
  forcedDrops: z.number(),
  /** Reconnections with last_seq/epoch. */
  resumes: z.number(),
  /** Upgrades the server refused (HTTP status → count); each is retried. */
  upgradeRefusals: z.record(z.string(), z.number()),
  /** Closes the server initiated (close code → count), e.g. 4409 slow consumer, 4408 heartbeat. */
  serverCloses: z.record(z.string(), z.number()),
  /** Devices that did not hold their user's newest seq, connected, when the soak ended. */
  devicesBehindAtEnd: z.number(),
  /** Longest time a device was without a connection (drop or server close to the next `connected`), ms. */
  awayMsMax: z.number(),
  /** The first few resync_required, as sentences (which device, from where, what the server held). */
  resyncExamples: z.array(z.string()),
  /** Emit-to-receive latency of live events (replays excluded), ms, as the shared checker measured it; `sampled`: percentiles from its reservoir. */
  latencyMs: z.object({ count: z.number(), p50: z.number(), p95: z.number(), p99: z.number(), max: z.number(), sampled: z.boolean() }),
  /**
   * The shared invariant checker's verdict over every frame every device received: the one
   * judge of duplicates, gaps, leaks (isolation) and order, by its violation classes.
   */
  checker: z.object({
    ok: z.boolean(),
    safety: z.number(),
    liveness: z.number(),
    /** Stored violations by class (duplicate, gap, isolation, order, …). */
    violationsByClass: violationClassCountsSchema,
    /** Violations counted but not stored (past the checker's violationsMax): the class counts are then lower bounds. */
    violationsNotStored: z.number(),
    firstViolations: z.array(z.string()),
  }),
});

/** One heap sample of the server process (main thread) after a full GC. */
export const heapSampleSchema = z.object({
  /** ms since the soak started. */
  atMs: z.number(),
  heapUsedBytes: z.number(),
  rssBytes: z.number(),
  connections: z.number(),
  replayEvents: z.number(),
  replayBytes: z.number(),
});

/** "Flat after warm-up": the mean of the last third of the samples against the middle third. */
export const heapVerdictSchema = z.object({
  /** False when heap was not measured (a --target soak); the goal is then skipped, not failed. */
  measured: z.boolean(),
  ok: z.boolean(),
  /** True when gc() was available, so each sample follows a full collection. */
  afterGc: z.boolean(),
  middleMeanBytes: z.number(),
  lastMeanBytes: z.number(),
  /** lastMeanBytes may be at most this: middle mean × (1 + growthRatioMax) + slackBytes. */
  limitBytes: z.number(),
  growthRatioMax: z.number(),
  slackBytes: z.number(),
});

/** `soak-summary.json`: everything a soak produced (`npm run soak`, load/soak/). */
export const soakSummarySchema = z.object({
  kind: z.literal("soak"),
  /** Start time, ISO 8601. */
  startedAt: z.string(),
  config: z.object({
    durationMs: z.number(),
    users: z.number(),
    connections: z.number(),
    dropEveryMs: z.number(),
    ratePerSecond: z.number(),
    reconnectDelayMs: z.number(),
    ackDelayMs: z.number(),
    seed: z.number(),
    target: z.string().nullable(),
    /** A planted publishing stall: when (ms into the load) and how long, or null. */
    stall: z.object({ atMs: z.number(), durationMs: z.number() }).nullable(),
  }),
  /** Wall time of the whole soak, ms (load phase plus the final catch-up). */
  elapsedMs: z.number(),
  ok: z.boolean(),
  goals: z.object({
    /** Only the soak measures it: every emitted event reached every device of its user. */
    delivery: soakGoalSchema,
    /** The checker's duplicate class. */
    duplicates: soakGoalSchema,
    /** The checker's gap and silent_gap classes. */
    gaps: soakGoalSchema,
    /** The checker's isolation class (a frame of another user: a leak). */
    isolation: soakGoalSchema,
    /** The checker's order class. */
    order: soakGoalSchema,
    /** The checker's whole verdict (every safety and liveness invariant). */
    checker: soakGoalSchema,
    heapFlat: soakGoalSchema,
    /** What the alert rules would have done with this run's /metrics (see judgeAlertGoal). */
    alerts: soakGoalSchema,
  }),
  /** Delivered / expected, percent with two decimals (100.00 when nothing was expected). */
  deliveryPercent: z.number(),
  events: z.object({ published: z.number(), offeredPerSecond: z.number(), achievedPerSecond: z.number() }),
  clients: soakClientCountsSchema,
  heap: z.object({ samples: z.array(heapSampleSchema), verdict: heapVerdictSchema }),
  /** The /metrics recording (`--metrics-every-seconds`), or null when none was made. */
  metrics: z.object({ path: z.string(), everyMs: z.number(), scrapes: z.number(), failures: z.number() }).nullable(),
  /** The alert rules on that recording: what would have fired (null without a recording). */
  alerts: promtoolAlertsSchema.nullable(),
  reproduce: z.string(),
});

/** One metric of a k6 end-of-test summary: `handleSummary` data (`values`, `thresholds: { expr: { ok } }`) or the older `--summary-export` layout (values flattened, `thresholds: { expr: failed }`). */
const k6MetricSchema = z.object({
  type: z.string().optional(),
  contains: z.string().optional(),
  values: z.record(z.string(), z.unknown()).optional(),
  thresholds: z.record(z.string(), z.union([z.boolean(), z.object({ ok: z.boolean() })])).optional(),
});

/** `<script>-summary.json`: k6's end-of-test summary as the scripts write it, plus `npm run load`'s `alerts` on our server's /metrics. */
// z.object, not looseObject: k6's other fields (root_group, options) are allowed but not part of the contract,
// and the k6 side's SummaryData interface must be assignable to the input type (no index signature).
export const loadSummarySchema = z.object({
  metrics: z.record(z.string(), k6MetricSchema),
  state: z.object({ testRunDurationMs: z.number().optional() }).optional(),
  alerts: promtoolAlertsSchema.optional(),
});

/** `bench.json`: `npm run bench`'s figures, one object per section run (each section's own layout). */
export const benchResultsSchema = z.looseObject({
  kind: z.literal("bench"),
  /** `process.version` of the Node that ran it. */
  node: z.string(),
  /** Shorter runs, noisier figures. */
  quick: z.boolean(),
  sim: z.record(z.string(), z.unknown()).optional(),
  jobs: z.record(z.string(), z.unknown()).optional(),
  heap: z.record(z.string(), z.unknown()).optional(),
  throughput: z.record(z.string(), z.unknown()).optional(),
  rate: z.record(z.string(), z.unknown()).optional(),
  k6: z.record(z.string(), z.unknown()).optional(),
  redis: z.record(z.string(), z.unknown()).optional(),
});

/** A summary as the report reads it (defaults filled). */
export type SimSummary = z.output<typeof simSummarySchema>;
/** A sweep summary as the report reads it. */
export type SweepSummary = z.output<typeof sweepSummarySchema>;
/** A replay's summary. */
export type ReplaySummary = z.output<typeof replaySummarySchema>;
/** A soak's summary: what load/soak writes and the report reads. */
export type SoakSummary = z.output<typeof soakSummarySchema>;
/** A load run's summary. */
export type LoadSummary = z.output<typeof loadSummarySchema>;
/** What a k6 script may write as its summary (typed construction on the k6 side, which cannot run zod). */
export type LoadSummaryInput = z.input<typeof loadSummarySchema>;
/** The bench figures. */
export type BenchResults = z.output<typeof benchResultsSchema>;
/** promtool's verdict on a /metrics recording. */
export type PromtoolAlerts = z.output<typeof promtoolAlertsSchema>;

/** A result file that does not match its schema: `message` is one line naming the file and the first bad field. */
export class ResultShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ResultShapeError";
  }
}

/** The first issue of a failed parse as `field.path: message` (`(top level)` when the whole value is wrong). */
export function firstResultIssue(error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> }): string {
  const issue = error.issues[0];
  if (issue === undefined) return "invalid";
  return `${issue.path.length === 0 ? "(top level)" : issue.path.map(String).join(".")}: ${issue.message}`;
}

/**
 * Checks `value` against `schema` before a writer writes it to `file`, and returns it
 * unchanged (the writer's own bytes go to disk, not the parse's output).
 * @throws ResultShapeError `<file>: <field>: <problem>` when it does not match: a bug in the writer.
 */
export function checkResult<T>(schema: z.ZodType, value: T, file: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ResultShapeError(`${file}: ${firstResultIssue(parsed.error)}`);
  return value;
}
