import { createHmac, createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { listK6Imports } from "../../load/runner/bundleImports.ts";
import { EXIT_CODES } from "../../load/runner/exitCodes.ts";
import { runBundle, type RunBundleOptions } from "../../load/runner/runBundle.ts";
import { bundleFixture, captureIo, scratchDirectory } from "./bundleFixture.ts";
import { startWsTestServer, type WsTestServer } from "./wsTestServer.ts";

let server: WsTestServer;

beforeAll(async () => {
  server = await startWsTestServer();
});

afterAll(async () => {
  await server.close();
});

async function runFixture(name: string, options: RunBundleOptions = {}) {
  const io = captureIo();
  const bundle = await bundleFixture(name);
  const result = await runBundle(bundle, {
    includeSystemEnv: false,
    stdout: io.stdout,
    stderr: io.stderr,
    ...options,
    env: { WS_URL: server.url, ...options.env },
  });
  return { result, io, bundle };
}

interface EchoReport {
  vu: number;
  idInTest: number;
  iter: number;
  iterationInScenario: number;
  moduleCounter: number;
  scenario: string;
  env: string;
}

function echoReports(tag: string): EchoReport[] {
  return server.frames
    .filter((frame) => frame.path === "/echo")
    .map((frame) => JSON.parse(frame.text) as EchoReport)
    .filter((report) => report.env === tag);
}

describe("runBundle", () => {
  test("aggregates custom metrics across VUs while each VU keeps its own module state", async () => {
    const { result, io } = await runFixture("echoPerVu", { env: { FIXTURE_TAG: "isolation" } });

    expect(result.exitCode, io.err()).toBe(EXIT_CODES.ok);
    const metrics = result.summary?.metrics ?? {};
    expect(metrics["echoes_received"]?.values["count"]).toBe(6);
    expect(metrics["iterations"]?.values["count"]).toBe(6);
    expect(metrics["ws_sessions"]?.values["count"]).toBe(6);
    expect(metrics["checks"]?.values).toMatchObject({ rate: 1, passes: 6, fails: 0 });
    expect(metrics["echo_round_trip"]).toMatchObject({ type: "trend", contains: "time" });
    expect(metrics["echo_round_trip{scenario:echo}"]?.thresholds).toEqual({ "p(95)<5000": { ok: true } });

    const fixtureHeaders = server.handshakeHeaders.map((headers) => headers["x-fixture"]).filter((value) => value !== undefined);
    expect(new Set(fixtureHeaders)).toEqual(new Set(["vu-1", "vu-2"]));
    expect(server.handshakeHeaders.at(-1)?.["user-agent"]).toContain("k6");
    const reports = echoReports("isolation");
    expect(new Set(reports.map((report) => report.vu))).toEqual(new Set([1, 2]));
    for (const vu of [1, 2]) {
      const own = reports.filter((report) => report.vu === vu);
      // per-vu-iterations: exactly 3 iterations each; the module counter proves VUs do not share module state.
      expect(own.map((report) => report.moduleCounter)).toEqual([1, 2, 3]);
      expect(own.map((report) => report.iter)).toEqual([0, 1, 2]);
      expect(own.map((report) => report.iterationInScenario)).toEqual([0, 1, 2]);
      expect(own.every((report) => report.idInTest === vu && report.scenario === "echo")).toBe(true);
    }
  });

  test("exits 0 when every threshold passes and 99 when one fails", async () => {
    const passing = await runFixture("thresholdGate", { env: { EXPECTED_HITS: "4" } });
    expect(passing.result.exitCode, passing.io.err()).toBe(EXIT_CODES.ok);
    expect(passing.result.breachedThresholds).toEqual([]);

    const failing = await runFixture("thresholdGate", { env: { EXPECTED_HITS: "5" } });
    expect(failing.result.exitCode).toBe(EXIT_CODES.thresholdsFailed);
    expect(failing.result.breachedThresholds).toEqual(["gate_hits"]);
    expect(failing.result.summary?.metrics["gate_hits"]).toMatchObject({
      type: "counter",
      values: { count: 4 },
      thresholds: { "count==5": { ok: false } },
    });
    expect(failing.result.summary?.metrics["gate_ok"]?.thresholds).toEqual({ "rate>0.99": { ok: true } });
    expect(failing.io.err()).toContain("thresholds on metrics 'gate_hits' have been crossed");
    // No handleSummary: the default text summary goes to stdout.
    expect(failing.io.out()).toContain("✗ 'count==5'");
  });

  test("writes what handleSummary returns, and nothing else, like k6", async () => {
    const summaryPath = join(scratchDirectory, "handle-summary", "summary.json");
    const exportPath = join(scratchDirectory, "handle-summary", "export.json");
    const { result, io } = await runFixture("summaryFile", { env: { SUMMARY_PATH: summaryPath }, summaryExport: exportPath });

    expect(result.exitCode, io.err()).toBe(EXIT_CODES.ok);
    expect(io.out()).toBe("custom summary only\n");
    const written = JSON.parse(await readFile(summaryPath, "utf8")) as Record<string, any>;
    expect(written["setup_data"]).toEqual({ token: "from-setup" });
    expect(written["options"]).toEqual({ summaryTrendStats: ["avg", "min", "med", "max", "p(90)", "p(95)"], summaryTimeUnit: "", noColor: false });
    expect(written["state"]["testRunDurationMs"]).toBeGreaterThan(0);
    expect(written["metrics"]["teardown_runs"]).toMatchObject({ type: "counter", values: { count: 1 }, thresholds: { "count==1": { ok: true } } });
    expect(written["metrics"]["iteration_duration"]["values"]).toHaveProperty("p(95)");
    const login = written["root_group"]["groups"].find((group: { name: string }) => group.name === "login");
    expect(login).toMatchObject({ path: "::login", id: createHash("md5").update("::login").digest("hex") });
    expect(login.checks).toEqual([
      { name: "setup data arrives", path: "::login::setup data arrives", id: createHash("md5").update("::login::setup data arrives").digest("hex"), passes: 2, fails: 0 },
    ]);

    const exported = JSON.parse(await readFile(exportPath, "utf8")) as Record<string, any>;
    expect(exported["metrics"]["checks"]).toMatchObject({ value: 1, passes: 2, fails: 0 });
    expect(exported["metrics"]["teardown_runs"]).toMatchObject({ count: 1, thresholds: { "count==1": false } });
    expect(exported["root_group"]["groups"]["login"]["checks"]["setup data arrives"]["passes"]).toBe(2);
    expect(exported).not.toHaveProperty("options");
  });

  test("constant-vus keeps its VUs looping for the duration", async () => {
    const { result, io } = await runFixture("constantVus");

    expect(result.exitCode, io.err()).toBe(EXIT_CODES.ok);
    const metrics = result.summary?.metrics ?? {};
    const iterations = metrics["iterations"]?.values["count"] ?? 0;
    // 3 VUs x 1 s, each iteration >= 100 ms: at least one round, at most ~10 per VU.
    expect(iterations).toBeGreaterThanOrEqual(6);
    expect(iterations).toBeLessThanOrEqual(36);
    expect(metrics["frames_received"]?.values["count"]).toBe(2 * iterations);
    expect(metrics["vus"]?.values["max"]).toBe(3);
    expect(metrics["vus_max"]?.values["value"]).toBe(3);
    expect(metrics["iteration_duration"]?.values["min"]).toBeGreaterThanOrEqual(95);
    expect(result.summary?.state.testRunDurationMs).toBeGreaterThanOrEqual(1000);
    expect(result.summary?.state.testRunDurationMs).toBeLessThan(3000);
    expect(io.err()).not.toContain("without await");
  });

  test("k6/crypto hmac and k6/encoding match node:crypto and Buffer", async () => {
    const secret = "s3cr3t key";
    const message = "The quick brown fox jumps over the lazy dog ~?";
    const { result, io } = await runFixture("cryptoEncoding", { env: { HMAC_SECRET: secret, HMAC_MESSAGE: message } });

    expect(result.exitCode, io.err()).toBe(EXIT_CODES.ok);
    const values = JSON.parse(io.out()) as Record<string, unknown>;
    const digest = createHmac("sha256", secret).update(message).digest();
    const base64 = Buffer.from(message).toString("base64");
    expect(values).toEqual({
      hex: digest.toString("hex"),
      base64: digest.toString("base64"),
      base64url: digest.toString("base64").replace(/\+/g, "-").replace(/\//g, "_"),
      base64rawurl: digest.toString("base64url"),
      sha512binaryLength: 64,
      sha256: createHash("sha256").update(message).digest("hex"),
      randomBytesLength: 12,
      b64std: base64,
      b64rawstd: base64.replace(/=+$/, ""),
      b64url: base64.replace(/\+/g, "-").replace(/\//g, "_"),
      b64rawurl: Buffer.from(message).toString("base64url"),
      roundTrip: message,
    });
  });

  test("refuses a bundle that imports k6 APIs the runner lacks, naming them", async () => {
    const { result, io, bundle } = await runFixture("unsupportedImports");

    expect(result.exitCode).toBe(EXIT_CODES.scriptException);
    expect(result.error).toContain('module "k6/http" is not implemented');
    expect(result.error).toContain('"k6/crypto" has no export "md4"');
    expect(io.err()).toContain('module "k6/http" is not implemented');
    expect(listK6Imports(await readFile(bundle, "utf8")).map((entry) => [entry.module, entry.names, entry.memberNames])).toEqual([
      ["k6/http", [], ["get"]],
      ["k6/crypto", ["md4"], []],
      ["k6", ["check"], []],
    ]);
  });

  test("close codes, refused handshakes and pings produce k6's events; timers keep the iteration alive", async () => {
    const { result, io } = await runFixture("serverClose");

    expect(result.exitCode, io.err()).toBe(EXIT_CODES.ok);
    const metrics = result.summary?.metrics ?? {};
    expect(metrics["stream_frames"]?.values["count"]).toBe(3);
    expect(metrics["checks"]?.values).toMatchObject({ passes: 5, fails: 0 });
    expect(metrics["ws_ping"]?.values["min"]).toBeGreaterThan(0);
    // The timeout set inside the interval callback ran before the iteration ended.
    expect(metrics["close_delay"]?.values["min"]).toBeGreaterThanOrEqual(140);
    expect(metrics["iteration_duration"]?.values["min"]).toBeGreaterThanOrEqual(140);
  });

  test("exec.test.abort() stops the run with 108 and teardown still runs", async () => {
    const { result, io } = await runFixture("abortTest");

    expect(result.exitCode).toBe(EXIT_CODES.scriptAborted);
    expect(result.error).toBe("test aborted: enough");
    expect(result.summary?.metrics["teardown_runs"]?.values["count"]).toBe(1);
    expect(result.summary?.metrics["iterations"]?.values["count"]).toBe(1);
    expect(io.err()).toContain("test aborted: enough");
  });

  test("flags override the script's scenarios, and execution segments keep idInTest globally unique", async () => {
    const { result, io } = await runFixture("echoPerVu", {
      env: { FIXTURE_TAG: "segment" },
      vus: 4,
      iterations: 4,
      executionSegment: "1/2:1",
      executionSegmentSequence: "0,1/2,1",
    });

    // iterations replaces the script's scenarios: shared-iterations, 4 VUs, 4 iterations; half of each here.
    expect(result.summary?.metrics["iterations"]?.values["count"], io.err()).toBe(2);
    const reports = echoReports("segment");
    expect(reports.map((report) => report.scenario)).toEqual(["default", "default"]);
    expect(new Set(reports.map((report) => report.vu))).toEqual(new Set([1, 2]));
    expect(new Set(reports.map((report) => report.idInTest))).toEqual(new Set([2, 4]));
    // The script's threshold expects 6 echoes; this instance ran 2.
    expect(result.exitCode).toBe(EXIT_CODES.thresholdsFailed);
  });

  test("an exception in the init context exits 107 with the error", async () => {
    const { result } = await runFixture("initThrows", { env: { BREAK_INIT: "yes" } });

    expect(result.exitCode).toBe(EXIT_CODES.scriptException);
    expect(result.error).toContain("init context refused to start");
  });

  test("an abortOnFail threshold stops the run early with 99; an un-awaited sleep still paces the iteration", async () => {
    const { result, io } = await runFixture("abortOnFail");

    expect(result.exitCode).toBe(EXIT_CODES.thresholdsFailed);
    expect(result.error).toContain("at least one has abortOnFail enabled, stopping test prematurely");
    const durationMs = result.summary?.state.testRunDurationMs ?? 0;
    expect(durationMs).toBeGreaterThanOrEqual(1900);
    expect(durationMs).toBeLessThan(4000);
    expect(result.summary?.metrics["iteration_duration"]?.values["min"]).toBeGreaterThanOrEqual(95);
    expect(io.err().match(/was called without await/g)).toHaveLength(1);
    expect(io.err()).toMatch(/INFO\[\d{4}\] round on VU 1 +source=console/);
  });
});
