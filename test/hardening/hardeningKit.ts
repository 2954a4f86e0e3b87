/**
 * Shared helpers of the hardening suites: the shared invariant checker wired to real
 * test clients, a manager on virtual time with scripted sockets (for limits tested at
 * their exact edge), a forced garbage collection for heap bounds, and /metrics reads.
 */
import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";
import { createChecker } from "../../protocol/checker/createChecker.ts";
import type { Checker } from "../../protocol/checker/Checker.ts";
import type { CheckerOptions } from "../../protocol/checker/CheckerOptions.ts";
import { createConnectionManager, type ConnectionHandlers, type ConnectionManager } from "../../server/manager/createConnectionManager.ts";
import type { ResumeRequest } from "../../server/manager/planResume.ts";
import type { ManagerDecision } from "../../server/manager/ManagerDecision.ts";
import { createInProcessBroker } from "../../server/manager/createInProcessBroker.ts";
import { resolveManagerLimits, type ManagerLimits } from "../../server/manager/managerLimits.ts";
import type { IdSource } from "../../server/ports/idSource.ts";
import type { StreamBroker } from "../../server/ports/streamBroker.ts";
import type { SocketPort } from "../../server/ports/socketPort.ts";
import { agentScriptSchema, type AgentScript } from "../../server/runtime/agentScript.ts";
import { DEFAULT_SCRIPTS } from "../../server/runtime/defaultScripts.ts";
import { createVirtualTime, type VirtualTime } from "../../sim/core/createVirtualTime.ts";
import { TEST_SCRIPTS, type TestClient, type TestServer } from "../server/serverTestKit.ts";

/**
 * The built-in golden path (think, two tools, a partial, think, done) with every
 * duration divided by 10 (~140 ms instead of ~1.4 s), so a victim can run it on every
 * fast-check run and the file stays inside its time budget.
 */
export const BRISK_GOLDEN_PATH: AgentScript = (() => {
  const golden = DEFAULT_SCRIPTS.get("golden-path");
  if (golden === undefined) throw new Error("assertion: the built-in golden-path script is missing");
  return agentScriptSchema.parse({
    ...golden,
    name: "golden-path-brisk",
    steps: golden.steps.map((step) => {
      if (step.kind === "think") return { ...step, durationMs: Math.ceil(step.durationMs / 10) };
      if (step.kind === "partial") return { ...step, delayMs: Math.ceil(step.delayMs / 10) };
      return { ...step, durationMs: Math.ceil(step.durationMs / 10) };
    }),
  });
})();

/** The server test scripts plus {@link BRISK_GOLDEN_PATH}. */
export const HARDENING_SCRIPTS: ReadonlyMap<string, AgentScript> = new Map([...TEST_SCRIPTS, [BRISK_GOLDEN_PATH.name, BRISK_GOLDEN_PATH]]);

let gcFunction: (() => void) | undefined;

/**
 * Runs a full garbage collection. Vitest workers do not start with `--expose-gc`; the
 * flag can still be set at run time, and a fresh context then exposes `gc`.
 */
export function collectGarbage(): void {
  if (gcFunction === undefined) {
    const global = globalThis as { gc?: () => void };
    if (typeof global.gc === "function") gcFunction = global.gc;
    else {
      setFlagsFromString("--expose-gc");
      gcFunction = runInNewContext("gc") as () => void;
    }
  }
  gcFunction();
}

