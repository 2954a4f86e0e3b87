/**
 * `npm run serve -- --redis URL` / `REDIS_URL` / `--run-lease-ms`: parsed into the config,
 * bad values are one-line usage errors, and an unreachable Redis is one line and exit 1
 * (no stack trace), from the real command in its own process.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, test } from "vitest";
import { freeLoopbackPort } from "../../server/adapters/startRedisServer.ts";
import { parseServeArgs } from "../../server/cli/parseServeArgs.ts";
import { UsageError } from "../../server/cli/parseCliArgs.ts";

const run = promisify(execFile);
const env = { JWT_SECRET: "a-secret-a-secret-a-secret-a-secret" };

function usageErrorOf(argv: string[], environment: Record<string, string> = env): string {
  try {
    parseServeArgs(argv, environment);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`no usage error for ${argv.join(" ")}`);
}

describe("serve's Redis flags", () => {
  test("--redis wins over REDIS_URL; REDIS_URL alone is used; neither keeps streams in process", () => {
    expect(parseServeArgs(["--redis", "redis://a:1"], { ...env, REDIS_URL: "redis://b:2" })).toMatchObject({ redisUrl: "redis://a:1" });
    expect(parseServeArgs([], { ...env, REDIS_URL: "rediss://b:2/3" })).toMatchObject({ redisUrl: "rediss://b:2/3" });
    expect(parseServeArgs([], env)).toMatchObject({ redisUrl: undefined, runLeaseMs: undefined });
    expect(parseServeArgs(["--redis", "redis://a:1", "--run-lease-ms", "2500"], env)).toMatchObject({ runLeaseMs: 2_500 });
  });

  test("bad values name the flag and the fix", () => {
    expect(usageErrorOf(["--redis", "http://a:1"])).toBe('--redis must start with redis:// or rediss://, got "http://a:1"');
    expect(usageErrorOf([], { ...env, REDIS_URL: "nonsense" })).toBe('REDIS_URL must be a URL like redis://127.0.0.1:6379, got "nonsense"');
    expect(usageErrorOf(["--run-lease-ms", "2000"])).toMatch(/^--run-lease-ms needs --redis/);
    expect(usageErrorOf(["--redis", "redis://a:1", "--run-lease-ms", "5"])).toMatch(/run-lease-ms/);
  });

  test("an unreachable Redis: one line naming it, exit 1, no stack trace", { timeout: 60_000 }, async () => {
    const port = await freeLoopbackPort();
    const outcome = await run("npm", ["run", "--silent", "serve", "--", "--port", "0", "--redis", `redis://127.0.0.1:${port}`], { env: { ...process.env, ...env }, timeout: 50_000 }).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    expect(outcome.code).toBe(1);
    expect(outcome.stderr.trim().split("\n")).toEqual([`serve: cannot reach Redis at redis://127.0.0.1:${port}: Connection is closed. (is redis-server running? check --redis / REDIS_URL)`]);
  });
});
