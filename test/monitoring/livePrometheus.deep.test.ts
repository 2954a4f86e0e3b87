/**
 * A real `prometheus` (Debian's package), started by this test on a free loopback port,
 * scrapes a real running server every second and evaluates monitoring/alerts.yml every
 * second. A fault is injected: a run starts and then says nothing. The server's clock is
 * shifted 40 s ahead (the clock option createServer offers tests; timers stay real), so the
 * run has been silent 40 s the moment it starts. AgentWsRunSilent must go pending, then
 * firing once its `for:` (30 s) has passed in Prometheus' own time, and go away when the
 * run completes. Bounded: about 40 s; Prometheus is stopped after (SIGTERM, then SIGKILL).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { soakRunEvent } from "../../load/soak/createSoakPublisher.ts";
import { startTestServer, type TestClient, type TestServer } from "../server/serverTestKit.ts";
import { ALERT_RULES_PATH } from "../../load/soak/judgeAlerts.ts";
import { PROMTOOL_SKIP_REASON } from "./promtoolKit.ts";

const PROMETHEUS = "/usr/bin/prometheus";
const SKIP = PROMTOOL_SKIP_REASON !== null || (!existsSync(PROMETHEUS) && process.env["CI"] !== "true");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `read` every 250 ms until it returns something other than undefined, or throws after `timeoutMs`. */
async function until<T>(read: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(250);
  }
}

interface PromAlert {
  labels: Record<string, string>;
  state: "pending" | "firing";
  activeAt: string;
}

describe.skipIf(SKIP)("a real Prometheus scraping a real server", () => {
  const scratch = mkdtempSync(join(tmpdir(), "live-prometheus-"));
  let shiftMs = 0;
  let server: TestServer;
  let client: TestClient;
  let prometheus: ChildProcess;
  let prometheusUrl: string;
  let prometheusLog = "";

  beforeAll(async () => {
    server = await startTestServer({ clock: { nowMs: () => Date.now() + shiftMs } });
    client = await server.connect("live-user");
    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    const config = join(scratch, "prometheus.yml");
    writeFileSync(
      config,
      [
        "global: { scrape_interval: 1s, evaluation_interval: 1s }",
        `rule_files: [${JSON.stringify(ALERT_RULES_PATH)}]`,
        "scrape_configs:",
        "  - job_name: agent-ws",
        `    static_configs: [{ targets: ["127.0.0.1:${server.address.port}"] }]`,
        "",
      ].join("\n"),
    );
    prometheus = spawn(PROMETHEUS, [`--config.file=${config}`, `--storage.tsdb.path=${join(scratch, "data")}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: ["ignore", "pipe", "pipe"] });
    prometheus.stdout?.on("data", (chunk: Buffer) => (prometheusLog += chunk.toString()));
    prometheus.stderr?.on("data", (chunk: Buffer) => (prometheusLog = (prometheusLog + chunk.toString()).slice(-20_000)));
    await until(async () => ((await fetch(`${prometheusUrl}/-/ready`)).ok ? true : undefined), 20_000, "Prometheus to be ready");
    // The target is up and scraped before the fault.
    await until(async () => {
      const body = (await (await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent('up{job="agent-ws"}')}`)).json()) as { data: { result: Array<{ value: [number, string] }> } };
      return body.data.result[0]?.value[1] === "1" ? true : undefined;
    }, 20_000, "the server's first scrape");
  }, 60_000);

  afterAll(async () => {
    if (prometheus !== undefined && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus.once("exit", resolve));
      prometheus.kill("SIGTERM");
      await Promise.race([exited, sleep(5_000).then(() => prometheus.kill("SIGKILL"))]);
    }
    await client?.close();
    await server?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  async function runSilentAlert(): Promise<PromAlert | null> {
    const body = (await (await fetch(`${prometheusUrl}/api/v1/alerts`)).json()) as { data: { alerts: PromAlert[] } };
    return body.data.alerts.find((alert) => alert.labels["alertname"] === "AgentWsRunSilent") ?? null;
  }

  test("AgentWsRunSilent: inactive while healthy, pending on a silent run, firing after its for:, gone when the run completes", async () => {
    expect(await runSilentAlert()).toBeNull();
    const started = Date.now();
    server.server.manager.publish("live-user", soakRunEvent("live-user", 1, 0, Date.now()));
    shiftMs = 40_000;
    const pending = await until(async () => ((await runSilentAlert())?.state === "pending" ? true : undefined), 10_000, "the alert to go pending");
    expect(pending).toBe(true);
    const pendingSeenMs = Date.now() - started;
    const firing = await until(async () => {
      const alert = await runSilentAlert();
      return alert?.state === "firing" ? alert : undefined;
    }, 45_000, `the alert to fire (Prometheus log tail: ${prometheusLog.slice(-500)})`);
    const firingSeenMs = Date.now() - started;
    expect(firing.labels).toMatchObject({ alertname: "AgentWsRunSilent", severity: "critical", job: "agent-ws" });
    // It waited out its for: (30 s) after going pending, give or take a scrape and an evaluation.
    expect(firingSeenMs - pendingSeenMs).toBeGreaterThan(27_000);
    server.server.manager.publish("live-user", soakRunEvent("live-user", 1, 7, Date.now()));
    await until(async () => ((await runSilentAlert()) === null ? true : undefined), 10_000, "the alert to resolve");
  }, 90_000);
});
