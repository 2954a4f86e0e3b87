/**
 * The serve and token CLIs as a user runs them: spawned processes, real output, real
 * exit codes. `serve --dev` is started, used by a real client, and stopped with SIGTERM.
 * The token CLI's usage errors and flags run its `main` in this process (the same code;
 * a tsx child process costs ~1.3 s of CPU each, issue 13); one real process prints a token.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { jwtSecretKey } from "../../server/auth/jwtSecretKey.ts";
import { verifyAccessToken } from "../../server/auth/verifyAccessToken.ts";
import { loadScenarioScripts } from "../../server/cli/loadScenarioScripts.ts";
import { parseServeArgs } from "../../server/cli/parseServeArgs.ts";
import { main as tokenMain } from "../../server/cli/token.ts";
import { runCliInProcess } from "../cliKit/runCliInProcess.ts";
import { DEFAULT_SCRIPTS } from "../../server/runtime/defaultScripts.ts";
import { connectClient, TEST_SECRET, waitFor } from "./serverTestKit.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
// Node itself with tsx as a loader, not the tsx wrapper process: a signal sent to the child
// then reaches the CLI under test directly, with no relay that can race it under load.
const TSX_LOADER = `${ROOT}node_modules/tsx/dist/loader.mjs`;

interface Spawned {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function run(script: string, args: string[], env: Record<string, string> = {}): Spawned {
  const { JWT_SECRET: _ignored, ...baseEnv } = process.env;
  const child = spawn(process.execPath, ["--import", TSX_LOADER, script, ...args], { cwd: ROOT, env: { ...baseEnv, ...env } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

describe.concurrent("serve CLI", () => {
  test("without JWT_SECRET it exits 2 and says how to set it", async () => {
    const serve = run("server/cli/serve.ts", ["--port", "0"]);
    expect(await serve.exited).toBe(2);
    expect(serve.stderr()).toMatch(/JWT_SECRET is not set/);
    expect(serve.stderr()).toMatch(/--dev/);
  });

  test("an unknown flag exits 2 with the error and the usage", async () => {
    const serve = run("server/cli/serve.ts", ["--bogus"], { JWT_SECRET: TEST_SECRET });
    expect(await serve.exited).toBe(2);
    expect(serve.stderr()).toMatch(/Unknown option '--bogus'/);
    expect(serve.stderr()).toMatch(/Usage: npm run serve/);
  });

  test("--dev prints a secret, a token and a URL that work; --scenario-dir scripts run; SIGTERM closes clients with 1001", async () => {
    const serve = run("server/cli/serve.ts", ["--dev", "--port", "0", "--scenario-dir", "scenarios"]);
    try {
      await waitFor(() => /connect: +websocat '([^']+)'/.test(serve.stdout()), 45_000, "serve --dev to print its URL"); // start-up under tsx on a busy 2-core box, not a speed check
      expect(serve.stdout()).toMatch(/\[dev\] JWT_SECRET=\S{40,}/);
      expect(serve.stdout()).toMatch(/\[dev\] token for user u1 .*: \S+\.\S+\.\S+/);
      const url = /connect: +websocat '([^']+)'/.exec(serve.stdout())?.[1] as string;
      expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws\?token=/);
      const client = await connectClient(url, {});
      expect(client.connected.user_id).toBe("u1");
      const runId = await client.startRun("dev-1", "burst");
      await waitFor(() => client.runCompleted(runId), 3_000, "a scenario-dir script to run");
      serve.child.kill("SIGTERM");
      expect(await serve.exited).toBe(0);
      await client.waitForClose();
      expect(client.closeCode).toBe(1001);
    } finally {
      serve.child.kill("SIGKILL");
    }
  });
});

describe.concurrent("token CLI", () => {
  test("prints a token the server accepts", async () => {
    const token = run("server/cli/token.ts", ["--user", "cli-user", "--ttl", "10m"], { JWT_SECRET: TEST_SECRET });
    expect(await token.exited).toBe(0);
    const printed = token.stdout().trim();
    const verdict = await verifyAccessToken(printed, { secretKey: jwtSecretKey(TEST_SECRET), nowMs: Date.now() });
    expect(verdict).toMatchObject({ ok: true, userId: "cli-user" });
    const expiresInMs = (verdict as { expiresAtMs: number }).expiresAtMs - Date.now();
    expect(expiresInMs).toBeGreaterThan(580_000);
    expect(expiresInMs).toBeLessThanOrEqual(600_000);
  });

  /** The token CLI's `main` in this process, with only the environment given (no JWT_SECRET of this process). */
  const tokenInProcess = (args: string[], env: Record<string, string> = {}) => runCliInProcess(tokenMain, args, { env });

  test("--secret overrides JWT_SECRET", async () => {
    const token = await tokenInProcess(["--user", "u9", "--secret", "flag-secret-0123456789abcdef0123456789"], { JWT_SECRET: TEST_SECRET });
    expect(token.code).toBe(0);
    const verdict = await verifyAccessToken(token.stdout.trim(), { secretKey: jwtSecretKey("flag-secret-0123456789abcdef0123456789"), nowMs: Date.now() });
    expect(verdict).toMatchObject({ ok: true, userId: "u9" });
  });

  test.each([
    [["--user", "u1", "--bogus"], /Unknown option '--bogus'/],
    [["--ttl", "1h"], /--user is required/],
    [["--user", "u1", "--ttl", "5x"], /--ttl: "5x" is not a duration/],
  ])("bad flags %j exit 2 with a clear error", async (args, message) => {
    const token = await tokenInProcess(args, { JWT_SECRET: TEST_SECRET });
    expect(token.code).toBe(2);
    expect(token.stderr).toMatch(message);
    expect(token.stdout).toBe("");
  });

  test("no secret at all exits 2 naming JWT_SECRET and --secret", async () => {
    const token = await tokenInProcess(["--user", "u1"]);
    expect(token.code).toBe(2);
    expect(token.stderr).toMatch(/set JWT_SECRET .* or pass --secret/);
    expect(token.stderr.split("\n").filter((line) => line !== "")).toHaveLength(1);
  });
});

