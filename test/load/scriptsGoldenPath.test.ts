/**
 * `npm run load -- golden-path` end to end with the Node runner: it starts our server
 * itself, mints tokens in the script (k6/crypto HMAC) that our server accepts, runs
 * 10 VUs for a few seconds, exits 0 and writes results/…/golden-path-summary.json in
 * k6's summary shape, with the text summary on stdout. Plus the CLI's usage errors.
 *
 * The events/s and latency gates are relaxed here because vitest runs test files in
 * parallel on a small machine; the strict gate is the `.ci/run` load step, which runs
 * alone (see docs/load.md).
 */
import { mkdtempSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { loadSummarySchema } from "../../protocol/resultSchemas.ts";
import { main, type LoadIo } from "../../load/cli.ts";
import { EXIT_CODES } from "../../load/runner/exitCodes.ts";
import { jwtSecretKey } from "../../server/auth/jwtSecretKey.ts";
import { signAccessToken } from "../../server/auth/signAccessToken.ts";
import { createServer } from "../../server/createServer.ts";

const repositoryRoot = fileURLToPath(new URL("../../", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "k6-golden-path-"));
const tokenSecret = "tokens-test-secret-0123456789abcdef012";

function capture(env: Record<string, string | undefined> = { ...process.env, CI: "true" }): { io: LoadIo; stdout: () => string; stderr: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (text) => void out.push(text), stderr: (text) => void err.push(text), env, cwd: repositoryRoot },
    stdout: () => out.join(""),
    stderr: () => err.join(""),
  };
}

interface SummaryFile {
  metrics: Record<string, { type: string; values: Record<string, number>; thresholds?: Record<string, { ok: boolean }> }>;
  root_group: unknown;
  state: { testRunDurationMs: number };
}

