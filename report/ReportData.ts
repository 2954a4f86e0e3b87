/**
 * The data an HTML report is drawn from: built in Node from the result files
 * (STYLE rule 15: data first, picture second), embedded in the page as JSON and
 * rendered by report/page/main.ts. Types only, so the browser code and the Node
 * code share them without sharing a runtime. Every time is virtual or recorder
 * time in ms since the start of the run unless the name says otherwise.
 */
import type { RunOutcome } from "../protocol/exitCodes.ts";

/** A whole report: one column of results, or two side by side (`--compare A B`). */
export interface ReportData {
  /** Format version of this object; bump on an incompatible change. */
  version: 1;
  title: string;
  /** When the report was generated (ISO 8601), for people only. */
  generatedAt: string;
  /** The command that regenerates this report. */
  command: string;
  columns: ResultColumn[];
  /** Present in compare mode: run-by-run differences of column 0 (A) and column 1 (B). */
  comparison: ComparisonView | null;
}

/** Everything found under one results directory. */
export interface ResultColumn {
  /** "A", "B", or "" in single mode. */
  label: string;
  /** The directory as given on the command line. */
  dir: string;
  verdict: OverallVerdict;
  sims: SimRunView[];
  /** Sim runs found but not drawn in detail (past simRunsDetailedMax), as one-line rows. */
  simsListedOnly: SimRunRow[];
  sweeps: SweepView[];
  loads: LoadRunView[];
  /** `npm run soak` results (`soak-summary.json`). */
  soaks: SoakRunView[];
  bugZoos: BugZooView[];
  /** Files that looked like results but could not be read, and why. */
  problems: Array<{ path: string; problem: string }>;
}

/** Pass or fail for a column, with the reasons in words. */
export interface OverallVerdict {
  ok: boolean;
  /** One line per failing item, e.g. "seed 3 (multi-user-isolation): safety violation — isolation ×2". */
  reasons: string[];
  /** One line per item that was judged, e.g. "1 simulator run, 1 load run". */
  judged: string;
}

/** How a simulation ended: the shared outcome names (protocol/exitCodes.ts). */
export type SimOutcome = RunOutcome;

/** One sim run in a list. */
export interface SimRunRow {
  path: string;
  /** "sim": the simulator ran it; "live": `npm run record` recorded it against a real server. */
  source: "sim" | "live";
  /** The seed of a simulator run; null for a live recording (nothing replays it but its trace). */
  seed: number | null;
  /** The server a live recording talked to (its WebSocket URL); null for a simulator run. */
  target: string | null;
  scenario: string;
  plant: string | null;
  outcome: SimOutcome;
  repro: string;
  violations: number;
}

/** One simulator run (`summary.json` of kind "sim" and its `trace.jsonl`). */
export interface SimRunView extends SimRunRow {
  /** Stable id for anchors, e.g. "sim-0". */
  id: string;
  crash: string | null;
  livenessReason: string | null;
  /** Virtual time a simulator run lasted, or wall time a live recording lasted, ms. */
  simTimeMs: number;
  realMs: number | null;
  traceSha256: string | null;
  totals: Record<string, number>;
  faultsInjected: Record<string, number>;
  /** The non-zero knobs of the fault plan, in words, e.g. "drop 20‰ per 250 ms tick". */
  faultPlan: string[];
  verdict: SimVerdictView | null;
  /** Notable moments per user from the summary, in time order. */
  moments: Array<{ userId: string; t: number; what: string }>;
  trace: TraceView | null;
  /** Why there is no trace, or what was cut from it. */
  traceNotes: string[];
  /** The checklist's alert conditions judged on the run's counters; null for a summary written before there were any. */
  alerts: AlertsView | null;
}

/**
 * What the alert rules (monitoring/alerts.yml) would have done with a run: the
 * "would have alerted: …" verdict every run prints, and per alert why.
 */
export interface AlertsView {
  /** "would have alerted: AgentWsRunSilent", "would have alerted: nothing", or "alerts not judged: <why>". */
  line: string;
  /** The alerts that would have fired; [] for none or when nothing was judged. */
  fired: string[];
  /** False when no rule could be judged (no /metrics recording, no promtool). */
  judged: boolean;
  /** How the verdict was reached, in words. */
  source: string;
  /** One row per alert that has something to say: fired, quiet or not judged, and why. */
  rows: Array<{ alert: string; state: "fired" | "quiet" | "not judged"; detail: string }>;
}

