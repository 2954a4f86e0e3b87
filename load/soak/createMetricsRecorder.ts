/**
 * Scrapes a server's `GET /metrics` every few seconds during a soak and appends what it
 * read to a file (`<out>/metrics.prom`), so the alert rules can be tested on a recorded
 * run instead of invented series (test/monitoring, `recordedSeriesToPromtool`).
 *
 * File format: Prometheus text samples with a timestamp (ms since the Unix epoch, the
 * exposition format's optional third field), one scrape after another, each scrape
 * opened by a `# scrape <n> at <ms>` comment; `# note <ms> <text>` lines mark what the
 * soak did (a planted stall's start and end). HELP/TYPE lines are dropped (they would
 * repeat), and so is the per-user `agent_ws_connections{user=...}` gauge (up to 1 000
 * series a scrape; the totals carry what the rules read). Only `agent_ws_` series are kept.
 */
import { appendFileSync, writeFileSync } from "node:fs";
import type { Clock } from "../../server/ports/clock.ts";
import type { Scheduler, TimerHandle } from "../../server/ports/scheduler.ts";

/** Shortest scrape interval, ms (a bound, so a typo cannot hammer the server). */
export const METRICS_SCRAPE_MS_MIN = 1_000;

/** Time one scrape may take before it is abandoned, ms. */
export const METRICS_SCRAPE_TIMEOUT_MS = 5_000;

/** Options of {@link createMetricsRecorder}. */
export interface MetricsRecorderOptions {
  clock: Clock;
  scheduler: Scheduler;
  /** The server's metrics URL, e.g. `http://127.0.0.1:8080/metrics`. */
  url: string;
  /** The file the samples go to; created (emptied) at start. */
  path: string;
  /** Interval between scrapes, ms (at least {@link METRICS_SCRAPE_MS_MIN}). */
  everyMs: number;
}

/** A running recorder. */
export interface MetricsRecorder {
  /** Takes the first scrape now, then one every `everyMs`. */
  start(): void;
  /** Takes one last scrape, stops, and resolves when that scrape is written. */
  stop(): Promise<void>;
  /** Writes a `# note <ms> <text>` line (between scrapes): what the soak did, and when. */
  note(text: string): void;
  /** Scrapes written so far, and scrapes that failed (timeout, refused, non-200). */
  counts(): { scrapes: number; failures: number };
}

/** Keeps the lines of one exposition that the recording holds, each with the scrape time appended. */
export function recordableLines(exposition: string, atMs: number): string[] {
  const lines: string[] = [];
  for (const line of exposition.split("\n")) {
    if (!line.startsWith("agent_ws_") || line.startsWith("agent_ws_connections{")) continue;
    lines.push(`${line} ${atMs}`);
  }
  return lines;
}

/** Creates a recorder; nothing is scraped before `start()`. */
export function createMetricsRecorder(options: MetricsRecorderOptions): MetricsRecorder {
  const { clock, scheduler, url, path } = options;
  const everyMs = Math.max(METRICS_SCRAPE_MS_MIN, options.everyMs);
  let timer: TimerHandle | null = null;
  let inFlight: Promise<void> = Promise.resolve();
  let scrapes = 0;
  let failures = 0;
  let stopped = false;

  async function scrapeOnce(): Promise<void> {
    const atMs = clock.nowMs();
    // The timeout goes through the scheduler port (no hidden timer) and covers the body too.
    const abort = new AbortController();
    const timeout = scheduler.after(METRICS_SCRAPE_TIMEOUT_MS, () => abort.abort(new Error(`no answer in ${METRICS_SCRAPE_TIMEOUT_MS} ms`)));
    try {
      const response = await fetch(url, { signal: abort.signal });
      if (!response.ok) throw new Error(`status ${response.status}`);
      const lines = recordableLines(await response.text(), atMs);
      appendFileSync(path, `# scrape ${scrapes + 1} at ${atMs}\n${lines.join("\n")}\n`);
      scrapes += 1;
    } catch {
      // A missed scrape is a gap in the recording, as in Prometheus; counted, not fatal.
      failures += 1;
    } finally {
      timeout.cancel();
    }
  }

  function tick(): void {
    timer = null;
    if (stopped) return;
    inFlight = inFlight.then(scrapeOnce);
    timer = scheduler.after(everyMs, tick);
  }

  return {
    start() {
      writeFileSync(path, "");
      tick();
    },
    async stop() {
      if (stopped) return inFlight;
      stopped = true;
      timer?.cancel();
      timer = null;
      inFlight = inFlight.then(scrapeOnce);
      return inFlight;
    },
    note(text) {
      if (stopped) return;
      const atMs = clock.nowMs();
      inFlight = inFlight.then(() => appendFileSync(path, `# note ${atMs} ${text.replace(/\s+/g, " ")}\n`));
    },
    counts: () => ({ scrapes, failures }),
  };
}
