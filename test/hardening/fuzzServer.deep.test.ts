/**
 * Fuzzing the real server over real sockets with fast-check. One server for the file;
 * on every run a fresh attacker connection sends one generated attack: random bytes
 * (text or binary), random JSON, valid-looking frames with wrong or missing fields,
 * huge and deeply nested payloads, fragmented messages, frames sent the moment the
 * socket opens (before `connected` is read), acks of future or negative seqs, cancels
 * of the victim's run, start_agent floods. Each frame must get the answer
 * clientFrameOracle.ts derives from docs/protocol.md (protocol_error with its code naming
 * the field, 1009, 1007 for non-UTF-8 text, or 1008 past the rate limit).
 *
 * And on EVERY run: a victim of another user runs a golden-path run to completion with
 * the shared checker reporting no violation; the attacker only ever sees its own user's
 * frames; /health still answers; heapUsed after a full GC stays within HEAP_GROWTH_MAX
 * of the baseline.
 *
 * Deeper: HARDENING_FUZZ_RUNS=2000 npm run test:deep -- test/hardening/fuzzServer.deep.test.ts
 * (HARDENING_FUZZ_SEED=<n> to replay a seed; fast-check prints seed and path on failure).
 */
import fc from "fast-check";
import { WebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CLIENT_FRAME_BYTES_MAX } from "../../protocol/limits.ts";
import { signTestToken, startTestServer, TestClient, upgradeUrl, waitFor, type ReceivedFrame, type TestServer } from "../server/serverTestKit.ts";
import { expectedAnswer, type ExpectedAnswer } from "./clientFrameOracle.ts";
import { BRISK_GOLDEN_PATH, createTestChecker, feedChecker, HARDENING_SCRIPTS, heapUsedAfterGc, safetyMessages } from "./hardeningKit.ts";
import type { Checker } from "../../protocol/checker/Checker.ts";

const NUM_RUNS = Number(process.env["HARDENING_FUZZ_RUNS"] ?? 40);
const SEED = process.env["HARDENING_FUZZ_SEED"] === undefined ? undefined : Number(process.env["HARDENING_FUZZ_SEED"]);

/**
 * Frames per connection per window on the fuzzed server: low, so floods reach 1008 quickly.
 * The window is 2 s: an attack's burst is handled within milliseconds of the connection
 * opening (so it never straddles two windows), and the victim's own frames (a start_agent
 * and an ack per run, runs of 150 ms or more) stay well under 40 per window.
 */
const MESSAGES_PER_WINDOW_MAX = 40;
const MESSAGE_WINDOW_MS = 2_000;
/** Attacker users are drawn from a small pool, so what the server rightly keeps per user (streams, request ids) is bounded. */
const ATTACKER_POOL = 4;
/** Replay kept per user: the attacker pool's streams then hold at most 4 × 500 small events. */
const REPLAY_EVENTS_MAX = 500;

/**
 * Heap growth allowed over the baseline (after a full GC), bytes. What the server rightly
 * keeps is bounded and small: 4 attacker streams × 500 events × ~0.4 KB (< 1 MB), their
 * request ids (≤ 1000 × 4 short strings), the checker's bounded memory of the victim,
 * V8's code and fast-check's own state. 24 MiB is well above that and noise, and well
 * below what a leak per attack would add over the runs: the huge attacks alone send
 * ~100 KB each, a leaked socket holds its buffers, a leaked connection its replay.
 */
const HEAP_GROWTH_MAX = 24 * 1024 * 1024;

/** One message to send: its bytes, text or binary, and where to cut it into fragments. */
interface Payload {
  bytes: Uint8Array;
  binary: boolean;
  /** Byte offsets (sorted, unique, inside the message) at which to start a new fragment. */
  cuts: number[];
}

/** One attack: its name (for the counterexample), whether it sends before reading `connected`, and its messages. */
interface Attack {
  name: string;
  early: boolean;
  payloads: Payload[];
}

