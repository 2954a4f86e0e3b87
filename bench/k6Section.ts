/**
 * `npm run bench -- --section k6`: what the load scripts cost where users run them,
 * on a real k6 (`K6`, else `k6` on PATH, else ../shared/k6/k6 beside the repository):
 *
 * - the event client's cost per event inside a k6 VU (bench/k6/clientCost.ts);
 * - checker cost per event inside a k6 VU (bench/k6/checkerCost.ts bundled like the
 *   load scripts), and of the same code in this Node process, in µs: JSON.parse of the
 *   frame and the checker are reported apart;
 * - the golden-path bundle's size per flavour, KiB;
 * - k6's memory per VU for golden-path (peak RSS of a 21-VU run minus a 1-VU run, / 20);
 * - golden-path, 10 VUs, 30 s, against our embedded server: verdict, events/s, p95/p99;
 * - throughput with the checker on vs `CHECK=off`, and with session recording on vs
 *   `RECORD_LINES=0`, same k6, same server, one after the other: ratios of events/s.
 * Figures are from one run on this machine; a busy machine shows in `generator_lag`.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleK6Script } from "../load/build.ts";
import { findK6, type K6Engine } from "../load/cli.ts";
import { K6_FLAVOURS } from "../load/k6Flavours.ts";
import { checkStreamSessions, parseStreamSessions } from "./k6/streamSessions.ts";
import { syntheticStream } from "./k6/syntheticStream.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const SHARED_K6 = join(ROOT, "..", "shared", "k6", "k6");

/** The k6 to measure with, or undefined (the section is then skipped, saying why). */
export function benchK6(): K6Engine | undefined {
  const found = findK6(process.env);
  if (found !== undefined) return found;
  return existsSync(SHARED_K6) ? findK6({ K6: SHARED_K6 }) : undefined;
}

function run(executable: string, args: readonly string[], options: { env?: Record<string, string> } = {}): Promise<{ code: number; stdout: string; stderr: string; peakRssKiB: number }> {
  return new Promise((resolvePromise) => {
    const child = spawn(executable, args, { cwd: ROOT, env: { ...process.env, CI: "true", ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    let peakRssKiB = 0;
    // Peak resident memory of the engine, sampled from /proc (Linux): VmHWM is the high-water mark.
    const sampler = setInterval(() => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
        const match = /VmHWM:\s+(\d+) kB/.exec(status);
        if (match !== null) peakRssKiB = Math.max(peakRssKiB, Number(match[1]));
      } catch {
        // The process ended between samples.
      }
    }, 100);
    child.on("close", (code) => {
      clearInterval(sampler);
      resolvePromise({ code: code ?? -1, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), peakRssKiB });
    });
  });
}

function nodeCheckerCost(): { parseUsPerEvent: number; checkerUsPerEvent: number; fullCheckerUsPerEvent: number } {
  const frames = syntheticStream(40);
  const sessions = 200;
  const time = (body: () => void): number => {
    body();
    let best = Number.POSITIVE_INFINITY;
    for (let round = 0; round < 3; round += 1) {
      const started = performance.now();
      body();
      best = Math.min(best, performance.now() - started);
    }
    return best;
  };
  const parseMs = time(() => void parseStreamSessions(frames, sessions));
  const lazyMs = time(() => checkStreamSessions(frames, { sessions, checker: "lazy" }));
  const fullMs = time(() => checkStreamSessions(frames, { sessions, checker: "full" }));
  const events = sessions * frames.length;
  return { parseUsPerEvent: (parseMs * 1000) / events, checkerUsPerEvent: ((lazyMs - parseMs) * 1000) / events, fullCheckerUsPerEvent: ((fullMs - parseMs) * 1000) / events };
}

/** Bundles `bench/k6/<name>.ts` for the k6 in use, runs it once, and returns its gauges' values. */
async function k6BenchGauges(k6: K6Engine, options: { scratch: string; name: string; env: string[] }): Promise<Record<string, number>> {
  const bundle = join(options.scratch, `${options.name}.js`);
  await bundleK6Script(join(ROOT, "bench", "k6", `${options.name}.ts`), bundle, { flavour: k6.flavour });
  const summaryPath = join(options.scratch, `${options.name}-summary.json`);
  const result = await run(k6.path, ["run", "--quiet", "--summary-export", summaryPath, ...options.env.flatMap((pair) => ["-e", pair]), bundle]);
  if (result.code !== 0) throw new Error(`bench/k6/${options.name}.ts failed under k6 (exit ${result.code}): ${result.stderr.slice(-400)}`);
  const metrics = (JSON.parse(readFileSync(summaryPath, "utf8")) as { metrics: Record<string, { value?: number }> }).metrics;
  return Object.fromEntries(Object.entries(metrics).map(([name, metric]) => [name, metric.value ?? Number.NaN]));
}