/** heapUsed after a full collection, bytes. */
export function heapUsedAfterGc(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** A client fed to a checker: every frame it received so far and every later one, and its close. */
export interface CheckedConnection {
  readonly connectionId: string;
  readonly deviceId: string;
}

/**
 * Feeds one test client into `checker` as connection `connectionId` of device `deviceId`:
 * the frames it already holds (at least `connected`), then each later frame as it arrives,
 * then its close. Call right after `connect` resolves.
 */
export function feedChecker(
  checker: Checker,
  client: TestClient,
  identity: { userId: string; deviceId: string; connectionId: string; resume?: ResumeRequest },
): CheckedConnection {
  const nowMs = Date.now();
  checker.connectionOpened({
    connectionId: identity.connectionId,
    deviceId: identity.deviceId,
    userId: identity.userId,
    atMs: nowMs,
    ...(identity.resume === undefined ? {} : { resume: { epoch: identity.resume.epoch, lastSeq: identity.resume.lastSeq } }),
  });
  for (const frame of client.frames) checker.serverFrame(identity.connectionId, frame, { receivedAtMs: nowMs });
  client.ws.on("message", (data, isBinary) => {
    let frame: unknown = null;
    try {
      frame = JSON.parse(isBinary ? "" : data.toString());
    } catch {
      frame = { unparsable: true };
    }
    checker.serverFrame(identity.connectionId, frame, { receivedAtMs: Date.now() });
  });
  client.ws.on("close", (code) => checker.connectionClosed(identity.connectionId, { atMs: Date.now(), code }));
  return { connectionId: identity.connectionId, deviceId: identity.deviceId };
}

/**
 * A checker for real-socket tests: docs/protocol.md's budgets, except delivery latency, which
 * on a shared 2-core test box under fuzzing is not what these tests judge (timing never
 * fails a verdict anyway).
 */
export function createTestChecker(options: CheckerOptions = {}): Checker {
  return createChecker({ runDurationBudgetMs: 30_000, ...options });
}

/** Safety violations stored so far, as one-line messages (empty when the stream is clean). */
export function safetyMessages(checker: Checker): string[] {
  return checker.violations.filter((violation) => violation.category === "safety").map((violation) => `${violation.invariant}/${violation.kind}: ${violation.message}`);
}

/** The value of one Prometheus sample in `/metrics` text (0 when absent). */
export function metricValue(text: string, sample: string): number {
  for (const line of text.split("\n")) {
    if (line.startsWith(`${sample} `)) return Number(line.slice(sample.length + 1));
  }
  return 0;
}

/** GETs the server's /metrics text. */
export async function scrapeMetrics(server: TestServer): Promise<string> {
  const response = await fetch(`${server.address.httpUrl}/metrics`);
  return response.text();
}

/** A scripted socket for a manager on virtual time: it records what the manager does to it. */
export interface ScriptedSocket extends SocketPort {
  /** Every frame sent, parsed. */
  readonly sent: Array<Record<string, unknown>>;
  /** Raw text of every frame sent. */
  readonly sentTexts: string[];
  /** What `bufferedBytes()` answers (the test sets it). */
  buffered: number;
  pings: number;
  closed: { code: number; reason: string } | null;
}

/** Makes a {@link ScriptedSocket}. */
export function createScriptedSocket(): ScriptedSocket {
  const socket: ScriptedSocket = {
    sent: [],
    sentTexts: [],
    buffered: 0,
    pings: 0,
    closed: null,
    send(text: string) {
      socket.sentTexts.push(text);
      socket.sent.push(JSON.parse(text) as Record<string, unknown>);
    },
    bufferedBytes: () => socket.buffered,
    ping() {
      socket.pings += 1;
    },
    close(code: number, reason: string) {
      socket.closed ??= { code, reason };
    },
  };
  return socket;
}

/** A connection manager on virtual time with counter ids, and every decision it took. */
export interface VirtualManager {
  manager: ConnectionManager;
  time: VirtualTime;
  decisions: ManagerDecision[];
  /** Accepts a scripted socket for `userId`; throws when refused. */
  open(userId: string, options?: { resume?: ResumeRequest; expiresAtMs?: number }): { socket: ScriptedSocket; handlers: ConnectionHandlers };
  /** Publishes one `partial_result` for `userId` carrying `content`. */
  publish(userId: string, content?: string): void;
}

/**
 * Creates a {@link VirtualManager} with `limits`. `wrapBroker` puts a wrapper (a mock at the
 * StreamBroker port: reads answered later, a lagging feed, kept followers) around the
 * in-process broker the manager would make itself.
 */
export function createVirtualManager(limits: Partial<ManagerLimits> = {}, options: { wrapBroker?: (inner: StreamBroker) => StreamBroker } = {}): VirtualManager {
  const time = createVirtualTime({ startMs: 1_700_000_000_000 });
  let nextId = 0;
  const ids: IdSource = { next: (prefix) => `${prefix}${(nextId += 1)}` };
  const decisions: ManagerDecision[] = [];
  const resolved = resolveManagerLimits(limits);
  const broker = options.wrapBroker?.(createInProcessBroker({ ids, replayEventsMax: resolved.replayEventsMax, replayBytesMax: resolved.replayBytesMax }));
  const manager = createConnectionManager({ clock: time, scheduler: time, ids, limits, observer: { decision: (decision) => decisions.push(decision) }, ...(broker === undefined ? {} : { broker }) });
  return {
    manager,
    time,
    decisions,
    open(userId, options = {}) {
      const socket = createScriptedSocket();
      const identity = options.expiresAtMs === undefined ? { userId } : { userId, expiresAtMs: options.expiresAtMs };
      const handlers = manager.accept(socket, identity, options.resume);
      if (handlers === null) throw new Error(`manager refused ${userId}: ${JSON.stringify(socket.closed)}`);
      return { socket, handlers };
    },
    publish(userId, content = "x") {
      manager.publish(userId, { type: "partial_result", run_id: "r-1", data: { agent_id: "a-1", content } });
    },
  };
}
