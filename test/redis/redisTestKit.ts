/**
 * A real redis-server for one test file (server/adapters/startRedisServer.ts): a free
 * loopback port, no persistence, stopped afterwards. Tests skip, with the reason
 * printed, only when no redis-server binary exists; `.ci/run` installs Debian's.
 */
import { redisServerMissing, startRedisServer, type RedisServerProcess } from "../../server/adapters/startRedisServer.ts";

/** Why Redis tests cannot run here, or null when a redis-server binary is on PATH. */
export const REDIS_MISSING: string | null = (() => {
  const missing = redisServerMissing();
  if (missing !== null) process.stderr.write(`SKIP Redis tests: ${missing}\n`);
  return missing;
})();

/** A running redis-server. */
export type RedisProcess = RedisServerProcess;

/** Starts redis-server on a free loopback port, persistence off. */
export const startRedis = (): Promise<RedisProcess> => startRedisServer();
