import { randomBytes } from "node:crypto";

/**
 * A server instance's id (`i-` and 12 random hex digits): names the owner of run leases
 * in Redis and makes run ids unique across the instances sharing one Redis.
 */
export function createInstanceId(): string {
  return `i-${randomBytes(6).toString("hex")}`;
}
