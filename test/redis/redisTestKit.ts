/**
 * A real redis-server for one test file: started on a free loopback port with no
 * persistence, stopped afterwards. Tests skip (with the reason printed) only when no
 * redis-server binary exists; `.ci/run` installs Debian's, so CI always runs them.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer as createNetServer } from "node:net";
import { Redis } from "ioredis";
import { waitFor } from "../server/serverTestKit.ts";

/** Why Redis tests cannot run here, or null when a redis-server binary is on PATH. */
export const REDIS_MISSING: string | null = (() => {
  const probe = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  if (probe.error !== undefined || probe.status !== 0) {
    const reason = "redis-server not found on PATH: install it (apt-get install redis-server; .ci/run does) to run the Redis tests";
    process.stderr.write(`SKIP ${reason}\n`);
    return reason;
  }
  return null;
})();

/** A running redis-server. */
export interface RedisProcess {
  readonly port: number;
  readonly url: string;
  /** Stops it (SIGKILL when `abrupt`) and waits for the exit. */
  stop(options?: { abrupt?: boolean }): Promise<void>;
  /** Starts it again on the same port, empty (no persistence: the history is lost). */
  restart(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (the OS picks it; a tiny race with other processes remains). */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Starts redis-server on a free loopback port, persistence off. */
export async function startRedis(): Promise<RedisProcess> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess;

  async function launch(): Promise<void> {
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on("error", () => {});
    await waitFor(() => child.exitCode === null, 100, "redis-server to start");
    let ready = false;
    for (let attempt = 0; attempt < 100 && !ready; attempt += 1) {
      try {
        await probe.connect();
        ready = (await probe.ping()) === "PONG";
      } catch {
        probe.disconnect();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    probe.disconnect();
    if (!ready) throw new Error(`redis-server on port ${port} did not answer PING`);
  }

  async function stop(options: { abrupt?: boolean } = {}): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill(options.abrupt === true ? "SIGKILL" : "SIGTERM");
    await exited;
  }

  await launch();
  return { port, url, stop, restart: launch };
}
