/**
 * Pure judgement of a soak: heap flatness from the samples, delivery percent, and the
 * goals. Kept apart from the run so tests can feed it numbers. Duplicates, gaps, leaks and
 * order are the shared checker's verdict, read here, never counted again: the soak's own
 * measure is delivery (every event reaching every device of its user).
 */
import { RUN_SILENT_ALERT } from "../ourServer.ts";
import type { AlertVerdict } from "./judgeAlerts.ts";
import type { HeapSample, HeapVerdict, SoakClientCounts, SoakGoal, SoakSummary } from "./SoakSummary.ts";

/** Relative growth allowed from the middle third of the samples to the last third. */
export const HEAP_GROWTH_RATIO_MAX = 0.1;
/** Absolute slack on top of it, bytes: GC timing and allocator noise on a small heap. */
export const HEAP_SLACK_BYTES = 8 * 1024 * 1024;
/** Fewer samples than this cannot be split into thirds meaningfully: the verdict is then "not flat". */
export const HEAP_SAMPLES_MIN = 6;

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/**
 * Heap is flat after warm-up when the mean heapUsed of the last third of the samples is
 * at most the middle third's × (1 + {@link HEAP_GROWTH_RATIO_MAX}) + {@link HEAP_SLACK_BYTES}.
 * The first third is warm-up (connections opening, buffers filling, code compiling).
 */
export function judgeHeap(samples: readonly HeapSample[], options: { measured: boolean; afterGc: boolean }): HeapVerdict {
  const third = Math.floor(samples.length / 3);
  const middle = samples.slice(third, 2 * third).map((sample) => sample.heapUsedBytes);
  const last = samples.slice(samples.length - third).map((sample) => sample.heapUsedBytes);
  const middleMeanBytes = Math.round(mean(middle));
  const lastMeanBytes = Math.round(mean(last));
  const limitBytes = Math.round(middleMeanBytes * (1 + HEAP_GROWTH_RATIO_MAX) + HEAP_SLACK_BYTES);
  const enough = samples.length >= HEAP_SAMPLES_MIN;
  return {
    measured: options.measured,
    ok: !options.measured || (enough && lastMeanBytes <= limitBytes),
    afterGc: options.afterGc,
    middleMeanBytes,
    lastMeanBytes,
    limitBytes,
    growthRatioMax: HEAP_GROWTH_RATIO_MAX,
    slackBytes: HEAP_SLACK_BYTES,
  };
}

/** Delivered / expected in percent, truncated (not rounded) to two decimals so 99.999 never shows as 100.00. */
export function deliveryPercent(counts: Pick<SoakClientCounts, "eventsExpected" | "eventsReceived">): number {
  if (counts.eventsExpected === 0) return 100;
  return Math.floor((counts.eventsReceived / counts.eventsExpected) * 10_000) / 100;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** The goals of a soak, each with what was observed. */
export function judgeGoals(clients: SoakClientCounts, heap: HeapVerdict): Omit<SoakSummary["goals"], "alerts"> {
  const percent = deliveryPercent(clients);
  const delivered = clients.eventsReceived === clients.eventsExpected && clients.devicesBehindAtEnd === 0;
  const goal = (wanted: string, observed: string, ok: boolean): SoakGoal => ({ goal: wanted, observed, ok });
  const { violationsByClass: byClass, violationsNotStored } = clients.checker;
  const atLeast = violationsNotStored > 0 ? "at least " : "";
  const checkerGoal = (wanted: string, count: number): SoakGoal => goal(`0 ${wanted} (shared checker)`, `${count === 0 ? "" : atLeast}${count}`, count === 0 && violationsNotStored === 0);
  return {
    delivery: goal(
      "100.00% of emitted events reach every connection of their user that stayed or resumed",
      `${percent.toFixed(2)}% (${clients.eventsReceived} of ${clients.eventsExpected}; ${clients.resyncs} resyncs, ${clients.devicesBehindAtEnd} devices behind at the end)`,
      delivered,
    ),
    duplicates: checkerGoal("duplicates", byClass.duplicate),
    gaps: checkerGoal("gaps", byClass.gap + byClass.silent_gap),
    isolation: checkerGoal("isolation breaches", byClass.isolation),
    order: checkerGoal("order violations", byClass.order),
    checker: goal(
      "the shared invariant checker finds no safety or liveness violation",
      clients.checker.ok ? "none" : `${clients.checker.safety} safety, ${clients.checker.liveness} liveness`,
      clients.checker.ok,
    ),
    heapFlat: goal(
      `heap flat after warm-up (last third ≤ middle third × ${1 + HEAP_GROWTH_RATIO_MAX} + ${mib(HEAP_SLACK_BYTES)})`,
      heap.measured ? `${mib(heap.middleMeanBytes)} → ${mib(heap.lastMeanBytes)} (limit ${mib(heap.limitBytes)})${heap.afterGc ? "" : ", without forced GC"}` : "not measured (remote target)",
      heap.ok,
    ),
  };
}

/** The alert a planted stall must fire, and the shortest stall that surely fires it, ms (60 s of silence plus a scrape). */
export const STALL_ALERT: string = RUN_SILENT_ALERT.alert;
export const STALL_FIRES_MS_MIN = 65_000;

/**
 * The shortest stall that may fire {@link STALL_ALERT} at all, ms: the rule in
 * monitoring/alerts.yml (`agent_ws_run_silence_seconds_max >= 30` held `for: 30s`, read from
 * server/monitoring/alertConditions.ts through load/ourServer.ts), so a stall this long or
 * longer is allowed to page, a shorter one is not.
 */
export const STALL_MAY_FIRE_MS_MIN = RUN_SILENT_ALERT.mayFireAfterMs;

/**
 * The alerting goal: a healthy soak would have paged no one; a soak with a planted stall of
 * at least {@link STALL_FIRES_MS_MIN} would have paged for exactly {@link STALL_ALERT} (a
 * shorter stall may or may not fire it, and nothing else). Not judged (no recording, no
 * promtool) is not a failure: the goal says so instead.
 */
export function judgeAlertGoal(verdict: AlertVerdict | null, stall: { durationMs: number } | null): SoakGoal {
  const required: string[] = stall !== null && stall.durationMs >= STALL_FIRES_MS_MIN ? [STALL_ALERT] : [];
  const allowed = new Set(stall !== null && stall.durationMs >= STALL_MAY_FIRE_MS_MIN ? [STALL_ALERT] : []);
  const wanted = required.length === 0 ? "no alert would have fired" : `exactly ${STALL_ALERT} would have fired (a ${stall?.durationMs ?? 0} ms stall was planted)`;
  if (verdict === null) return { goal: wanted, observed: "not judged: no /metrics recording (--metrics-every-seconds 0)", ok: true };
  if (!verdict.judged) return { goal: wanted, observed: `not judged: ${verdict.reason}`, ok: true };
  const names = verdict.fired.map((fired) => fired.alert);
  const ok = required.every((alert) => names.includes(alert)) && names.every((alert) => allowed.has(alert));
  return { goal: wanted, observed: `would have alerted: ${formatFired(verdict)}`, ok };
}

/** "nothing", or each alert fired with its severity and when it first fired. */
export function formatFired(verdict: Extract<AlertVerdict, { judged: true }>): string {
  if (verdict.fired.length === 0) return `nothing (${verdict.rules} rules, ${verdict.evaluations} evaluations each)`;
  return verdict.fired.map((fired) => `${fired.alert} (${fired.severity}, from ${fired.firstFiringS} s, ${fired.evaluationsFiring} evaluations)`).join(", ");
}
