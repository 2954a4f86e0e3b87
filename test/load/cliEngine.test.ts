/**
 * `npm run load` picks and refuses engines and targets with one clear line and exit 2:
 * a `K6` that is not executable or not k6, a k6 older than every bundle flavour, a
 * `--flavour` that does not fit the k6, a target that refuses the connection or the
 * token. The fake k6 binaries here are tiny shell scripts that print a version line:
 * the boundary is `k6 version`'s output, which is all the CLI reads from them.
 */
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { findK6, LOAD_CLI_EXIT_CODES, main, type LoadIo } from "../../load/cli.ts";
import { flavourForVersion, parseK6Version } from "../../load/k6Flavours.ts";
import { createServer, type AgentEventServer } from "../../server/createServer.ts";

const repositoryRoot = fileURLToPath(new URL("../../", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "load-cli-engine-"));

function fakeK6(name: string, versionLine: string): string {
  const path = join(scratch, name);
  writeFileSync(path, `#!/bin/sh\necho '${versionLine}'\n`);
  chmodSync(path, 0o755);
  return path;
}

function capture(env: Record<string, string | undefined>): { io: LoadIo; stdout: () => string; stderr: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (text) => void out.push(text), stderr: (text) => void err.push(text), env: { PATH: process.env["PATH"], CI: "true", ...env }, cwd: repositoryRoot },
    stdout: () => out.join(""),
    stderr: () => err.join(""),
  };
}

describe("k6 versions and flavours", () => {
  test("reads k6's version line, old and new", () => {
    expect(parseK6Version("k6 v0.48.0 (go1.19.8, linux/amd64)")).toEqual([0, 48, 0]);
    expect(parseK6Version("k6 v1.6.1 (commit/abc, go1.24.1, linux/amd64)")).toEqual([1, 6, 1]);
    expect(parseK6Version("hello")).toBeUndefined();
  });

  test("each version gets the flavour of its range; older than v0.48 gets none", () => {
    expect(flavourForVersion([0, 47, 0])).toBeUndefined();
    expect(flavourForVersion([0, 48, 0])?.name).toBe("k6-v0.48");
    expect(flavourForVersion([0, 49, 9])?.name).toBe("k6-v0.48");
    expect(flavourForVersion([0, 50, 0])?.name).toBe("k6-v0.50");
    expect(flavourForVersion([1, 5, 3])?.name).toBe("k6-v0.50");
    expect(flavourForVersion([1, 6, 0])?.name).toBe("k6-v1.6");
    expect(flavourForVersion([2, 0, 0])?.name).toBe("k6-v1.6");
  });

  test("K6 names the binary; its version picks the flavour", () => {
    expect(findK6({ K6: fakeK6("k6-new", "k6 v1.7.0 (commit/x, go1.24, linux/amd64)") })?.flavour.name).toBe("k6-v1.6");
    expect(findK6({ PATH: "/nonexistent" })).toBeUndefined();
  });
});