/** How fast-check prints an attack in a counterexample: the name and each message, text cut at 200 characters. */
function printable(attack: Attack): Attack {
  const describe = (payload: Payload) =>
    payload.binary ? `binary ${payload.bytes.length} B` : `${JSON.stringify(new TextDecoder().decode(payload.bytes).slice(0, 200))} (${payload.bytes.length} B, cuts ${JSON.stringify(payload.cuts)})`;
  const shown = attack.payloads.slice(0, 3).map(describe).join(", ") + (attack.payloads.length > 3 ? `, … ${attack.payloads.length - 3} more` : "");
  return Object.assign(attack, { [fc.toStringMethod]: () => `${attack.early ? "[early] " : ""}${attack.name}: ${shown}` });
}

const encoder = new TextEncoder();
const VICTIM_RUN_PLACEHOLDER = "$victim-run$";
let requestCounter = 0;

function textPayload(text: string, cuts: number[] = []): Payload {
  return { bytes: encoder.encode(text), binary: false, cuts };
}

/** Cut points for a message of `length` bytes: none most of the time, else up to 6. */
function cutsFor(length: number): fc.Arbitrary<number[]> {
  const none: number[] = [];
  if (length < 2) return fc.constant(none);
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(none) },
    { weight: 1, arbitrary: fc.uniqueArray(fc.integer({ min: 1, max: length - 1 }), { minLength: 1, maxLength: 6 }).map((cuts) => [...cuts].sort((a, b) => a - b)) },
  );
}

function withCuts(text: string): fc.Arbitrary<Payload> {
  const bytes = encoder.encode(text);
  return cutsFor(bytes.length).map((cuts) => ({ bytes, binary: false, cuts }));
}

/** A value of the wrong type (or an empty string) for a field that wants a non-empty string or an integer. */
const wrongValue = fc.oneof(
  fc.constant(""),
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
  fc.constant({ $gt: "" }),
);

const FIELDS = {
  start_agent: ["request_id", "agent_type", "message", "scenario"],
  ack: ["seq"],
  cancel: ["run_id"],
} as const;

/** A frame of a known type with one or two fields missing or of the wrong type, the rest valid. */
const wrongFieldFrame: fc.Arbitrary<Attack> = fc
  .constantFrom("start_agent", "ack", "cancel")
  .chain((type) =>
    fc.record({
      type: fc.constant(type),
      broken: fc.uniqueArray(fc.constantFrom(...FIELDS[type]), { minLength: 1, maxLength: 2 }),
      replacement: fc.array(fc.option(wrongValue, { nil: undefined }), { minLength: 2, maxLength: 2 }),
      extra: fc.dictionary(fc.constantFrom("__proto__", "constructor", "prototype", "user_id", "seq", "epoch", "toString"), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
    }),
  )
  .chain(({ type, broken, replacement, extra }) => {
    const frame: Record<string, unknown> = { ...extra, type };
    if (type === "start_agent") Object.assign(frame, { request_id: "req-fuzz", agent_type: "fuzzer", message: "hello", scenario: "quick" });
    if (type === "ack") frame["seq"] = 0;
    if (type === "cancel") frame["run_id"] = "r-nope";
    broken.forEach((field, index) => {
      const value = replacement[index];
      if (value === undefined) delete frame[field];
      else frame[field] = value;
    });
    return withCuts(JSON.stringify(frame)).map((payload) => ({ name: `wrong fields ${broken.join("+")} of ${type}`, early: false, payloads: [payload] }));
  });

/** Random JSON, with a bias toward objects whose `type` is a known, odd or prototype-ish name. */
const randomJson: fc.Arbitrary<Attack> = fc
  .oneof(
    fc.jsonValue({ maxDepth: 4 }),
    fc.record({
      type: fc.oneof(fc.constantFrom("start_agent", "ack", "cancel", "__proto__", "constructor", "toString", "hasOwnProperty", "START_AGENT", "ack "), fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 1 })),
      seq: fc.option(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ maxLength: 3 })), { nil: undefined }),
      run_id: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
      request_id: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
    }),
  )
  .chain((value) => withCuts(JSON.stringify(value) ?? "null"))
  .map((payload) => ({ name: "random JSON", early: false, payloads: [payload] }));

