/**
 * Pure judgement of a soak: heap flatness from the samples, delivery percent, and the
 * goals. Kept apart from the run so tests can feed it numbers.
 */
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
export function judgeGoals(clients: SoakClientCounts, heap: HeapVerdict): SoakSummary["goals"] {
  const percent = deliveryPercent(clients);
  const delivered = clients.eventsReceived === clients.eventsExpected && clients.devicesBehindAtEnd === 0;
  const goal = (wanted: string, observed: string, ok: boolean): SoakGoal => ({ goal: wanted, observed, ok });
  return {
    delivery: goal(
      "100.00% of emitted events reach every connection of their user that stayed or resumed",
      `${percent.toFixed(2)}% (${clients.eventsReceived} of ${clients.eventsExpected}; ${clients.gaps} skipped, ${clients.resyncs} resyncs, ${clients.devicesBehindAtEnd} devices behind at the end)`,
      delivered,
    ),
    duplicates: goal("0 duplicates", String(clients.duplicates), clients.duplicates === 0),
    isolation: goal("0 isolation breaches", String(clients.isolationBreaches), clients.isolationBreaches === 0),
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
