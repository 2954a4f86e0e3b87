/**
 * Redis tests start their own redis-server with server/adapters/startRedisServer.ts (a free
 * loopback port, no persistence) and stop it afterwards. They skip, with the reason
 * printed, only when no redis-server binary exists; `.ci/run` installs Debian's.
 */
import { redisServerMissing } from "../../server/adapters/startRedisServer.ts";

/** Why Redis tests cannot run here, or null when a redis-server binary is on PATH. */
export const REDIS_MISSING: string | null = (() => {
  const missing = redisServerMissing();
  if (missing !== null) process.stderr.write(`SKIP Redis tests: ${missing}\n`);
  return missing;
})();