describe("npm run load -- golden-path (Node runner, our embedded server)", () => {
  test("10 VUs for 3 s: exit 0, every threshold held, the summary file in k6's shape", async () => {
    const outDirectory = join(scratch, "embedded");
    const run = capture();
    const relaxedPerformance = ["EVENTS_PER_SECOND_MIN=50", "LATENCY_P95_MS=1000", "LATENCY_P99_MS=2000", "START_LATENCY_P95_MS=1000", "GENERATOR_LAG_P99_MS=5000"];
    const exitCode = await main(["golden-path", "--engine", "node", "--vus", "10", "--duration", "3s", "--metrics-every-seconds", "1", "--out", outDirectory, ...relaxedPerformance.flatMap((pair) => ["-e", pair])], run.io);

    expect(exitCode, `${run.stdout()}\n${run.stderr()}`).toBe(EXIT_CODES.ok);
    expect(run.stdout()).toContain("engine: node runner");
    expect(run.stdout()).toContain("load/dist/k6-v1.6/golden-path.js");
    expect(run.stdout()).toMatch(/target: ws:\/\/127\.0\.0\.1:\d+\/ws \(our server/);
    expect(run.stdout()).toContain("agent-event load: golden-path — PASS");
    expect(run.stdout()).not.toMatch(/JWT_SECRET=(?!\*\*\*)/); // the generated secret is not printed
    expect(run.stderr()).not.toContain("running ("); // CI=true: no progress lines

    const summary = JSON.parse(await readFile(join(outDirectory, "golden-path-summary.json"), "utf8")) as SummaryFile;
    expect(summary.state.testRunDurationMs).toBeGreaterThan(3000);
    // The results schema `npm run load` checks and the report reads with (protocol/resultSchemas.ts).
    expect(loadSummarySchema.safeParse(summary).success).toBe(true);
    for (const [name, metric] of Object.entries(summary.metrics)) {
      for (const [source, verdict] of Object.entries(metric.thresholds ?? {})) expect(verdict.ok, `${name} ${source}`).toBe(true);
    }
    expect(summary.metrics["events_received"]?.values["count"]).toBeGreaterThan(500);
    expect(summary.metrics["event_latency"]).toMatchObject({ type: "trend" });
    expect(summary.metrics["event_latency"]?.values["p(99)"]).toBeGreaterThanOrEqual(0);
    expect(summary.metrics["agent_start_latency"]?.values["count"]).toBeGreaterThan(0);
    expect(summary.metrics["runs_completed"]?.values["count"]).toBeGreaterThan(0);
    expect(summary.metrics["checks"]?.values).toMatchObject({ rate: 1 });
    for (const violationClass of ["order", "pairing", "duplicate", "gap", "isolation", "content", "silent_gap"]) {
      expect(summary.metrics[`violations_${violationClass}`]?.values["count"], violationClass).toBe(0);
    }
    expect(summary.metrics["ws_sessions"]?.values["count"]).toBeGreaterThanOrEqual(10); // every VU ran a session
    expect(summary.metrics["generator_lag"]?.values["count"]).toBeGreaterThan(0);
    // The Node runner writes k6's json output beside the summary, gzipped.
    const points = gunzipSync(await readFile(join(outDirectory, "golden-path-metrics.jsonl.gz"))).toString("utf8").trim().split("\n").map((line) => JSON.parse(line) as { type: string; metric: string });
    expect(points.some((point) => point.type === "Metric" && point.metric === "events_received")).toBe(true);
    expect(points.filter((point) => point.type === "Point" && point.metric === "events_received").length).toBeGreaterThan(500);
    // Our server's /metrics, recorded during the run, judged by the alert rules: a healthy run pages nobody.
    const recording = await readFile(join(outDirectory, "metrics.prom"), "utf8");
    expect(recording.match(/^# scrape /gm)?.length ?? 0).toBeGreaterThanOrEqual(2);
    expect(recording).toMatch(/^agent_ws_events_published_total \d+ \d+$/m);
    expect(run.stdout()).toMatch(/would have alerted: nothing|alerts not judged: promtool not installed/);
    // The verdict joins the summary as data (the HTML report draws it from there).
    const judged = JSON.parse(await readFile(join(outDirectory, "golden-path-summary.json"), "utf8")) as { alerts?: { judged: boolean; fired?: unknown[]; reason?: string } };
    expect(judged.alerts).toEqual(judged.alerts?.judged === true ? expect.objectContaining({ fired: [] }) : expect.objectContaining({ judged: false, reason: expect.stringContaining("promtool not installed") }));
  });

  test("TOKENS: one ready token per VU (indexed by exec.vu.idInTest); too few tokens abort the test naming the variable", async () => {
    const server = createServer({ jwtSecret: tokenSecret });
    const { webSocketUrl } = await server.listen({ host: "127.0.0.1", port: 0 });
    try {
      const secretKey = jwtSecretKey(tokenSecret);
      const tokens = await Promise.all(["alice", "bob"].map((user) => signAccessToken(user, { secretKey, nowMs: Date.now(), ttlSeconds: 600 })));
      const quick = ["SCENARIOS=quick", "RUNS_PER_SESSION=6", "EVENTS_PER_SECOND_MIN=1", "LATENCY_P95_MS=5000", "LATENCY_P99_MS=10000", "START_LATENCY_P95_MS=5000", "GENERATOR_LAG_P99_MS=5000"];
      const argv = (vus: number, name: string) => ["golden-path", "--engine", "node", "--target", webSocketUrl, "--vus", String(vus), "--iterations", String(vus), "--out", join(scratch, name), "-e", `TOKENS=${tokens.join(",")}`, ...quick.flatMap((pair) => ["-e", pair])];

      const enough = capture();
      expect(await main(argv(2, "tokens-enough"), enough.io), enough.stderr()).toBe(EXIT_CODES.ok);

      const tooFew = capture();
      expect(await main(argv(3, "tokens-too-few"), tooFew.io)).toBe(EXIT_CODES.scriptAborted);
      expect(tooFew.stderr()).toContain("TOKENS holds 2 token(s) but this is VU 3 (exec.vu.idInTest): give one token per VU");
    } finally {
      await server.close();
    }
  });

  test.each([
    [["nope"], 'unknown script "nope": the k6 scripts in load/ are golden-path, reconnect-storm, soak, throughput'],
    [[], "missing the script to run"],
    [["golden-path", "--duration", "soon"], '--duration expects a duration such as 30s, 5m or 1h30m, got "soon"'],
    [["golden-path", "--vus", "0"], '--vus expects a positive whole number, got "0"'],
    [["golden-path", "--linger"], "Unknown option '--linger'"],
    [["golden-path", "--target", "http://x"], "--target must be a ws:// or wss:// URL"],
    [["golden-path", "--target", "ws://127.0.0.1:9/ws"], "--target needs credentials"],
    [["golden-path", "-e", "NOEQUALS"], '--env expects KEY=VALUE, got "NOEQUALS"'],
  ])("usage error %j exits 2 and says why", async (argv, message) => {
    const run = capture({ PATH: process.env["PATH"], CI: "true" });
    const exitCode = await main(argv, run.io);

    expect(exitCode).toBe(2);
    expect(run.stderr()).toContain(message);
    // One line: the problem, and where the usage is.
    expect(run.stderr().trim().split("\n")).toHaveLength(1);
    expect(run.stderr()).toContain("npm run load -- --help");
  });
});
