/**
 * `npm run bench -- --section churn`: churn across instances, side by side in one run.
 * The same churn (every socket dropped ~every 0.5 s and resumed, each user running agent
 * runs one after another, judged by the shared checker: bench/churn/runInstanceChurn.ts)
 * against (1) one `serve` process with in-process streams, and (2) three `serve`
 * processes on one real redis-server, each resume on a seeded random live instance, one
 * instance SIGKILLed mid-run and a new one started in its place a second later.
 * Goals (issue 15): 100 % delivery, 0 duplicates, 0 reorders, every orphaned run ended
 * within its lease (a survivor's sweep: within 1.5 × the lease).
 */
import { redisServerMissing, startRedisServer } from "../server/adapters/startRedisServer.ts";
import { runInstanceChurn, type ChurnResult } from "./churn/runInstanceChurn.ts";
import { startServeProcess, type ServeProcess } from "./churn/startServeProcess.ts";

const SECRET = "bench-churn-secret-bench-churn-secret";
const LEASE_MS = 1_000;

/** One row of the section's output. */
interface ChurnRow extends ChurnResult {
  name: string;
}

/** Runs both rows; `quick` uses 50 users and 3 runs each instead of 200 and 6. */
export async function sectionChurn(quick: boolean): Promise<Record<string, unknown>> {
  const users = quick ? 50 : 200;
  const runsPerUser = quick ? 3 : 6;
  const common = { users, runsPerUser, dropEveryMs: 500, dropPauseMs: 20, seed: 15, timeoutMs: 180_000, secret: SECRET };
  const env = { JWT_SECRET: SECRET };
  // Limits a churning fleet needs: every user reconnects ~twice a second.
  const serveArgs = ["--heartbeat-ms", "5000"];
  const rows: ChurnRow[] = [];

  const single = await startServeProcess(serveArgs, env);
  try {
    rows.push({ name: "1 instance, streams in-process", ...(await runInstanceChurn({ ...common, liveTargets: () => [single.webSocketUrl], outputs: () => single.output() })) });
  } finally {
    await single.stop();
  }

  const missing = redisServerMissing();
  if (missing !== null) console.log(`churn: the Redis row is skipped: ${missing}`);
  else {
    const redis = await startRedisServer();
    const redisArgs = [...serveArgs, "--redis", redis.url, "--run-lease-ms", String(LEASE_MS)];
    const instances: ServeProcess[] = await Promise.all([0, 1, 2].map(() => startServeProcess(redisArgs, env)));
    const live = new Set(instances);
    const everyone = [...instances];
    try {
      const result = await runInstanceChurn({
        ...common,
        liveTargets: () => [...live].map((instance) => instance.webSocketUrl),
        outputs: () => everyone.map((instance) => instance.output()).join(""),
        incident: {
          afterMs: quick ? 2_000 : 4_000,
          act: async () => {
            const victim = instances[1] as ServeProcess;
            live.delete(victim);
            const killedAtMs = Date.now();
            const killedInstanceId = victim.instanceId();
            await victim.kill();
            await new Promise((resolve) => setTimeout(resolve, 1_000));
            const replacement = await startServeProcess(redisArgs, env);
            everyone.push(replacement);
            live.add(replacement);
            return { killedAtMs, killedInstanceId };
          },
        },
      });
      rows.push({ name: "3 instances on Redis, one SIGKILLed and replaced", ...result });
    } finally {
      await Promise.all(everyone.map((instance) => instance.stop()));
      await redis.stop();
    }
  }

  console.log(`churn (${users} users × ${runsPerUser} runs, every socket dropped 500 ms after it opened and resumed; checker: the shared one over the whole trace):`);
  for (const row of rows) {
    const classes = row.violationsByClass;
    console.log(
      `  ${row.name.padEnd(49)} ${row.ok ? "PASS" : "FAIL"}  delivery ${row.delivery.percent}% (${row.delivery.delivered}/${row.delivery.expected})  duplicates ${classes.duplicate ?? 0}  reorders ${classes.order ?? 0}  gaps ${(classes.gap ?? 0) + (classes.silent_gap ?? 0)}  resyncs ${row.resyncs}`,
    );
    console.log(
      `  ${"".padEnd(49)}       ${row.connections} connections (${row.crossInstanceResumes} resumes on another instance), ${row.eventsChecked} events checked, runs ${row.runs.completed}/${row.runs.requested} (${row.runs.unasked} nobody asked for), ${(row.wallMs / 1000).toFixed(1)} s` +
        (row.orphans === null ? "" : `; orphaned runs ended by a survivor: ${row.orphans.ended}, latest ${row.orphans.latestEndAfterKillMs} ms after the kill (lease ${LEASE_MS} ms, promise ≤ ${1.5 * LEASE_MS} ms)`),
    );
    if (row.firstProblem !== null) console.log(`  ${"".padEnd(49)}       first problem: ${row.firstProblem}`);
  }
  const redisRow = rows[1];
  const met =
    redisRow !== undefined &&
    redisRow.ok &&
    redisRow.delivery.percent === 100 &&
    (redisRow.violationsByClass.duplicate ?? 0) === 0 &&
    (redisRow.violationsByClass.order ?? 0) === 0 &&
    redisRow.orphans !== null &&
    redisRow.orphans.ended > 0 &&
    (redisRow.orphans.latestEndAfterKillMs ?? Number.POSITIVE_INFINITY) <= 1.5 * LEASE_MS;
  console.log(`  goal (3 instances, one killed): 100% delivery, 0 duplicates, 0 reorders, orphaned runs ended within 1.5 × lease: ${redisRow === undefined ? "not judged (no redis-server)" : met ? "✓" : "✗"}`);
  return { users, runsPerUser, dropEveryMs: common.dropEveryMs, leaseMs: LEASE_MS, rows, met };
}
