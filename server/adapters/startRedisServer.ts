/**
 * A throwaway redis-server child process on a free loopback port, persistence off
 * (`--save '' --appendonly no`), for tests and benchmarks that need a real Redis.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer as createNetServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";

/** A running redis-server. */
export interface RedisServerProcess {
  readonly port: number;
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** Stops it (SIGKILL when `abrupt`) and waits for the exit. */
  stop(options?: { abrupt?: boolean }): Promise<void>;
  /** Starts it again on the same port, empty (no persistence: the history is lost). */
  restart(): Promise<void>;
}

/** Why no redis-server can be started here (none on PATH), or null when one can. */
export function redisServerMissing(): string | null {
  const probe = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  if (probe.error === undefined && probe.status === 0) return null;
  return "redis-server not found on PATH: install it (apt-get install redis-server; .ci/run does)";
}

/** A free TCP port on 127.0.0.1 (the OS picks it; a tiny race with other processes remains). */
export async function freeLoopbackPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no loopback port");
  return address.port;
}

/** Starts redis-server and resolves once it answers PING (at most `readyTimeoutMs`, default 10 000). */
export async function startRedisServer(options: { readyTimeoutMs?: number } = {}): Promise<RedisServerProcess> {
  const port = await freeLoopbackPort();
  const url = `redis://127.0.0.1:${port}`;
  const readyTimeoutMs = options.readyTimeoutMs ?? 10_000;
  let child: ChildProcess;

  async function launch(): Promise<void> {
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    const deadline = Date.now() + readyTimeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`redis-server on port ${port} exited with ${child.exitCode}`);
      const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on("error", () => {});
      try {
        await probe.connect();
        if ((await probe.ping()) === "PONG") return;
      } catch {
        // Not listening yet.
      } finally {
        probe.disconnect();
      }
      await sleep(50);
    }
    throw new Error(`redis-server on port ${port} did not answer PING within ${readyTimeoutMs} ms`);
  }

  async function stop(stopOptions: { abrupt?: boolean } = {}): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill(stopOptions.abrupt === true ? "SIGKILL" : "SIGTERM");
    await exited;
  }

  await launch();
  return { port, url, stop, restart: launch };
}