/** A `soak-summary.json` (`npm run soak`): its goals, and what the alert rules said of its /metrics. */
export interface SoakRunView {
  path: string;
  ok: boolean;
  /** Wall time the soak took, ms. */
  elapsedMs: number | null;
  /** Delivered / expected, percent. */
  deliveryPercent: number | null;
  goals: Array<{ name: string; goal: string; observed: string; ok: boolean }>;
  /** null when the summary holds no alert verdict (recording off, or an older soak). */
  alerts: AlertsView | null;
  reproduce: string;
}

/** The checker's verdict, with each violation explained. */
export interface SimVerdictView {
  ok: boolean;
  violations: ViolationView[];
  /** Violations the checker counted but did not store (its violationsMax). */
  violationsNotStored: number;
  timing: TimingView[];
  eventsByType: Record<string, number>;
  counts: Record<string, number>;
  /** The checker's percentiles of live emit-to-receive latency, ms. */
  latencyMs: { count: number; p50: number; p95: number; p99: number; max: number; sampled: boolean } | null;
}

/** One broken invariant, in words. */
export interface ViolationView {
  invariant: string;
  protocolNumber: number | null;
  category: string;
  kind: string;
  /** The checker's sentence naming user, run and seqs. */
  message: string;
  /** What the invariant promises, from docs/protocol.md. */
  rule: string;
  /** What breaking it means for a user, for a newcomer. */
  meaning: string;
  userId: string | null;
  connectionId: string | null;
  deviceId: string | null;
  runId: string | null;
  seqs: number[];
  /** When the checker saw it, on the trace's clock (ms since start); null when unknown. */
  atMs: number | null;
  repro: string;
}

/** One timing budget of docs/protocol.md invariant 9. */
export interface TimingView {
  name: string;
  description: string;
  ok: boolean;
  observed: number | null;
  budget: number;
  unit: string;
  samples: number;
  overBudget: number;
}

/** What the swimlane and the charts of one sim run are drawn from. */
export interface TraceView {
  durationMs: number;
  /**
   * Where the timeline and the time charts stop: the end of the run, or shortly after
   * the last thing happened when a long quiet tail follows (a run waiting to settle).
   */
  viewUntilMs: number;
  /** Why the view stops before the end, in words; null when it does not. */
  viewNote: string | null;
  users: UserLanes[];
  /** Moments that concern every lane: restarts, reconnect storms. */
  globalMarks: GlobalMark[];
  /** Agent events received, all lanes. */
  eventsReceived: number;
  /** Event marks left out because of eventMarksMax (never silently: the page says so). */
  eventMarksDropped: number;
  latency: LatencyView;
  eventsPerSecond: RateSeries;
  connectionsOverTime: Array<{ t: number; open: number }>;
}

/** One user's connections. */
export interface UserLanes {
  userId: string;
  devices: string[];
  lanes: LaneView[];
  /** Things on no connection: connection attempts refused, run requests. */
  notes: LaneAnnotation[];
}

/** One client connection (socket) from open to close. */
export interface LaneView {
  connectionId: string;
  deviceId: string;
  userId: string;
  /** The server's name for this connection (from the `connected` frame), to place server decisions. */
  serverConnectionId: string | null;
  openMs: number;
  closeMs: number | null;
  closeCode: number | null;
  /** The close code in words, e.g. "dropped (1006)". */
  closeMeaning: string | null;
  resume: { epoch: string; lastSeq: number } | null;
  marks: EventMark[];
  annotations: LaneAnnotation[];
  /** tool_executing → tool_completed pairs received on this lane. */
  links: ToolLink[];
}

/** One agent event as a connection received it. */
export interface EventMark {
  t: number;
  type: string;
  seq: number | null;
  runId: string | null;
  /** The frame's user_id; differs from the lane's user when isolation broke. */
  userId: string | null;
  executionId: string | null;
  toolName: string | null;
  status: string | null;
  /** Received on a resumed connection but emitted before it opened. */
  replay: boolean;
  /** Named by a violation (connection and seq). */
  flagged: boolean;
  latencyMs: number | null;
}

/** A fault, server decision, resync, close or client request drawn on a lane. */
export interface LaneAnnotation {
  t: number;
  kind: "fault" | "decision" | "resync" | "violation" | "request" | "refused";
  /** Short label drawn next to the glyph, e.g. "drop". */
  label: string;
  /** Hover text. */
  detail: string;
  /** For spells (a slow socket), how long, ms. */
  durationMs: number | null;
}