describe("parseServeArgs", () => {
  const env = { JWT_SECRET: TEST_SECRET };

  test("defaults", () => {
    expect(parseServeArgs([], env)).toMatchObject({ help: false, host: "127.0.0.1", port: 8080, path: "/ws", dev: false, limits: {} });
  });

  test("limit flags become manager limits", () => {
    const config = parseServeArgs(["--replay-events-max", "50", "--heartbeat-ms", "2000", "--buffered-bytes-max", "4096", "--allowed-origin", "https://a", "--allowed-origin", "https://b"], env);
    expect(config).toMatchObject({ limits: { replayEventsMax: 50, heartbeatMs: 2_000, bufferedBytesMax: 4_096 }, allowedOrigins: ["https://a", "https://b"] });
  });

  test.each([
    [["--port", "abc"], /--port must be a whole number/],
    [["--port", "70000"], /--port must be a whole number from 0 to 65535/],
    [["--heartbeat-ms", "0"], /--heartbeat-ms must be a whole number from 1/],
    [["--path", "ws"], /--path must start with \//],
    [["--port"], /argument missing/],
    [["extra"], /Unexpected argument 'extra'/],
  ])("%j is a usage error", (args, message) => {
    expect(() => parseServeArgs(args, env)).toThrow(message);
  });

  test("--dev works without JWT_SECRET; without --dev it is required", () => {
    expect(parseServeArgs(["--dev"], {})).toMatchObject({ dev: true, jwtSecret: undefined });
    expect(() => parseServeArgs([], {})).toThrow(/JWT_SECRET is not set/);
  });
});

describe("loadScenarioScripts (serve --scenario-dir)", () => {
  const scriptInput = (name: string, finalResponse = "Done.") => ({
    name,
    agentType: "tester",
    steps: [{ kind: "think", content: "Thinking.", durationMs: 0 }],
    finalResponse,
  });
  const directoryWith = (files: Record<string, unknown>) => {
    const directory = mkdtempSync(join(tmpdir(), "scenario-scripts-"));
    for (const [name, content] of Object.entries(files)) writeFileSync(join(directory, name), typeof content === "string" ? content : JSON.stringify(content));
    return directory;
  };

  test("the repository's scenarios validate and add their scripts to the built-in ones", () => {
    const scripts = loadScenarioScripts(join(ROOT, "scenarios"), DEFAULT_SCRIPTS);
    for (const name of DEFAULT_SCRIPTS.keys()) expect(scripts.has(name)).toBe(true);
  });

  test("scripts from files are added; files without agentScripts are fine", () => {
    const directory = directoryWith({ "a.json": { agentScripts: [scriptInput("extra")] }, "b.json": { name: "no scripts" }, "notes.txt": "ignored" });
    expect([...loadScenarioScripts(directory, DEFAULT_SCRIPTS).keys()]).toEqual([...DEFAULT_SCRIPTS.keys(), "extra"]);
  });

  test("an invalid script names the file and the field", () => {
    const directory = directoryWith({ "bad.json": { agentScripts: [{ ...scriptInput("bad"), steps: [] }] } });
    expect(() => loadScenarioScripts(directory, DEFAULT_SCRIPTS)).toThrow(/bad\.json: agentScripts\.0\.steps: must have at least one step/);
  });

  test("one name with two different definitions is refused", () => {
    const directory = directoryWith({ "a.json": { agentScripts: [scriptInput("twin", "One.")] }, "b.json": { agentScripts: [scriptInput("twin", "Two.")] } });
    expect(() => loadScenarioScripts(directory, DEFAULT_SCRIPTS)).toThrow(/b\.json: agentScripts: script "twin" differs from the one in .*a\.json/);
  });

  test("bad JSON names the file", () => {
    const directory = directoryWith({ "broken.json": "{" });
    expect(() => loadScenarioScripts(directory, DEFAULT_SCRIPTS)).toThrow(/broken\.json: not readable JSON/);
  });
});