/** Arbitrary strings, and arbitrary bytes sent as text (often not UTF-8) or binary. */
const randomText: fc.Arbitrary<Attack> = fc
  .oneof(fc.string({ maxLength: 300 }), fc.string({ unit: "binary", maxLength: 200 }), fc.constantFrom("", " ", "{", "}", "null", "[]", '{"type":', "\u0000", "\ufeff{}"))
  .chain(withCuts)
  .map((payload) => ({ name: "random text", early: false, payloads: [payload] }));

const randomBytes: fc.Arbitrary<Attack> = fc
  .record({ bytes: fc.uint8Array({ maxLength: 2_048 }), binary: fc.boolean() })
  .chain(({ bytes, binary }) => cutsFor(bytes.length).map((cuts) => ({ name: binary ? "random binary" : "random bytes as text", early: false, payloads: [{ bytes, binary, cuts }] })));

/** A valid-looking start_agent past the frame bound, whole or in fragments. */
const hugeFrame: fc.Arbitrary<Attack> = fc
  .record({ extraBytes: fc.integer({ min: 1, max: 3 * CLIENT_FRAME_BYTES_MAX }), fragments: fc.integer({ min: 1, max: 8 }) })
  .map(({ extraBytes, fragments }) => {
    const frame = { type: "start_agent", request_id: "huge", agent_type: "fuzzer", message: "", scenario: "quick" };
    frame.message = "x".repeat(CLIENT_FRAME_BYTES_MAX - JSON.stringify(frame).length + extraBytes);
    const bytes = encoder.encode(JSON.stringify(frame));
    const cuts = Array.from({ length: fragments - 1 }, (_, index) => Math.floor(((index + 1) * bytes.length) / fragments));
    return { name: `huge frame (+${extraBytes} bytes, ${fragments} fragments)`, early: false, payloads: [{ bytes, binary: false, cuts }] };
  });

/** Deeply nested JSON under the frame bound, in the places a parser or validator might recurse. */
const deepFrame: fc.Arbitrary<Attack> = fc
  .record({ depth: fc.integer({ min: 50, max: 16_000 }), shape: fc.constantFrom("array", "type", "seq", "extra", "message") })
  .map(({ depth, shape }) => {
    const nested = (inner: string) => `${'{"a":'.repeat(depth)}${inner}${"}".repeat(depth)}`;
    const arrays = `${"[".repeat(depth)}${"]".repeat(depth)}`;
    const text = {
      array: arrays,
      type: `{"type":${nested("1")}}`,
      seq: `{"type":"ack","seq":${arrays}}`,
      extra: `{"type":"ack","seq":0,"extra":${nested("null")}}`,
      message: `{"type":"start_agent","request_id":"deep","agent_type":"fuzzer","scenario":"quick","message":${arrays}}`,
    }[shape];
    return { name: `deep ${shape} (${depth} levels)`, early: false, payloads: [textPayload(text)] };
  });

/** Acks of seqs the server never emitted, or impossible ones. */
const badAck: fc.Arbitrary<Attack> = fc
  .oneof(fc.integer({ min: 1_000_000, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: -1_000_000, max: -1 }), fc.constantFrom(-0.5, 0.5, 1e300, -1e300, 2 ** 53, -(2 ** 53)))
  .map((seq) => ({ name: `ack seq ${seq}`, early: false, payloads: [textPayload(`{"type":"ack","seq":${seq}}`)] }));

