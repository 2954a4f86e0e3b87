/**
 * Test kit for the server tests: starts a real server on 127.0.0.1 port 0, signs
 * tokens, and drives real `ws` clients that record (and validate) every frame.
 * Conditions are awaited with {@link waitFor}, never with sleeps.
 */
import { expect } from "vitest";
import { WebSocket, type ClientOptions } from "ws";
import { agentScriptSchema, type AgentScript, type AgentScriptInput } from "../../server/runtime/agentScript.ts";
import { DEFAULT_SCRIPTS } from "../../server/runtime/defaultScripts.ts";
import { createServer, type AgentEventServer, type BoundAddress, type ServerOptions } from "../../server/createServer.ts";
import { jwtSecretKey } from "../../server/auth/jwtSecretKey.ts";
import { signAccessToken } from "../../server/auth/signAccessToken.ts";
import { validateServerFrame } from "../../protocol/validateServerFrame.ts";
import type { ManagerDecision } from "../../server/manager/ManagerDecision.ts";

/** The secret every test server uses. */
export const TEST_SECRET = "test-secret-0123456789abcdef0123456789abcdef";

/** The default script's events (docs/server.md), in order: what one golden-path run delivers. */
export const GOLDEN_PATH_EVENT_TYPES = ["agent_started", "agent_thinking", "tool_executing", "tool_completed", "agent_thinking", "tool_executing", "tool_completed", "partial_result", "agent_thinking", "agent_completed"];

/** Polls `predicate` every few ms until it is true; fails with `what` after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 5_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function script(input: AgentScriptInput): [string, AgentScript] {
  const parsed = agentScriptSchema.parse(input);
  return [parsed.name, parsed];
}

/**
 * Scripts for tests: the built-in ones plus
 * - `paced`: ~0.6 s of steps 60-100 ms apart, so a test can act mid-run;
 * - `long-tool`: a 2 s tool call, to cancel mid-tool;
 * - `flood`: 400 partial results of 16 KiB each (6.5 MB), enough to fill a paused
 *   loopback socket (Linux takes ~4 MB before the sender's buffer grows).
 */
export const TEST_SCRIPTS: ReadonlyMap<string, AgentScript> = new Map([
  ...DEFAULT_SCRIPTS,
  script({
    name: "paced",
    agentType: "tester",
    steps: [
      { kind: "think", content: "Step one.", durationMs: 60 },
      { kind: "tool", name: "query_metrics", args: { window: "1h" }, durationMs: 100, result: "ok" },
      { kind: "think", content: "Step two.", durationMs: 60 },
      { kind: "partial", content: "Half way.", delayMs: 60 },
      { kind: "tool", name: "analyze_logs", args: { level: "warn" }, durationMs: 100, result: "ok" },
      { kind: "think", content: "Step three.", durationMs: 60 },
      { kind: "partial", content: "Nearly done.", delayMs: 60 },
      { kind: "think", content: "Step four.", durationMs: 60 },
    ],
    finalResponse: "Paced run finished.",
  }),
  script({
    name: "long-tool",
    agentType: "tester",
    steps: [
      { kind: "think", content: "Calling a slow tool.", durationMs: 0 },
      { kind: "tool", name: "slow_query", args: { table: "orders" }, durationMs: 2_000, result: "rows" },
    ],
    finalResponse: "Long tool finished.",
  }),
  script({
    name: "flood",
    agentType: "tester",
    steps: Array.from({ length: 400 }, (_, index) => ({ kind: "partial" as const, content: `${index}:${"x".repeat(16 * 1024)}`, delayMs: 0 })),
    finalResponse: "Flood finished.",
  }),
]);

/** A server started for one test, with what the test needs to reach it. */
export interface TestServer {
  server: AgentEventServer;
  address: BoundAddress;
  /** Every manager decision, in order. */
  decisions: ManagerDecision[];
  /** Signs a token for `userId` with the test secret (ttl 1 h unless given). */
  token(userId: string, options?: { ttlSeconds?: number }): Promise<string>;
  /** Opens a client for `userId` (a fresh token unless `token` is given). */
  connect(userId: string, options?: ConnectOptions): Promise<TestClient>;
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1 port 0 with test scripts and no process metrics. */
export async function startTestServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const decisions: ManagerDecision[] = [];
  const server = createServer({
    jwtSecret: TEST_SECRET,
    scripts: TEST_SCRIPTS,
    processMetrics: false,
    observer: { decision: (decision) => decisions.push(decision) },
    ...options,
  });
  const address = await server.listen({ host: "127.0.0.1", port: 0 });
  const token = (userId: string, tokenOptions: { ttlSeconds?: number } = {}) =>
    signTestToken(userId, { ttlSeconds: tokenOptions.ttlSeconds ?? 3_600 });
  return {
    server,
    address,
    decisions,
    token,
    connect: async (userId, connectOptions = {}) =>
      connectClient(address.webSocketUrl, { token: connectOptions.token ?? (await token(userId)), ...connectOptions }),
    close: () => server.close(),
  };
}

