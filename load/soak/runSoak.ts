/**
 * One soak, as a function: starts our server in-process through the load side's one seam
 * to it (load/ourServer.ts), or targets a running one,
 * starts the client worker, publishes at a steady rate while the clients are dropped and
 * resume, samples the server's heap after a full GC, then quiesces, waits for every
 * device to catch up and judges. Returns the summary; the CLI prints and writes it.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { generatedSecret, signUserToken, startOurServer, type OurServer } from "../ourServer.ts";
import type { Clock } from "../../server/ports/clock.ts";
import type { Scheduler } from "../../server/ports/scheduler.ts";
import { createMetricsRecorder, type MetricsRecorder } from "./createMetricsRecorder.ts";
import { createSoakClients, type SoakClientProgress } from "./createSoakClients.ts";
import { createSoakPublisher, RUN_EVENT_COUNT, type SoakPublisher } from "./createSoakPublisher.ts";
import { judgeAlerts, type AlertVerdict } from "./judgeAlerts.ts";
import { deliveryPercent, judgeAlertGoal, judgeGoals, judgeHeap } from "./judgeSoak.ts";
import { parseMetricsRecording } from "./parseMetricsRecording.ts";
import { soakReproduceLine, type SoakConfig } from "./parseSoakArgs.ts";
import type { HeapSample, SoakSummary } from "./SoakSummary.ts";

/** Heap samples per soak, about: the interval is the duration over this, within the bounds below. */
export const HEAP_SAMPLES_TARGET = 30;
/** Shortest and longest heap sample interval, ms. */
export const HEAP_SAMPLE_MS_MIN = 1_000;
export const HEAP_SAMPLE_MS_MAX = 5_000;
/** Time the clients get to open every connection at the start, and to reconnect at the end, ms. */
export const CONNECT_TIMEOUT_MS = 120_000;
/** Time every device gets to catch up with its user's newest seq at the end, ms. */
export const CATCH_UP_TIMEOUT_MS = 30_000;

/** What a running soak shows on its progress line. */
export interface SoakProgress extends SoakClientProgress {
  elapsedMs: number;
  durationMs: number;
  published: number;
  heapUsedBytes: number | null;
}

/** Options of {@link runSoak}. */
export interface RunSoakOptions {
  clock: Clock;
  scheduler: Scheduler;
  /** Called after every heap sample. */
  onProgress?: (progress: SoakProgress) => void;
}

let gc: (() => void) | null | undefined;

/** A full GC, when one can be had: `--expose-gc`, or the flag set at run time (a fresh context then exposes gc). */
function collectGarbage(): boolean {
  if (gc === undefined) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (typeof exposed === "function") gc = exposed;
    else {
      try {
        setFlagsFromString("--expose-gc");
        gc = runInNewContext("gc") as () => void;
      } catch {
        gc = null;
      }
    }
  }
  gc?.();
  return gc !== null;
}

/** Users `u1`..`uN` and how many connections each holds: `connections` spread as evenly as possible. */
export function planUsers(users: number, connections: number): Array<{ userId: string; devices: number }> {
  return Array.from({ length: users }, (_, index) => ({
    userId: `soak-u${index + 1}`,
    devices: Math.floor(connections / users) + (index < connections % users ? 1 : 0),
  }));
}

/** The /metrics URL of the server behind a WebSocket URL (same host and port, http(s)). */
export function metricsUrlOf(webSocketUrl: string): string {
  const url = new URL(webSocketUrl);
  url.protocol = url.protocol === "wss:" ? "https:" : "http:";
  url.pathname = "/metrics";
  url.search = "";
  return url.toString();
}