/** A cancel of the victim's running run (another user's), or of made-up run ids. */
const foreignCancel: fc.Arbitrary<Attack> = fc
  .oneof(fc.constant(VICTIM_RUN_PLACEHOLDER), fc.string({ minLength: 1, maxLength: 20 }), fc.constantFrom("r-", "r-00000000", "*", "../r-1"))
  .map((runId) => ({ name: `cancel ${runId === VICTIM_RUN_PLACEHOLDER ? "the victim's run" : runId}`, early: false, payloads: [textPayload(JSON.stringify({ type: "cancel", run_id: runId }))] }));

/** A burst of start_agent frames: distinct request ids, or one id repeated. */
const startFlood: fc.Arbitrary<Attack> = fc.record({ count: fc.integer({ min: 2, max: 3 * MESSAGES_PER_WINDOW_MAX }), repeated: fc.boolean() }).map(({ count, repeated }) => ({
  name: `start_agent flood ×${count}${repeated ? " (one request_id)" : ""}`,
  early: false,
  payloads: Array.from({ length: count }, (_, index) => textPayload(JSON.stringify({ type: "start_agent", request_id: repeated ? "$same$" : `$unique-${index}$`, agent_type: "flooder", message: "go", scenario: "quick" }))),
}));

/** Any of the above, sent the moment the socket opens (before `connected` is read). */
const early: fc.Arbitrary<Attack> = fc.oneof(wrongFieldFrame, randomJson, randomText, badAck).map((attack) => ({ ...attack, name: `early: ${attack.name}`, early: true }));

const anyAttack: fc.Arbitrary<Attack> = fc
  .oneof(wrongFieldFrame, randomJson, randomText, randomBytes, hugeFrame, deepFrame, badAck, foreignCancel, startFlood, early)
  .map((attack) => printable({ ...attack }));

/** Sends one message, in fragments at its cut points (ws sends continuation frames until `fin`). */
function sendPayload(ws: WebSocket, payload: Payload): void {
  const bounds = [0, ...payload.cuts, payload.bytes.length];
  for (let index = 0; index + 1 < bounds.length; index += 1) {
    const chunk = payload.bytes.subarray(bounds[index], bounds[index + 1]);
    ws.send(chunk, { binary: payload.binary, fin: index + 2 === bounds.length, compress: false });
  }
}

/** Replaces the placeholders generation could not know: the victim's run id and per-run unique request ids. */
function resolvePayload(payload: Payload, victimRunId: string): Payload {
  if (payload.binary) return payload;
  const text = new TextDecoder().decode(payload.bytes);
  if (!text.includes("$")) return payload;
  const run = (requestCounter += 1);
  const resolved = text
    .replaceAll(VICTIM_RUN_PLACEHOLDER, victimRunId)
    .replaceAll("$same$", `same-${run}`)
    .replace(/\$unique-(\d+)\$/g, (_match, index: string) => `unique-${run}-${index}`);
  return { ...payload, bytes: encoder.encode(resolved) };
}

