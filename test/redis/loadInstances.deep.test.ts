/**
 * `npm run load -- … --instances 3 --redis URL`: three of our servers on one real
 * redis-server, loaded by the reconnect-storm script (the Node runner: the CLI's wiring
 * is under test here, not the engine). VUs spread over the instances and every resume
 * goes to the next one, so each drop crosses instances: two VUs start on the first two
 * instances, so the third serves events only through resumes. The checker in every VU
 * must pass, and every instance must have served events.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { main, type LoadIo } from "../../load/cli.ts";
import { startRedisServer, type RedisServerProcess } from "../../server/adapters/startRedisServer.ts";
import { REDIS_MISSING } from "./redisTestKit.ts";

const repositoryRoot = fileURLToPath(new URL("../../", import.meta.url));
/** Speed is the bench's business (and the machine is shared): only correctness gates this run. */
const RELAXED = ["EVENTS_PER_SECOND_MIN=0", "LATENCY_P95_MS=100000", "LATENCY_P99_MS=100000", "START_LATENCY_P95_MS=100000", "GENERATOR_LAG_P99_MS=100000"].flatMap((pair) => ["-e", pair]);

function capture(): { io: LoadIo; stdout: () => string; stderr: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (text) => void out.push(text), stderr: (text) => void err.push(text), env: { PATH: process.env["PATH"], CI: "true" }, cwd: repositoryRoot },
    stdout: () => out.join(""),
    stderr: () => err.join(""),
  };
}

describe.skipIf(REDIS_MISSING !== null)("npm run load --instances 3 on one Redis", () => {
  let redis: RedisServerProcess;
  beforeAll(async () => {
    redis = await startRedisServer();
  }, 30_000);
  afterAll(async () => {
    await redis?.stop();
  });

  test("resumes cross instances and the stream stays whole", async () => {
    const run = capture();
    const out = mkdtempSync(join(tmpdir(), "load-instances-"));
    const code = await main(
      ["reconnect-storm", "--engine", "node", "--instances", "3", "--redis", redis.url, "--vus", "2", "--duration", "5s", "--out", out, "--metrics-every-seconds", "0", ...RELAXED],
      run.io,
    );
    expect(code, run.stdout() + run.stderr()).toBe(0);
    expect(run.stdout()).toMatch(/targets: ws:\/\/127\.0\.0\.1:\d+\/ws, ws:\/\/127\.0\.0\.1:\d+\/ws, ws:\/\/127\.0\.0\.1:\d+\/ws \(3 instances of our server sharing Redis/);
    const perInstance = /frames sent per instance: (\d+), (\d+), (\d+)/.exec(run.stdout());
    expect(perInstance, run.stdout()).not.toBeNull();
    for (const sent of (perInstance as RegExpExecArray).slice(1)) expect(Number(sent)).toBeGreaterThan(0);
    const summary = JSON.parse(readFileSync(join(out, "reconnect-storm-summary.json"), "utf8")) as { metrics: Record<string, { values: Record<string, number> }> };
    // Storm drops happened, each resumed on another instance, and the checker found nothing.
    expect(summary.metrics["resumes"]?.values["count"]).toBeGreaterThan(0);
    for (const name of Object.keys(summary.metrics).filter((metric) => metric.startsWith("violations_"))) expect(summary.metrics[name]?.values["count"], name).toBe(0);
  }, 120_000);
});