/** Signs a token with {@link TEST_SECRET} (or `secret`). */
export function signTestToken(userId: string, options: { ttlSeconds?: number; secret?: string; nowMs?: number } = {}): Promise<string> {
  return signAccessToken(userId, {
    secretKey: jwtSecretKey(options.secret ?? TEST_SECRET),
    nowMs: options.nowMs ?? Date.now(),
    ttlSeconds: options.ttlSeconds ?? 3_600,
  });
}

/** How to open a test client. */
export interface ConnectOptions {
  token?: string;
  /** Send the token as `Authorization: Bearer` instead of the query. */
  tokenInHeader?: boolean;
  resume?: { lastSeq: number; epoch: string };
  /** Extra query parameters. */
  query?: Record<string, string>;
  wsOptions?: ClientOptions;
}

/** One frame as the client saw it. */
export interface ReceivedFrame {
  type: string;
  seq?: number;
  run_id?: string;
  user_id?: string;
  epoch?: string;
  data?: Record<string, unknown>;
  [field: string]: unknown;
}

/** A real `ws` client that records every frame it receives and how it closed. */
export class TestClient {
  readonly ws: WebSocket;
  readonly frames: ReceivedFrame[] = [];
  /** Frames that failed validateServerFrame (should stay empty). */
  readonly invalid: { frame: unknown; problems: string }[] = [];
  closeCode: number | null = null;
  closeReason = "";

  constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on("message", (data, isBinary) => {
      const text = isBinary ? "" : data.toString();
      let frame: unknown;
      try {
        frame = JSON.parse(text);
      } catch {
        this.invalid.push({ frame: text, problems: "not JSON" });
        return;
      }
      const validation = validateServerFrame(frame);
      if (!validation.ok) this.invalid.push({ frame, problems: validation.problems });
      this.frames.push(frame as ReceivedFrame);
    });
    ws.on("close", (code, reason) => {
      this.closeCode = code;
      this.closeReason = reason.toString();
    });
    ws.on("error", () => {});
  }

  /** The `connected` frame (the first one). */
  get connected(): ReceivedFrame {
    const first = this.frames[0];
    if (first?.type !== "connected") throw new Error(`first frame is not connected: ${JSON.stringify(first)}`);
    return first;
  }

  /** Agent events received (frames with a seq). */
  events(): ReceivedFrame[] {
    return this.frames.filter((frame) => typeof frame.seq === "number");
  }

  /** Agent events of one run. */
  eventsOf(runId: string): ReceivedFrame[] {
    return this.events().filter((frame) => frame.run_id === runId);
  }

  /** Highest seq received (0 when none). */
  lastSeq(): number {
    return this.events().reduce((max, frame) => Math.max(max, frame.seq as number), 0);
  }

  ofType(type: string): ReceivedFrame[] {
    return this.frames.filter((frame) => frame.type === type);
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** Sends start_agent and returns the run id of the agent_started that follows. */
  async startRun(requestId: string, scenario = "quick", timeoutMs = 3_000): Promise<string> {
    const before = this.ofType("agent_started").length;
    this.send({ type: "start_agent", request_id: requestId, agent_type: "tester", message: "hello", scenario });
    await waitFor(() => this.ofType("agent_started").length > before, timeoutMs, `agent_started for ${requestId}`);
    return this.ofType("agent_started")[before]?.run_id as string;
  }

  /** True once the run's agent_completed arrived. */
  runCompleted(runId: string): boolean {
    return this.eventsOf(runId).some((frame) => frame.type === "agent_completed");
  }

  waitForClose(timeoutMs = 5_000): Promise<void> {
    return waitFor(() => this.closeCode !== null, timeoutMs, "the socket to close");
  }

  /** Closes the client and waits for the close to finish. */
  async close(): Promise<void> {
    if (this.closeCode !== null) return;
    this.ws.close(1000, "test done");
    await this.waitForClose();
  }

  /** Drops the TCP connection without a close handshake (a killed client). */
  kill(): void {
    this.ws.terminate();
  }
}