/** A moment for every lane: a server restart or a reconnect storm. */
export interface GlobalMark {
  t: number;
  label: string;
  detail: string;
  durationMs: number | null;
}

/** A tool call: its start and its completion on one lane. */
export interface ToolLink {
  fromMs: number;
  toMs: number;
  executionId: string;
  toolName: string;
  status: string | null;
  runId: string | null;
}

/** Latency of live events, emit to receive, from the trace. */
export interface LatencyView {
  /** Live events measured. */
  count: number;
  /** Replayed events left out (their emit time is old by design). */
  replaysExcluded: number;
  /** Events of another user left out (an isolation failure; a stale frame's age is not delivery latency). */
  foreignExcluded: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  histogram: Histogram;
  /** Why latency could not be measured, when count is 0. */
  note: string | null;
}

/** Equal-width bins. */
export interface Histogram {
  binWidthMs: number;
  /** Bin i covers [i × binWidthMs, (i + 1) × binWidthMs). */
  counts: number[];
  /** The last bin also holds every sample past its range (a long tail, folded). */
  lastBinIsOverflow: boolean;
}

/** Events per second, per time bucket. */
export interface RateSeries {
  bucketMs: number;
  /** False when the trace has no emit lines (a client's own recording): only receptions are known. */
  emittedKnown: boolean;
  points: Array<{ t: number; emittedPerSecond: number; receivedPerSecond: number }>;
}

/** A `sim-sweep-summary.json`. */
export interface SweepView {
  path: string;
  scenarios: string[];
  /** Seed runs done. */
  seeds: number;
  /** Seed runs the sweep set out to do (null in summaries older than the field). */
  seedsPlanned: number | null;
  /** Interrupted (Ctrl-C) before every planned seed ran. */
  partial: boolean;
  /** The per-scenario pass/fail table (empty in summaries older than the field). */
  perScenario: Array<{ scenario: string; seeds: number; passed: number; failed: number; firstFailingSeed: number | null; firstFailingRepro: string | null }>;
  plant: string | null;
  seedsPerSecond: number | null;
  simMs: number | null;
  realMs: number | null;
  failures: Array<{ seed: number; path: string; outcome: string; first: string; repro: string }>;
  /** Failures per outcome, for the chart. */
  failuresByOutcome: Record<string, number>;
}

/** A k6-shaped end-of-test summary. */
export interface LoadRunView {
  path: string;
  /** The script name (file name without "-summary.json"). */
  name: string;
  durationMs: number | null;
  thresholds: ThresholdView[];
  metrics: Array<{ name: string; type: string; contains: string; values: Record<string, number> }>;
  /** Time series found beside the summary (events/s, latency percentiles per second, VUs), by name. */
  series: Array<{ name: string; kind: "events" | "latency" | "connections" | "other"; points: Array<{ t: number; value: number }> }>;
  seriesNote: string | null;
  /**
   * PASS, FAIL, or INVALID when the generator_lag threshold was crossed: the load
   * generator fell behind, so its figures measured itself, not the server.
   */
  verdict: "PASS" | "FAIL" | "INVALID";
  /** The alert rules on our server's /metrics recorded during the run (`npm run load` with its embedded server); null without. */
  alerts: AlertsView | null;
}

/** One k6 threshold and the value it was judged on. */
export interface ThresholdView {
  metric: string;
  expression: string;
  ok: boolean;
  /** The statistic named by the expression (e.g. "p(95)"), its value and unit, when found. */
  statistic: string | null;
  value: number | null;
  unit: string;
}

/** A bug zoo run: which planted bugs the checkers caught, and how fast. */
export interface BugZooView {
  path: string;
  rows: Array<{
    bug: string;
    expected: string | null;
    caughtAs: string | null;
    runsToDetection: number | null;
    repro: string;
    status: "caught" | "caught-as-other" | "missed";
  }>;
}

/** Compare mode: A against B. */
export interface ComparisonView {
  labelA: string;
  labelB: string;
  pairs: ComparisonPair[];
  /** Sim runs of one side with no partner on the other. */
  unpaired: string[];
}

/** One sim run of A against its partner in B (same scenario and planted bug, else in order). */
export interface ComparisonPair {
  title: string;
  idA: string;
  idB: string;
  rows: Array<{ metric: string; a: string; b: string; change: "better" | "worse" | "same" | "different" }>;
  /** Both latency histograms on shared bins. */
  latency: { binWidthMs: number; countsA: number[]; countsB: number[]; lastBinIsOverflow: boolean };
}