interface LoadFigures {
  exitCode: number;
  verdict: string;
  eventsPerSecond: number;
  latencyMsP95: number;
  latencyMsP99: number;
  generatorLagMsP99: number;
  peakRssKiB: number;
}

async function loadRun(k6: K6Engine, options: { script: string; vus: number; duration: string; env?: string[]; scratch: string; name: string }): Promise<LoadFigures> {
  const outDirectory = join(options.scratch, options.name);
  const result = await run(
    process.execPath,
    ["--import", "tsx", join(ROOT, "load", "cli.ts"), options.script, "--engine", "k6", "--vus", String(options.vus), "--duration", options.duration, "--out", outDirectory, ...(options.env ?? []).flatMap((pair) => ["-e", pair])],
    { env: { K6: k6.path } },
  );
  const summaryPath = join(outDirectory, `${options.script}-summary.json`);
  if (!existsSync(summaryPath)) throw new Error(`${options.script} wrote no summary (exit ${result.code}): ${result.stderr.slice(-400)}`);
  const metrics = (JSON.parse(readFileSync(summaryPath, "utf8")) as { metrics: Record<string, { values: Record<string, number> }> }).metrics;
  const verdictLine = /agent-event load: \S+ — (\w+)/.exec(result.stdout)?.[1] ?? "?";
  return {
    exitCode: result.code,
    verdict: verdictLine,
    eventsPerSecond: metrics["events_received"]?.values["rate"] ?? 0,
    latencyMsP95: metrics["event_latency"]?.values["p(95)"] ?? Number.NaN,
    latencyMsP99: metrics["event_latency"]?.values["p(99)"] ?? Number.NaN,
    generatorLagMsP99: metrics["generator_lag"]?.values["p(99)"] ?? Number.NaN,
    peakRssKiB: result.peakRssKiB,
  };
}

/** Peak RSS of k6 (not of the Node CLI around it) for a golden-path init with `vus` VUs, KiB. */
async function k6PeakRss(k6: K6Engine, options: { vus: number; scratch: string }): Promise<number> {
  const bundle = join(options.scratch, "golden-path-memory.js");
  await bundleK6Script(join(ROOT, "load", "golden-path.ts"), bundle, { flavour: k6.flavour });
  // Every VU initialised (the bundle loaded, its checker module state built), then one short iteration each against nothing.
  const result = await run(k6.path, ["run", "--quiet", "--vus", String(options.vus), "--iterations", String(options.vus), "-e", "JWT_SECRET=x", "-e", "TARGET=ws://127.0.0.1:1/ws", "-e", "SESSION_TIMEOUT_MS=1000", bundle]);
  return result.peakRssKiB;
}