/** Builds the upgrade URL for a client. */
export function upgradeUrl(baseUrl: string, options: ConnectOptions): string {
  const url = new URL(baseUrl);
  if (options.token !== undefined && options.tokenInHeader !== true) url.searchParams.set("token", options.token);
  if (options.resume !== undefined) {
    url.searchParams.set("last_seq", String(options.resume.lastSeq));
    url.searchParams.set("epoch", options.resume.epoch);
  }
  for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.append(name, value);
  return url.toString();
}

/** Opens a client and waits for its `connected` frame; rejects with the HTTP status when refused. */
export async function connectClient(baseUrl: string, options: ConnectOptions): Promise<TestClient> {
  const headers: Record<string, string> = { ...(options.wsOptions?.headers as Record<string, string> | undefined) };
  if (options.token !== undefined && options.tokenInHeader === true) headers["authorization"] = `Bearer ${options.token}`;
  const ws = new WebSocket(upgradeUrl(baseUrl, options), { ...options.wsOptions, headers });
  const client = new TestClient(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("unexpected-response", (_request, response) => reject(new Error(`upgrade refused with ${response.statusCode}`)));
    ws.once("error", reject);
  });
  await waitFor(() => client.frames.length > 0 || client.closeCode !== null, 3_000, "the connected frame");
  return client;
}

/** What an upgrade attempt produced: an HTTP refusal, or an open WebSocket (closed at once). */
export type UpgradeOutcome = { refused: true; status: number; body: string } | { refused: false };

/** Tries an upgrade and reports the refusal; a test expecting 401 asserts `refused`. */
export function tryUpgrade(url: string, headers: Record<string, string> = {}): Promise<UpgradeOutcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once("open", () => {
      ws.terminate();
      resolve({ refused: false });
    });
    ws.once("unexpected-response", (_request, response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ refused: true, status: response.statusCode ?? 0, body }));
      response.on("error", reject);
    });
    ws.once("error", (error) => reject(error));
  });
}

/** The oracles for invariants 1-4 and 7, as calls of the shared checker. */
import { runProblems, seqProblems } from "./checkerOracles.ts";
export { runProblems, seqProblems };

/**
 * The lossless-resume story, asserted: a client on `victimOn` is killed mid-run (a paced
 * run), the run goes on, and the client resumes on `resumeOn` (the same server, or another
 * instance on the same Redis) with exactly the events it missed, in order, then live ones;
 * together with what it saw before, that is what a connection that never left received.
 */
export async function expectLosslessResume(servers: { victimOn: TestServer; resumeOn: TestServer }, userId: string): Promise<void> {
  const { victimOn, resumeOn } = servers;
  const reference = await resumeOn.connect(userId);
  const victim = await victimOn.connect(userId);
  const epoch = victim.connected.epoch as string;
  expect(reference.connected.epoch).toBe(epoch);
  const runId = await victim.startRun("req-1", "paced");
  await waitFor(() => victim.eventsOf(runId).length >= 3, 3_000, "three events before the kill");
  victim.kill();
  const lastSeqSeen = victim.lastSeq();
  // Let the run go on while the client is away: at least two events it has not seen.
  await waitFor(() => reference.lastSeq() >= lastSeqSeen + 2, 3_000, "events while disconnected");
  expect(reference.runCompleted(runId)).toBe(false);

  const resumed = await resumeOn.connect(userId, { resume: { lastSeq: lastSeqSeen, epoch } });
  expect(resumed.connected).toMatchObject({ epoch });
  await waitFor(() => resumed.runCompleted(runId) && reference.runCompleted(runId), 5_000, "the run to complete");
  expect(resumed.ofType("resync_required")).toEqual([]);
  const afterResume = resumed.events();
  expect(afterResume[0]?.seq).toBe(lastSeqSeen + 1);
  expect(seqProblems(afterResume, lastSeqSeen)).toEqual([]);
  const seenBefore = victim.events().filter((event) => (event.seq as number) <= lastSeqSeen);
  expect([...seenBefore, ...afterResume]).toEqual(reference.events());
  expect(runProblems(reference.eventsOf(runId))).toEqual([]);
  expect(resumed.invalid).toEqual([]);
  expect(resumeOn.decisions.find((decision) => decision.kind === "replayed")).toMatchObject({ fromSeq: lastSeqSeen + 1 });
}