describe("npm run load refuses what it cannot serve, in one line with exit 2", () => {
  const cases: [string, () => Record<string, string>, string[], string][] = [
    ["a K6 that is not executable", () => ({ K6: join(scratch, "missing-k6") }), [], "is not an executable file"],
    ["a K6 that is not k6", () => ({ K6: fakeK6("not-k6", "hello world") }), [], 'is not k6: `version` printed "hello world"'],
    ["a k6 older than every flavour", () => ({ K6: fakeK6("k6-old", "k6 v0.47.0 (go1.19, linux/amd64)") }), [], "k6 v0.47.0"],
    ["a --flavour that does not fit the k6", () => ({ K6: fakeK6("k6-048", "k6 v0.48.0 (go1.19.8, linux/amd64)") }), ["--flavour", "k6-v1.6"], "--flavour k6-v1.6 is for k6 v1.6.0 or later"],
    ["--engine k6 with no k6 anywhere", () => ({ PATH: "/nonexistent" }), ["--engine", "k6"], "--engine k6 but no k6 found"],
    ["--instances 3 with no Redis", () => ({}), ["--engine", "node", "--instances", "3"], "--instances 3 needs a Redis for the instances to share their streams: --redis redis://host:port (or REDIS_URL)"],
    ["--instances with --target", () => ({}), ["--engine", "node", "--instances", "2", "--redis", "redis://127.0.0.1:1", "--target", "ws://127.0.0.1:1/ws"], "--instances starts our server; with --target you load yours"],
    ["--redis that is not a redis:// URL", () => ({}), ["--engine", "node", "--redis", "http://127.0.0.1:6379"], "--redis must be a redis:// URL"],
    ["--target with a comma list", () => ({}), ["--engine", "node", "--target", "ws://a:1/ws,ws://b:1/ws", "--secret", "x"], "repeat --target for several"],
  ];
  test.each(cases)("%s", async (_name, env, extra, message) => {
    const run = capture(env());
    expect(await main(["golden-path", "--duration", "1s", ...extra], run.io)).toBe(2);
    expect(run.stderr()).toContain(message);
    expect(run.stderr().trim().split("\n")).toHaveLength(1);
  });
  test("the too-old message names the supported range", async () => {
    const run = capture({ K6: fakeK6("k6-old2", "k6 v0.40.0 (go1.19, linux/amd64)") });
    await main(["golden-path"], run.io);
    expect(run.stderr()).toContain("the scripts need k6 v0.48.0 or later");
  });
});

describe("npm run load probes a --target once before the run", () => {
  let server: AgentEventServer;
  let url: string;
  beforeAll(async () => {
    server = createServer({ jwtSecret: "probe-secret-probe-secret-probe-secret" });
    url = (await server.listen({ host: "127.0.0.1", port: 0 })).webSocketUrl;
  });
  afterAll(async () => server.close());

  test("nothing listening: ECONNREFUSED in one line, exit 2, no run", async () => {
    const run = capture({});
    expect(await main(["golden-path", "--engine", "node", "--target", "ws://127.0.0.1:1/ws", "--secret", "x"], run.io)).toBe(2);
    expect(run.stderr()).toContain("cannot connect to ws://127.0.0.1:1/ws (ECONNREFUSED): nothing listens there");
    expect(run.stdout()).not.toContain("run:");
  });

  test("several targets: each is probed, and the one that refuses is named", async () => {
    const run = capture({});
    expect(await main(["golden-path", "--engine", "node", "--target", url, "--target", "ws://127.0.0.1:1/ws", "--secret", "probe-secret-probe-secret-probe-secret"], run.io)).toBe(2);
    expect(run.stderr()).toContain("ws://127.0.0.1:1/ws");
    expect(run.stderr().trim().split("\n")).toHaveLength(1);
  });

  test("a wrong secret: the 401 in one line, exit 2", async () => {
    const run = capture({});
    expect(await main(["golden-path", "--engine", "node", "--target", url, "--secret", "not-the-secret"], run.io)).toBe(2);
    expect(run.stderr()).toContain("refused the WebSocket upgrade with HTTP 401: the server refused the token");
  });

  test("the right secret passes the probe", async () => {
    const run = capture({});
    const code = await main(
      ["golden-path", "--engine", "node", "--target", url, "--secret", "probe-secret-probe-secret-probe-secret", "--iterations", "1", "--vus", "1", "--out", join(scratch, "probe-ok"), "-e", "RUNS_PER_SESSION=2", "-e", "EVENTS_PER_SECOND_MIN=0"],
      run.io,
    );
    expect(run.stdout()).toContain("(answered a probe connection)");
    // The probe passed and the run ran. On a loaded machine the generator may fall behind and
    // the run be INVALID (not judged, exit 3): that says nothing about the probe, unlike a refusal (2).
    expect([0, LOAD_CLI_EXIT_CODES.invalidRun], run.stderr()).toContain(code);
  });
});