/** Runs the section; resolves with its figures, or with `{ skipped }` when no k6 exists. */
export async function sectionK6(quick: boolean): Promise<Record<string, unknown>> {
  const k6 = benchK6();
  const node = nodeCheckerCost();
  console.log(
    `\n[k6] checker cost per event in Node: ${node.checkerUsPerEvent.toFixed(2)} µs (lazy, quiet session; full checker ${node.fullCheckerUsPerEvent.toFixed(2)} µs; JSON.parse ${node.parseUsPerEvent.toFixed(2)} µs beside it; goal ≤ 5 µs)`,
  );
  if (k6 === undefined) {
    console.log("[k6] skipped the k6 figures: no k6 (set K6 to a k6 binary, or put k6 on PATH)");
    return { skipped: "no k6 found", node };
  }
  console.log(`[k6] engine: ${k6.versionLine} (${k6.path}), flavour ${k6.flavour.name}`);
  const scratch = mkdtempSync(join(tmpdir(), "bench-k6-"));
  const checkerGauges = await k6BenchGauges(k6, { scratch, name: "checkerCost", env: ["EVENTS=14000"] });
  const inK6 = {
    parseUsPerEvent: checkerGauges["bench_parse_us_per_event"] ?? Number.NaN,
    checkerUsPerEvent: checkerGauges["bench_checker_us_per_event"] ?? Number.NaN,
    fullCheckerUsPerEvent: checkerGauges["bench_full_checker_us_per_event"] ?? Number.NaN,
  };
  console.log(
    `[k6] checker cost per event in k6: ${inK6.checkerUsPerEvent.toFixed(1)} µs (lazy, quiet session; full checker ${inK6.fullCheckerUsPerEvent.toFixed(1)} µs; JSON.parse ${inK6.parseUsPerEvent.toFixed(1)} µs beside it; goal ≤ 60 µs)`,
  );
  const clientGauges = await k6BenchGauges(k6, { scratch, name: "clientCost", env: ["EVENTS=100000"] });
  const client = { usPerEvent: clientGauges["bench_client_us_per_event"] ?? Number.NaN, usPerFrameWithDuplicates: clientGauges["bench_client_us_per_frame_with_duplicates"] ?? Number.NaN };
  console.log(`[k6] event client (protocol/client) per event in k6: ${client.usPerEvent.toFixed(1)} µs (${client.usPerFrameWithDuplicates.toFixed(1)} µs per frame when every event arrives twice)`);

  const bundleKiB: Record<string, number> = {};
  for (const flavour of K6_FLAVOURS) {
    const outfile = join(scratch, flavour.name, "golden-path.js");
    await bundleK6Script(join(ROOT, "load", "golden-path.ts"), outfile, { flavour });
    bundleKiB[flavour.name] = statSync(outfile).size / 1024;
  }
  console.log(`[k6] golden-path bundle: ${Object.entries(bundleKiB).map(([name, kib]) => `${name} ${kib.toFixed(1)} KiB`).join(", ")} (goal ≤ 250 KiB)`);

  const rssOne = await k6PeakRss(k6, { vus: 1, scratch });
  const rssMany = await k6PeakRss(k6, { vus: 21, scratch });
  const memoryPerVuMiB = (rssMany - rssOne) / 20 / 1024;
  console.log(`[k6] k6 memory per VU (golden-path, peak RSS 21 VUs − 1 VU, / 20): ${memoryPerVuMiB.toFixed(2)} MiB (goal ≤ 4 MB)`);

  const duration = quick ? "10s" : "30s";
  const goldenPath = await loadRun(k6, { script: "golden-path", vus: 10, duration, scratch, name: "golden-path" });
  console.log(
    `[k6] golden-path 10 VUs ${duration}: ${goldenPath.verdict} (exit ${goldenPath.exitCode}), ${goldenPath.eventsPerSecond.toFixed(0)} events/s, event_latency p95 ${goldenPath.latencyMsP95} ms p99 ${goldenPath.latencyMsP99} ms, generator_lag p99 ${goldenPath.generatorLagMsP99} ms (goals: PASS, ≥ 500/s, p95 < 50, p99 < 100)`,
  );

  const throughputDuration = quick ? "10s" : "20s";
  const relaxed = ["LATENCY_P95_MS=100000", "LATENCY_P99_MS=100000", "START_LATENCY_P95_MS=100000", "GENERATOR_LAG_P99_MS=100000"];
  const checkOff = await loadRun(k6, { script: "throughput", vus: 50, duration: throughputDuration, env: ["CHECK=off", ...relaxed], scratch, name: "throughput-check-off" });
  const checkOn = await loadRun(k6, { script: "throughput", vus: 50, duration: throughputDuration, env: relaxed, scratch, name: "throughput-check-on" });
  const recordOff = await loadRun(k6, { script: "throughput", vus: 50, duration: throughputDuration, env: ["RECORD_LINES=0", ...relaxed], scratch, name: "throughput-record-off" });
  const ratio = checkOn.eventsPerSecond / checkOff.eventsPerSecond;
  const recordingRatio = checkOn.eventsPerSecond / recordOff.eventsPerSecond;
  console.log(
    `[k6] throughput 50 VUs ${throughputDuration}: checker on ${checkOn.eventsPerSecond.toFixed(0)} events/s vs CHECK=off ${checkOff.eventsPerSecond.toFixed(0)} events/s: ${ratio.toFixed(2)}× (goal ≥ 0.8×)`,
  );
  console.log(
    `[k6] throughput 50 VUs ${throughputDuration}: recording on (default) ${checkOn.eventsPerSecond.toFixed(0)} events/s vs RECORD_LINES=0 ${recordOff.eventsPerSecond.toFixed(0)} events/s: ${recordingRatio.toFixed(2)}× (goal ≥ 0.9×)`,
  );
  return { engine: k6.versionLine, flavour: k6.flavour.name, node, k6: inK6, client, bundleKiB, memoryPerVuMiB, goldenPath, throughput: { checkOn, checkOff, recordOff, ratio, recordingRatio } };
}
