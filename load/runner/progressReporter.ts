import type { TestRun } from "./testRun.ts";

/** One k6-style progress line: `running (0m05.0s), 03/10 VUs, 120 complete and 0 interrupted iterations`. */
export function progressLine(run: TestRun): string {
  const elapsedMs = run.testRunDurationMs();
  const minutes = Math.floor(elapsedMs / 60_000);
  const seconds = ((elapsedMs % 60_000) / 1000).toFixed(1).padStart(4, "0");
  const vusInitialized = run.pool.initializedCount;
  const width = String(vusInitialized).length;
  const vus = `${String(run.pool.activeCount).padStart(width, "0")}/${vusInitialized} VUs`;
  return `running (${minutes}m${seconds}s), ${vus}, ${run.counters.completed} complete and ${run.counters.interrupted} interrupted iterations`;
}