/** Runs one soak. */
export async function runSoak(config: Extract<SoakConfig, { help: false }>, options: RunSoakOptions): Promise<SoakSummary> {
  const { clock, scheduler } = options;
  const sleep = (ms: number) => new Promise<void>((resolve) => scheduler.after(ms, resolve));
  const startedAtMs = clock.nowMs();
  const users = planUsers(config.users, config.connections);
  const devicesPerUserMax = Math.max(...users.map((user) => user.devices));
  let server: OurServer | null = null;
  let url = config.target ?? "";
  const jwtSecret = config.secret ?? generatedSecret();
  if (config.target === undefined) {
    server = await startOurServer({
      jwtSecret,
      processMetrics: false,
      // A dropped socket may still count for a moment when its resume arrives: room for each device twice.
      limits: { connectionsPerUserMax: Math.max(16, 2 * devicesPerUserMax), connectionsMax: Math.max(20_000, 2 * config.connections) },
    });
    url = server.webSocketUrl;
  }
  const tokenTtlSeconds = Math.ceil(config.durationMs / 1_000) + 3_600;
  const signed = await Promise.all(users.map(async (user) => ({ ...user, token: await signUserToken(user.userId, { jwtSecret, nowMs: clock.nowMs(), ttlSeconds: tokenTtlSeconds }) })));
  let recorder: MetricsRecorder | null = null;
  const metricsPath = join(config.outDir, "metrics.prom");
  if (config.metricsEveryMs > 0) {
    mkdirSync(config.outDir, { recursive: true });
    recorder = createMetricsRecorder({ clock, scheduler, url: metricsUrlOf(url), path: metricsPath, everyMs: config.metricsEveryMs });
    recorder.start();
  }
  const clients = createSoakClients({ scheduler });
  let publisher: SoakPublisher | null = null;
  try {
    await clients.start(
      {
        url,
        users: signed,
        dropEveryMs: config.dropEveryMs,
        reconnectDelayMs: config.reconnectDelayMs,
        ackDelayMs: config.ackDelayMs,
        seed: config.seed,
      },
      CONNECT_TIMEOUT_MS,
    );

    const loadStartedAtMs = clock.nowMs();
    if (server !== null) {
      const target = server;
      publisher = createSoakPublisher({
        clock,
        scheduler,
        users: users.map((user) => user.userId),
        ratePerSecond: config.ratePerSecond,
        publish: (userId, draft) => {
          target.publish(userId, draft);
        },
      });
      publisher.start();
      const planted = publisher;
      if (config.stall !== null) {
        const stall = config.stall;
        scheduler.after(stall.atMs, () => {
          planted.stall(stall.durationMs);
          recorder?.note(`stall_started ${stall.durationMs} ms`);
          scheduler.after(stall.durationMs, () => recorder?.note("stall_ended"));
        });
      }
    } else {
      clients.drive(config.ratePerSecond / RUN_EVENT_COUNT);
    }

    const sampleMs = Math.min(HEAP_SAMPLE_MS_MAX, Math.max(HEAP_SAMPLE_MS_MIN, Math.floor(config.durationMs / HEAP_SAMPLES_TARGET)));
    const samples: HeapSample[] = [];
    let afterGc = false;
    while (clock.nowMs() - loadStartedAtMs < config.durationMs) {
      await sleep(Math.min(sampleMs, config.durationMs - (clock.nowMs() - loadStartedAtMs)));
      let heapUsedBytes: number | null = null;
      if (server !== null) {
        afterGc = collectGarbage();
        const memory = process.memoryUsage();
        const stats = server.stats();
        heapUsedBytes = memory.heapUsed;
        samples.push({ atMs: clock.nowMs() - loadStartedAtMs, heapUsedBytes, rssBytes: memory.rss, connections: stats.connections, replayEvents: stats.replayEvents, replayBytes: stats.replayBytes });
      }
      options.onProgress?.({ ...clients.progress(), elapsedMs: clock.nowMs() - loadStartedAtMs, durationMs: config.durationMs, published: publisher?.published() ?? 0, heapUsedBytes });
    }
    const loadMs = clock.nowMs() - loadStartedAtMs;
    const publishedDuringLoad = publisher?.published() ?? null;

    // Stop the load, finish every run, bring every device back, and let them catch up.
    publisher?.stop();
    clients.drive(0);
    await clients.quiesce(CONNECT_TIMEOUT_MS);
    let heads: Record<string, number> | null = null;
    if (server !== null) {
      heads = {};
      for (const user of users) heads[user.userId] = server.streamHeadSeq(user.userId) ?? 0;
    } else {
      // A remote server's runs end on their own; give the last ones time to finish.
      await sleep(5_000);
    }
    const counts = await clients.finish(heads, CATCH_UP_TIMEOUT_MS);
    const published = publisher?.published() ?? Object.values(heads ?? {}).reduce((sum, head) => sum + head, 0);
    // In target mode the events are the server's runs; what the devices saw is the best count there is.
    const achieved = publishedDuringLoad ?? counts.eventsExpected / Math.max(1, counts.devices / config.users);
    const heapVerdict = judgeHeap(samples, { measured: server !== null, afterGc });
    let alerts: AlertVerdict | null = null;
    if (recorder !== null) {
      await recorder.stop();
      alerts = await judgeAlerts(parseMetricsRecording(readFileSync(metricsPath, "utf8")), { intervalMs: config.metricsEveryMs });
    }
    const goals = { ...judgeGoals(counts, heapVerdict), alerts: judgeAlertGoal(alerts, config.stall) };
    return {
      kind: "soak",
      startedAt: new Date(startedAtMs).toISOString(),
      config: {
        durationMs: config.durationMs,
        users: config.users,
        connections: config.connections,
        dropEveryMs: config.dropEveryMs,
        ratePerSecond: config.ratePerSecond,
        reconnectDelayMs: config.reconnectDelayMs,
        ackDelayMs: config.ackDelayMs,
        seed: config.seed,
        target: config.target ?? null,
        stall: config.stall,
      },
      elapsedMs: clock.nowMs() - startedAtMs,
      ok: Object.values(goals).every((goal) => goal.ok),
      goals,
      deliveryPercent: deliveryPercent(counts),
      events: { published, offeredPerSecond: config.ratePerSecond, achievedPerSecond: Math.round((achieved / Math.max(1, loadMs)) * 1_000) },
      clients: counts,
      heap: { samples, verdict: heapVerdict },
      metrics: recorder === null ? null : { path: metricsPath, everyMs: config.metricsEveryMs, ...recorder.counts() },
      alerts,
      reproduce: soakReproduceLine(config),
    };
  } finally {
    await recorder?.stop();
    await clients.close();
    await server?.close();
  }
}
