/**
 * Churn across instances, judged by the shared checker: `users` clients (the project's
 * event client, through record/recordUserSession.ts) each run `runsPerUser` agent runs
 * while their socket is dropped every `dropEveryMs` and resumed on an instance picked by
 * a seeded PRNG from those alive at that moment; an optional incident (an instance
 * SIGKILLed and restarted) happens mid-run. The whole trace goes through `checkTrace`,
 * so duplicates, reorders and gaps are the checker's findings, not a count of ours.
 *
 * Delivery is measured against each user's stream head, read after the run by a fresh
 * connection's `connected` frame (any server answers it): delivered = distinct seqs the
 * client received in the head's epoch, expected = the head's `last_seq`.
 */
import { WebSocket } from "ws";
import { violationCountsByClass } from "../../protocol/checker/violationCountsByClass.ts";
import { recordLive } from "../../record/recordLive.ts";
import { createRealClock } from "../../server/adapters/realClock.ts";
import { createRealScheduler } from "../../server/adapters/realScheduler.ts";
import { jwtSecretKey } from "../../server/auth/jwtSecretKey.ts";
import { signAccessToken } from "../../server/auth/signAccessToken.ts";
import { createRandom } from "../../sim/core/createRandom.ts";

/** What happened at the incident, for judging the orphaned runs. */
export interface ChurnIncident {
  /** Wall clock of the kill, ms since the Unix epoch. */
  killedAtMs: number;
  /** The killed instance's id (its run ids end with it), or null without Redis. */
  killedInstanceId: string | null;
}

/** One churn run. */
export interface ChurnPlan {
  users: number;
  runsPerUser: number;
  /** Each socket is dropped this long after it opened, ms. */
  dropEveryMs: number;
  /** Pause between a drop and the resume, ms. */
  dropPauseMs: number;
  /** Seeds the instance picks. */
  seed: number;
  /** Every session is stopped after this long, ms. */
  timeoutMs: number;
  /** The servers' JWT secret. */
  secret: string;
  /** The instances accepting connections now (an incident changes it). */
  liveTargets: () => readonly string[];
  /** Everything the instances printed (orphaned-run lines). */
  outputs: () => string;
  /** Happens `afterMs` after the start, while runs are in flight. */
  incident?: { afterMs: number; act: () => Promise<ChurnIncident> };
}

/** What a churn run measured. */
export interface ChurnResult {
  ok: boolean;
  connections: number;
  /** Resumes that went to another instance than the connection before. */
  crossInstanceResumes: number;
  eventsChecked: number;
  delivery: { delivered: number; expected: number; percent: number };
  /** The checker's findings by class (duplicate, order, gap, silent_gap, pairing, …). */
  violationsByClass: Record<string, number>;
  safety: number;
  liveness: number;
  resyncs: number;
  /**
   * Runs asked for and completed; `unasked` counts runs no start_agent asked for (completions
   * beyond the starts sent: a start re-sent on resume that started a second run).
   */
  runs: { requested: number; completed: number; unasked: number; sessionsStoppedEarly: number };
  /** Runs of the killed instance a survivor ended, and the latest end after the kill, ms. */
  orphans: { ended: number; latestEndAfterKillMs: number | null } | null;
  wallMs: number;
  /** First safety or liveness message, for a failing run. */
  firstProblem: string | null;
}