describe("fuzzing the server over real sockets", () => {
  let server: TestServer;
  let victim: TestClient;
  let checker: Checker;
  let baselineHeap = 0;
  let runIndex = 0;
  const attackers = new Set<TestClient>();
  /** Heap growth over the baseline and duration of each run (HARDENING_FUZZ_DEBUG=1 prints a sample at the end). */
  const heapGrowthByRun: Array<{ growth: number; ms: number }> = [];

  beforeAll(async () => {
    server = await startTestServer({
      scripts: HARDENING_SCRIPTS,
      limits: { messagesPerWindowMax: MESSAGES_PER_WINDOW_MAX, messageWindowMs: MESSAGE_WINDOW_MS, replayEventsMax: REPLAY_EVENTS_MAX },
      // The kit's observer keeps every decision; over a deep run that is the test's own growth, not the server's.
      observer: {},
    });
    // Small memories, so the checker's own (bounded) state plateaus early in a deep run.
    checker = createTestChecker({ eventsRememberedPerUserMax: 256, runsRememberedPerUserMax: 64, runsRememberedPerDeviceMax: 64 });
    victim = await server.connect("victim");
    feedChecker(checker, victim, { userId: "victim", deviceId: "victim-device", connectionId: "victim#1" });
    // Warm up every path once before the baseline, so the bound measures growth, not first use.
    const warmRun = await victim.startRun("warm-up", BRISK_GOLDEN_PATH.name);
    await waitFor(() => victim.runCompleted(warmRun), 3_000, "the warm-up run");
    baselineHeap = heapUsedAfterGc();
  });

  afterAll(async () => {
    if (process.env["HARDENING_FUZZ_DEBUG"] !== undefined) {
      const step = Math.max(1, Math.floor(heapGrowthByRun.length / 20));
      const rows = heapGrowthByRun.filter((_, index) => index % step === 0 || index === heapGrowthByRun.length - 1);
      console.log(rows.map((row, index) => `run ${index * step}: +${(row.growth / 1024 / 1024).toFixed(2)} MiB, ${row.ms} ms`).join("\n"));
    }
    for (const attacker of attackers) attacker.kill();
    victim.kill();
    await server.close();
  });

  /** Opens the attacker's connection; in `early` mode sends everything in the `open` handler. */
  async function openAttacker(userId: string, onOpen: (ws: WebSocket) => void): Promise<TestClient> {
    const token = await signTestToken(userId);
    const ws = new WebSocket(upgradeUrl(server.address.webSocketUrl, { token }));
    const client = new TestClient(ws);
    attackers.add(client);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => {
        onOpen(ws);
        resolve();
      });
      ws.once("unexpected-response", (_request, response) => reject(new Error(`attacker upgrade refused with ${response.statusCode}`)));
    });
    await waitFor(() => client.frames.length > 0, 3_000, "the attacker's connected frame");
    return client;
  }

  /** Checks the answers the attacker got (protocol_errors and agent_starteds, in order) against the oracle. */
  function checkAnswers(answers: ReceivedFrame[], expected: ExpectedAnswer[]): void {
    let at = 0;
    for (const expectation of expected) {
      if (expectation.kind === "silent" || expectation.kind === "close") continue;
      const answer = answers[at];
      at += 1;
      if (expectation.kind === "run_started") {
        const limited = answer?.type === "protocol_error" && answer["code"] === "bad_field" && /^request_id: .*active runs/.test(String(answer["message"]));
        expect(answer?.type === "agent_started" || limited, `answer ${at}: ${JSON.stringify(answer)}`).toBe(true);
        continue;
      }
      expect(answer, `answer ${at}`).toMatchObject({ type: "protocol_error", code: expectation.code });
      for (const field of expectation.fields) expect(String(answer?.["message"])).toMatch(new RegExp(`(^|; )${field}: `));
    }
    expect(answers.slice(at), "no answer beyond the expected ones").toEqual([]);
  }

  async function runOneAttack(attack: Attack): Promise<void> {
    const t0 = Date.now();
    runIndex += 1;
    expect(victim.closeCode, "the victim's connection is open").toBeNull();
    const victimRun = await victim.startRun(`victim-${runIndex}`, BRISK_GOLDEN_PATH.name);
    const userId = `attacker-${runIndex % ATTACKER_POOL}`;
    const payloads = attack.payloads.map((payload) => resolvePayload(payload, victimRun));
    const sentinel = textPayload(`{"type":"hardening-sentinel-${runIndex}"}`);
    const sendAll = (ws: WebSocket) => {
      for (const payload of [...payloads, sentinel]) sendPayload(ws, payload);
    };
    const attacker = await openAttacker(userId, attack.early ? sendAll : () => {});
    const connected = attacker.connected;
    expect(connected.user_id).toBe(userId);
    if (!attack.early) sendAll(attacker.ws);

    // The oracle, frame by frame, until a close ends the connection.
    const expected: ExpectedAnswer[] = [];
    const scriptNames = new Set(HARDENING_SCRIPTS.keys());
    for (const payload of [...payloads, sentinel]) {
      const answer = expectedAnswer(payload.bytes, {
        binary: payload.binary,
        context: {
          frameBytesMax: CLIENT_FRAME_BYTES_MAX,
          messagesPerWindowMax: MESSAGES_PER_WINDOW_MAX,
          framesHandled: expected.length,
          streamLastSeq: connected.last_seq as number,
          scriptNames,
          ownActiveRunIds: new Set(),
        },
      });
      expected.push(answer);
      if (answer.kind === "close") break;
    }
    const last = expected[expected.length - 1] as ExpectedAnswer;
    if (last.kind === "close") {
      await attacker.waitForClose(5_000);
      expect(attacker.closeCode, `close code after ${attack.name}`).toBe(last.code);
    } else {
      const sentinelType = `hardening-sentinel-${runIndex}`;
      await waitFor(() => attacker.ofType("protocol_error").some((frame) => String(frame["message"]).includes(sentinelType)), 5_000, "the sentinel's answer");
      expect(attacker.closeCode).toBeNull();
    }
    expect(attacker.frames[0]?.type).toBe("connected");
    const answers = attacker.frames.filter((frame) => frame.type === "protocol_error" || (frame.type === "agent_started" && frame.data?.["agent_type"] === "flooder") || (frame.type === "agent_started" && frame.data?.["agent_type"] === "fuzzer"));
    checkAnswers(answers, expected);
    expect(attacker.invalid).toEqual([]);
    expect(attacker.frames.filter((frame) => frame.user_id !== undefined && frame.user_id !== userId)).toEqual([]);
    attacker.kill();
    attackers.delete(attacker);

    // The victim's run completes intact, judged by the shared checker.
    await waitFor(() => victim.runCompleted(victimRun), 5_000, "the victim's run");
    expect(victim.closeCode).toBeNull();
    expect(victim.eventsOf(victimRun).at(-1)?.data?.["status"]).toBe("success");
    expect(safetyMessages(checker)).toEqual([]);
    // The checker has judged them; keeping every frame would be the test's own heap growth.
    victim.send({ type: "ack", seq: victim.lastSeq() });
    victim.frames.splice(1);
    // The server is alive and its memory is bounded.
    expect((await fetch(`${server.address.httpUrl}/health`)).status).toBe(200);
    const growth = heapUsedAfterGc() - baselineHeap;
    expect(growth, `heap grew ${(growth / 1024 / 1024).toFixed(1)} MiB after ${attack.name}`).toBeLessThan(HEAP_GROWTH_MAX);
    expect(Object.prototype).not.toHaveProperty("polluted");
    heapGrowthByRun.push({ growth, ms: Date.now() - t0 });
  }

  // A run takes ~0.3 s; deep runs get the time they need.
  const testTimeoutMs = 30_000 + NUM_RUNS * 2_000;
  test(`every attack gets the protocol's answer while another user's run completes (${NUM_RUNS} runs)`, { timeout: testTimeoutMs }, async () => {
    await fc.assert(fc.asyncProperty(anyAttack, runOneAttack), { numRuns: NUM_RUNS, ...(SEED === undefined ? {} : { seed: SEED }), endOnFailure: true });
    const verdict = checker.finish({ atMs: Date.now(), requireRunsComplete: true });
    expect([...verdict.safety, ...verdict.liveness]).toEqual([]);
    expect(verdict.counts.runsCompleted).toBe(runIndex + 1);
    // What the server keeps is bounded by the user pool, whatever was thrown at it.
    expect(server.server.manager.stats().users).toBeLessThanOrEqual(1 + ATTACKER_POOL);
    expect(server.server.manager.stats().replayEvents).toBeLessThanOrEqual((1 + ATTACKER_POOL) * REPLAY_EVENTS_MAX);
  });
});