/** Runs one churn and judges it. */
export async function runInstanceChurn(plan: ChurnPlan): Promise<ChurnResult> {
  const clock = createRealClock();
  const scheduler = createRealScheduler();
  const startedAtMs = clock.nowMs();
  const picks = createRandom(plan.seed).fork("instance");
  const secretKey = jwtSecretKey(plan.secret);
  const users = await Promise.all(
    Array.from({ length: plan.users }, async (_, index) => {
      const userId = `churn-${index + 1}`;
      return { userId, token: await signAccessToken(userId, { secretKey, nowMs: startedAtMs, ttlSeconds: 3_600 }) };
    }),
  );
  const lastTarget = new Map<string, string>();
  let crossInstanceResumes = 0;
  const targetOf = (userId: string): string => {
    const target = picks.pick([...plan.liveTargets()]);
    const before = lastTarget.get(userId);
    if (before !== undefined && before !== target) crossInstanceResumes += 1;
    lastTarget.set(userId, target);
    return target;
  };
  let incident: Promise<ChurnIncident> | undefined;
  const incidentTimer = plan.incident === undefined ? undefined : setTimeout(() => (incident = plan.incident?.act()), plan.incident.afterMs);
  const recording = await recordLive(
    {
      users,
      session: {
        target: plan.liveTargets()[0] as string,
        runs: plan.runsPerUser,
        scenario: undefined,
        dropEveryMs: plan.dropEveryMs,
        dropPauseMs: plan.dropPauseMs,
        // A killed instance closes its sockets unasked; each is resumed elsewhere.
        unplannedReconnectsMax: 1_000,
        ackEveryEvents: 10,
        requestIdPrefix: `churn-${startedAtMs.toString(36)}`,
      },
      timeoutMs: plan.timeoutMs,
      traceLinesMax: 5_000_000,
    },
    { clock, scheduler, targetOf: (userId) => targetOf(userId) },
  );
  clearTimeout(incidentTimer);
  const happened = incident === undefined ? undefined : await incident;
  const wallMs = clock.nowMs() - startedAtMs;
  // recordLive judged the trace with checkTrace, as `npm run sim -- --replay` would.
  const verdict = recording.verdict;

  // What each user's device received, by epoch; resyncs; each run's completion time.
  const seqsByUserEpoch = new Map<string, Set<number>>();
  const userOfConnection = new Map<string, string>();
  const completedTsByRun = new Map<string, number>();
  let connections = 0;
  let resyncs = 0;
  for (const text of recording.lines) {
    const line = JSON.parse(text) as { kind: string; conn: string; user?: string; frame?: { type?: string; seq?: number; epoch?: string; run_id?: string; ts?: number } };
    if (line.kind === "open") {
      connections += 1;
      userOfConnection.set(line.conn, line.user as string);
    }
    if (line.kind !== "recv" || line.frame === undefined) continue;
    const frame = line.frame;
    if (frame.type === "resync_required") resyncs += 1;
    if (typeof frame.seq !== "number" || typeof frame.epoch !== "string") continue;
    const key = `${userOfConnection.get(line.conn)} ${frame.epoch}`;
    let seqs = seqsByUserEpoch.get(key);
    if (seqs === undefined) seqsByUserEpoch.set(key, (seqs = new Set()));
    seqs.add(frame.seq);
    if (frame.type === "agent_completed" && typeof frame.run_id === "string" && typeof frame.ts === "number" && !completedTsByRun.has(frame.run_id)) {
      completedTsByRun.set(frame.run_id, frame.ts);
    }
  }
  let delivered = 0;
  let expected = 0;
  for (const user of users) {
    const head = await readHead(plan.liveTargets()[0] as string, user.token);
    expected += head.lastSeq;
    delivered += [...(seqsByUserEpoch.get(`${user.userId} ${head.epoch}`) ?? [])].filter((seq) => seq <= head.lastSeq).length;
  }

  const orphans = happened === undefined ? null : judgeOrphans(plan.outputs(), happened, completedTsByRun);
  const byClass = violationCountsByClass([...verdict.safety, ...verdict.liveness]);
  const sessionsStoppedEarly = recording.sessions.filter((session) => session.stoppedEarly !== null).length;
  const completed = recording.sessions.reduce((sum, session) => sum + session.runsCompleted, 0);
  const unasked = recording.sessions.reduce((sum, session) => sum + Math.max(0, session.runsCompleted - session.runsStarted), 0);
  return {
    ok: verdict.ok && verdict.traceProblems.length === 0 && sessionsStoppedEarly === 0 && unasked === 0 && delivered === expected,
    connections,
    crossInstanceResumes,
    eventsChecked: verdict.counts.events,
    delivery: { delivered, expected, percent: expected === 0 ? 100 : Math.floor((delivered / expected) * 10_000) / 100 },
    violationsByClass: byClass,
    safety: verdict.safety.length,
    liveness: verdict.liveness.length,
    resyncs,
    runs: { requested: plan.users * plan.runsPerUser, completed, unasked, sessionsStoppedEarly },
    orphans,
    wallMs,
    firstProblem: [...verdict.safety, ...verdict.liveness][0]?.message ?? recording.sessions.find((session) => session.stoppedEarly !== null)?.stoppedEarly ?? null,
  };
}

/** Runs the killed instance's survivors ended (`serve: ended run R of user U: its instance I stopped`) and when the client saw each end. */
function judgeOrphans(outputs: string, incident: ChurnIncident, completedTsByRun: ReadonlyMap<string, number>): ChurnResult["orphans"] {
  let ended = 0;
  let latest: number | null = null;
  for (const [, runId, , owner] of outputs.matchAll(/ended run (\S+) of user (\S+): its instance (\S+) stopped/g)) {
    if (incident.killedInstanceId !== null && owner !== incident.killedInstanceId) continue;
    ended += 1;
    const ts = completedTsByRun.get(runId as string);
    const after = ts === undefined ? Number.POSITIVE_INFINITY : ts - incident.killedAtMs;
    latest = latest === null ? after : Math.max(latest, after);
  }
  return { ended, latestEndAfterKillMs: latest };
}

/** The user's stream head, as a fresh connection's `connected` frame states it. */
function readHead(target: string, token: string): Promise<{ epoch: string; lastSeq: number }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(target, { headers: { Authorization: `Bearer ${token}` } });
    socket.once("message", (data) => {
      const frame = JSON.parse(String(data)) as { type?: string; epoch?: string; last_seq?: number };
      socket.terminate();
      if (frame.type !== "connected") reject(new Error(`expected a connected frame, got ${String(data).slice(0, 200)}`));
      else resolve({ epoch: frame.epoch as string, lastSeq: frame.last_seq as number });
    });
    socket.once("error", reject);
  });
}
