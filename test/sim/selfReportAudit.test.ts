/**
 * The self-report audit (sim/settle/createSelfReportAudit.ts): the manager's decisions and
 * `stats()` must agree with what the simulator saw on the wire and in the buffer. Each rule
 * is shown failing on a planted mistake and quiet on correct behaviour: in isolation, with a
 * stand-in manager and socket that do exactly what a test says; and end to end, with the
 * real manager given a broken replay store (the bug zoo's way in) and with the real manager
 * untouched, where shipped scenarios stay clean.
 */
import { describe, expect, it } from "vitest";
import { checkTrace } from "../../protocol/checker/checkTrace.ts";
import type { ConnectionHandlers, ConnectionManager, ManagerStats } from "../../server/manager/createConnectionManager.ts";
import type { ManagerDecision } from "../../server/manager/ManagerDecision.ts";
import { resolveManagerLimits } from "../../server/manager/managerLimits.ts";
import { ReplayBuffer, type ReplayEntry, type ReplayStore } from "../../server/manager/ReplayBuffer.ts";
import type { SocketPort } from "../../server/ports/socketPort.ts";
import { SocketSendError } from "../../server/ports/socketPort.ts";
import type { PlantedBug } from "../../sim/bugZoo/PlantedBug.ts";
import { paddedFrameOfBytes } from "../../sim/content/paddedFrameOfBytes.ts";
import { runSimulation } from "../../sim/runSimulation.ts";
import { loadScenario } from "../../sim/scenario/loadScenario.ts";
import { createSelfReportAudit } from "../../sim/settle/createSelfReportAudit.ts";

const limits = resolveManagerLimits({ heartbeatMs: 1_000, messagesPerWindowMax: 3, messageWindowMs: 1_000, clientFrameBytesMax: 100, bufferedBytesMax: 1_000 });

/** A stand-in manager: the stats a test sets, and an empty broker. */
function standInManager(stats: Partial<ManagerStats> = {}): ConnectionManager {
  const full = { decisions: {}, framesSent: 0, sendFailures: 0, connections: 0, ...stats } as ManagerStats;
  return { stats: () => full, broker: { held: () => ({ events: 0, bytes: 0 }) } } as unknown as ConnectionManager;
}

/** A socket that records what the server did to it; `refuse` makes its sends throw as a transport failure. */
function recordingSocket(options: { refuse?: boolean } = {}) {
  const calls: string[] = [];
  const socket: SocketPort = {
    send(text) {
      if (options.refuse === true) throw new SocketSendError("transport", "refused");
      calls.push(`send ${text}`);
    },
    bufferedBytes: () => 0,
    ping: () => calls.push("ping"),
    close: (code, reason) => calls.push(`close ${code} ${reason}`),
  };
  return { socket, calls };
}

const inert: Omit<ConnectionHandlers, "connectionId"> = { socketOnMessage: () => {}, socketOnPong: () => {}, socketOnClose: () => {} };

/** An audit on a clock the test moves, with one connection `c-1` accepted at 0 ms through a stand-in manager. */
function auditWithConnection(options: { handlers?: (decide: (decision: ManagerDecision) => void) => Omit<ConnectionHandlers, "connectionId">; stats?: Partial<ManagerStats> } = {}) {
  let nowMs = 0;
  const clock = { nowMs: () => nowMs };
  const audit = createSelfReportAudit(clock, limits);
  const manager = standInManager(options.stats);
  const decide = (decision: ManagerDecision) => audit.decided(decision, manager);
  const { socket, calls } = recordingSocket();
  let watched: SocketPort | undefined;
  const handlers = audit.accept(manager, socket, (given) => {
    watched = given;
    decide({ kind: "connection_opened", connectionId: "c-1", userId: "u1", resumeFromSeq: null });
    return { connectionId: "c-1", ...(options.handlers?.(decide) ?? inert) };
  });
  return { audit, manager, decide, socket: watched as SocketPort, handlers: handlers as ConnectionHandlers, calls, advanceTo: (ms: number) => (nowMs = ms) };
}

const rules = (findings: Array<{ rule: string }>) => findings.map((finding) => finding.rule);

describe("self-report audit, rule by rule", () => {
  it("decision: a decision with no kind, a field missing or impossible is a finding; a well-formed one is not", () => {
    const audit = createSelfReportAudit({ nowMs: () => 0 }, limits);
    const manager = standInManager();
    audit.decided({ kind: "connection_refused", userId: "u1", reason: "connections_total" }, manager);
    audit.decided({ kind: "replay_trimmed", userId: "u1", count: 2, throughSeq: 5 }, manager);
    expect(audit.findings()).toEqual([]);
    audit.decided({} as ManagerDecision, manager);
    audit.decided({ kind: "replay_trimmed", userId: "u1", count: 0, throughSeq: 5 }, manager);
    audit.decided({ kind: "replayed", connectionId: "c-1", userId: "u1", fromSeq: 3, toSeq: 5, count: 2 }, manager);
    audit.decided({ kind: "send_failed", connectionId: "c-1", userId: "u1", seq: 4, error: "" }, manager);
    expect(audit.findings().map((finding) => finding.message)).toEqual([
      "a decision of unknown kind undefined (fields: none)",
      "a replay_trimmed decision whose count is 0, not a positiveCount",
      "a replayed decision of 2 event(s) for seqs 3..5",
      'a send_failed decision whose error is "", not a nonEmptyString',
    ]);
  });

  it("counter: stats().decisions must count the decisions taken, kind by kind", () => {
    const honest = auditWithConnection({ stats: { decisions: { connection_opened: 1 }, connections: 1 } });
    expect(honest.audit.finish([honest.manager])).toEqual([]);
    const backwards = auditWithConnection({ stats: { decisions: { connection_opened: -1 }, connections: 1 } });
    expect(backwards.audit.finish([backwards.manager]).map((finding) => finding.message)).toEqual(["stats().decisions.connection_opened is -1; 1 connection_opened decision(s) were taken"]);
  });

  it("counter: framesSent and sendFailures must equal the sends the socket took and refused", () => {
    let nowMs = 0;
    const audit = createSelfReportAudit({ nowMs: () => nowMs }, limits);
    const manager = standInManager({ decisions: { connection_opened: 1 }, framesSent: 0, sendFailures: -1, connections: 1 });
    audit.accept(manager, recordingSocket({ refuse: true }).socket, (given) => {
      audit.decided({ kind: "connection_opened", connectionId: "c-1", userId: "u1", resumeFromSeq: null }, manager);
      expect(() => given.send("{}")).toThrow(SocketSendError);
      return { connectionId: "c-1", ...inert };
    });
    nowMs = 10;
    expect(audit.finish([manager]).map((finding) => finding.message)).toEqual(["stats().sendFailures is -1; the sockets refused 1 send(s)"]);
  });

  it("counter: the runtimes' runsStarted, runsCompleted and claimsAbandoned must equal what their callbacks told", () => {
    const audit = createSelfReportAudit({ nowMs: () => 0 }, limits);
    const seen = { runsStarted: 3, runsCompleted: 3, claimsAbandoned: 1 };
    expect(audit.finish([], { runtime: { reported: { ...seen }, seen } })).toEqual([]);
    expect(audit.finish([], { runtime: { reported: { ...seen, claimsAbandoned: -1 }, seen } }).map((finding) => finding.message)).toEqual([
      "the runtimes' stats().claimsAbandoned is -1; their callbacks told 1",
    ]);
  });

  it("close: a server close needs its decision first, with a reason, and the socket closed with the same code and reason", () => {
    const honest = auditWithConnection({ stats: { decisions: { connection_opened: 1, connection_closed: 1 } } });
    honest.decide({ kind: "connection_closed", connectionId: "c-1", userId: "u1", code: 1011, reason: "send failed", byServer: true });
    honest.socket.close(1011, "send failed");
    expect(honest.audit.finish([honest.manager])).toEqual([]);
    expect(honest.calls).toEqual(["close 1011 send failed"]);

    const silent = auditWithConnection();
    silent.socket.close(1011, "send failed");
    expect(silent.audit.findings().map((finding) => finding.message)).toEqual(['c-1\'s socket was closed by the server (1011 "send failed") without a connection_closed decision']);

    const wordless = auditWithConnection();
    wordless.decide({ kind: "connection_closed", connectionId: "c-1", userId: "u1", code: 1011, reason: "", byServer: true });
    expect(rules(wordless.audit.findings())).toContain("decision");

    const unkept = auditWithConnection({ stats: { decisions: { connection_opened: 1, connection_closed: 1 } } });
    unkept.decide({ kind: "connection_closed", connectionId: "c-1", userId: "u1", code: 4409, reason: "slow consumer", byServer: true });
    expect(unkept.audit.finish([unkept.manager]).map((finding) => finding.message)).toEqual(["c-1: connection_closed (4409) was decided by the server, and its socket was never closed"]);
  });

  it("close: a close the socket reports must be followed by a connection_closed with its code", () => {
    const forgotten = auditWithConnection();
    forgotten.handlers.socketOnClose(1006);
    expect(forgotten.audit.findings().map((finding) => finding.message)).toEqual(["c-1's socket closed (1006) and no connection_closed decision followed"]);
    const kept = auditWithConnection({
      handlers: (decide) => ({ ...inert, socketOnClose: (code) => decide({ kind: "connection_closed", connectionId: "c-1", userId: "u1", code, reason: "closed by peer", byServer: false }) }),
    });
    kept.handlers.socketOnClose(1006);
    expect(kept.audit.findings()).toEqual([]);
  });

  it("heartbeat: an open connection must be pinged at least every heartbeatMs", () => {
    const pinged = auditWithConnection({ stats: { decisions: { connection_opened: 1 }, connections: 1 } });
    pinged.advanceTo(1_000);
    pinged.socket.ping();
    pinged.advanceTo(2_000);
    expect(pinged.audit.finish([pinged.manager])).toEqual([]);
    const silent = auditWithConnection({ stats: { decisions: { connection_opened: 1 }, connections: 1 } });
    silent.advanceTo(1_001);
    expect(silent.audit.finish([silent.manager]).map((finding) => finding.message)).toEqual(["c-1 went 1001 ms without a ping at the end of the run, longer than heartbeatMs 1000"]);
  });

  it("limit: the frame past messagesPerWindowMax in one window must be rate limited and closed with 1008, and no other", () => {
    const deaf = auditWithConnection();
    for (let index = 0; index < 4; index += 1) deaf.handlers.socketOnMessage('{"type":"ack","seq":0}');
    expect(deaf.audit.findings().map((finding) => finding.message)).toEqual([
      "c-1 sent 4 frames within one 1000 ms window (messagesPerWindowMax 3) and was not rate limited",
      "c-1 was over the rate limit and not closed with 1008",
    ]);

    let received = 0;
    const strict = auditWithConnection({
      handlers: (decide) => ({
        ...inert,
        socketOnMessage: () => {
          received += 1;
          if (received <= 3) return;
          decide({ kind: "rate_limited", connectionId: "c-1", userId: "u1", messages: received, windowMs: 1_000 });
          decide({ kind: "connection_closed", connectionId: "c-1", userId: "u1", code: 1008, reason: "rate limit exceeded", byServer: true });
        },
      }),
    });
    for (let index = 0; index < 3; index += 1) strict.handlers.socketOnMessage("{}");
    strict.advanceTo(1_000); // a new window: this frame is the first of it, and must not be limited
    strict.handlers.socketOnMessage("{}");
    // This stand-in never starts a new window: limited at the new window's first frame, and with the old count.
    expect(strict.audit.findings().map((finding) => finding.message)).toEqual([
      "c-1 was rate limited at 1 frame(s) in its window, within messagesPerWindowMax 3",
      "c-1's rate_limited decision says 4 frames in 1000 ms; it sent 1 in its 1000 ms window",
    ]);
  });

  it("limit: a frame over clientFrameBytesMax UTF-8 bytes must get frame_too_big with its size, and a frame at the limit must not", () => {
    const atLimit = paddedFrameOfBytes(100);
    const over = paddedFrameOfBytes(101);
    expect([Buffer.byteLength(atLimit), Buffer.byteLength(over)]).toEqual([100, 101]);
    const deaf = auditWithConnection();
    deaf.handlers.socketOnMessage(atLimit);
    expect(deaf.audit.findings()).toEqual([]);
    deaf.handlers.socketOnMessage(over);
    expect(deaf.audit.findings().map((finding) => finding.message)).toEqual([
      "c-1 sent a 101-byte frame (clientFrameBytesMax 100) that got no frame_too_big",
      "c-1's frame was too big and it was not closed with 1009",
    ]);
    const miscounting = auditWithConnection({
      handlers: (decide) => ({
        ...inert,
        socketOnMessage: (text) => {
          decide({ kind: "frame_too_big", connectionId: "c-1", userId: "u1", bytes: text.length, limitBytes: 100 });
          decide({ kind: "connection_closed", connectionId: "c-1", userId: "u1", code: 1009, reason: "frame too big", byServer: true });
        },
      }),
    });
    miscounting.handlers.socketOnMessage(over);
    expect(miscounting.audit.findings().map((finding) => finding.message)).toEqual([`c-1's frame_too_big says ${over.length} bytes over 100; the frame was 101 UTF-8 bytes, the limit 100`]);
  });

  it("retention: as a connection opens, the streams held with no open connection must number at most usersRetainedMax", () => {
    /** Opens and closes u1 then u2, then opens u3, on `manager` (whose stats say how many streams it holds); the retention findings. */
    const retentionFindings = (users: number) => {
      const audit = createSelfReportAudit({ nowMs: () => 0 }, resolveManagerLimits({ usersRetainedMax: 1 }));
      const manager = standInManager({ users, connectionsByUser: new Map([["u3", 1]]) });
      ["u1", "u2", "u3"].forEach((userId, index) => {
        const connectionId = `c-${index + 1}`;
        const handlers = audit.accept(manager, recordingSocket().socket, () => {
          audit.decided({ kind: "connection_opened", connectionId, userId, resumeFromSeq: null }, manager);
          return { connectionId, ...inert };
        });
        if (userId !== "u3") {
          audit.decided({ kind: "connection_closed", connectionId, userId, code: 1000, reason: "closed by peer", byServer: false }, manager);
          handlers?.socketOnClose(1000);
        }
      });
      return audit.findings().filter((finding) => finding.rule === "retention").map((finding) => finding.message);
    };
    // u1 and u2 both still held, idle: one too many.
    expect(retentionFindings(3)).toEqual(["the manager holds 2 streams with no open connection, more than usersRetainedMax 1"]);
    // One of them evicted: within the bound.
    expect(retentionFindings(2)).toEqual([]);
  });

  it("refusal: a binary frame must get one bad_json protocol_error and keep its connection; a text frame needs none", () => {
    const ack = JSON.stringify({ type: "ack", seq: 0 });
    const reading = auditWithConnection();
    reading.handlers.socketOnMessage(ack);
    expect(reading.audit.findings()).toEqual([]);
    reading.handlers.socketOnMessage(ack, { binary: true });
    expect(reading.audit.findings().map((finding) => finding.message)).toEqual(["c-1 sent a binary frame (the protocol is text only) and got no protocol_error, not one bad_json"]);
    const refusing = (code: string, close: boolean) =>
      auditWithConnection({
        handlers: (decide) => ({
          ...inert,
          socketOnMessage: () => {
            decide({ kind: "protocol_error", connectionId: "c-1", userId: "u1", code, message: "binary frames are not accepted" });
            if (close) decide({ kind: "connection_closed", connectionId: "c-1", userId: "u1", code: 1003, reason: "binary", byServer: true });
          },
        }),
      });
    const honest = refusing("bad_json", false);
    honest.handlers.socketOnMessage(ack, { binary: true });
    expect(honest.audit.findings()).toEqual([]);
    const miscoded = refusing("bad_field", false);
    miscoded.handlers.socketOnMessage(ack, { binary: true });
    expect(miscoded.audit.findings().map((finding) => finding.message)).toEqual(["c-1 sent a binary frame (the protocol is text only) and got protocol_error code(s) bad_field, not one bad_json"]);
    const closing = refusing("bad_json", true);
    closing.handlers.socketOnMessage(ack, { binary: true });
    expect(closing.audit.findings().map((finding) => finding.message)).toEqual(["c-1 was closed for a binary frame; a refused frame keeps its connection"]);
  });

  it("memory: a replay buffer must stay within 2 × its events + 1025 slots however many events went through it", () => {
    /** Reports the slots a buffer that never compacts would use: one per event it ever held. */
    class NeverCompacting extends ReplayBuffer {
      #appended = 0;
      override append(entry: ReplayEntry): number {
        this.#appended += 1;
        return super.append(entry);
      }
      override get slotsUsed(): number {
        return this.#appended;
      }
    }
    const fill = (buffer: ReplayStore) => {
      for (let seq = 1; seq <= 2_000; seq += 1) {
        buffer.append({ seq, text: "{}", bytes: 2, tsMs: seq });
        if (seq % 8 === 0) buffer.trimThrough(seq);
      }
    };
    const real = createSelfReportAudit({ nowMs: () => 0 }, limits);
    fill(real.createReplayStore({ eventsMax: 10_000, bytesMax: 1_000_000 }));
    expect(real.finish([])).toEqual([]);
    const leaking = createSelfReportAudit({ nowMs: () => 0 }, limits, { createReplayBuffer: (bounds) => new NeverCompacting(bounds) });
    fill(leaking.createReplayStore({ eventsMax: 10_000, bytesMax: 1_000_000 }));
    expect(leaking.finish([]).map((finding) => finding.message)).toEqual([
      "a replay buffer holding 0 event(s) uses 2000 array slots, more than 2 × 0 + 1025: it stopped compacting, and grows by a slot for every event it ever held",
    ]);
  });

  it("replay_burst: a slow-consumer close in the middle of a resume's replay, with small control frames, is a finding", () => {
    const audit = createSelfReportAudit({ nowMs: () => 0 }, limits);
    const manager = standInManager();
    audit.accept(manager, recordingSocket().socket, (given) => {
      audit.decided({ kind: "connection_opened", connectionId: "c-1", userId: "u1", resumeFromSeq: 0 }, manager);
      given.send(JSON.stringify({ type: "connected", user_id: "u1", connection_id: "c-1", epoch: "e-1", last_seq: 9 }));
      given.send(JSON.stringify({ type: "agent_thinking", seq: 1 }));
      audit.decided({ kind: "slow_consumer", connectionId: "c-1", userId: "u1", bufferedBytes: 900, limitBytes: 1_000 }, manager);
      return null;
    });
    expect(rules(audit.findings())).toEqual(["replay_burst"]);
  });
});

/** A replay store that reports its bytes as UTF-16 code units: right for ASCII, wrong for anything else. */
class Utf16CountingStore implements ReplayStore {
  readonly #inner: ReplayBuffer;
  readonly #units = new Map<number, number>();
  constructor(bounds: { eventsMax: number; bytesMax: number }) {
    this.#inner = new ReplayBuffer(bounds);
  }
  get size() {
    return this.#inner.size;
  }
  get oldestSeq() {
    return this.#inner.oldestSeq;
  }
  get bytes() {
    let units = 0;
    for (const entry of this.#inner.after(-1)) units += this.#units.get(entry.seq) ?? 0;
    return units;
  }
  append(entry: ReplayEntry) {
    this.#units.set(entry.seq, entry.text.length);
    return this.#inner.append(entry);
  }
  trimThrough(seq: number) {
    return this.#inner.trimThrough(seq);
  }
  after(seq: number) {
    return this.#inner.after(seq);
  }
}

/** A replay store whose trim reports one event fewer than it dropped (a miscounted `replay_trimmed`). */
class UndercountingTrimStore extends ReplayBuffer {
  override trimThrough(seq: number): number {
    return Math.max(0, super.trimThrough(seq) - 1);
  }
}

function planted(name: string, createReplayStore: (bounds: { eventsMax: number; bytesMax: number }) => ReplayStore): PlantedBug {
  return { name, description: name, expectedInvariant: "self-report", scenario: "golden-path.json", parts: { createReplayStore } };
}

describe("self-report audit, end to end", () => {
  it("a byte gauge that counts UTF-16 units fails unicode-payloads; the real buffer passes it", () => {
    const scenario = loadScenario("scenarios/unicode-payloads.json");
    const broken = runSimulation(scenario, { seed: 1, plant: planted("utf16-bytes", (bounds) => new Utf16CountingStore(bounds)) });
    expect(broken.outcome).toBe("safety");
    expect(broken.selfReport[0]?.rule).toBe("replay_buffer");
    expect(broken.selfReport[0]?.message).toMatch(/^u\d's replay buffer reports \d+ event\(s\), \d+ bytes after appending seq \d+; the entries appended minus those its decisions said left are \d+ event\(s\), \d+ UTF-8 bytes$/);
    const correct = runSimulation(scenario, { seed: 1 });
    expect(correct.selfReport).toEqual([]);
  });

  it("a trim that reports one event fewer than it dropped fails burst (its devices ack often)", () => {
    const broken = runSimulation(loadScenario("scenarios/burst.json"), { seed: 1, plant: planted("trim-undercount", (bounds) => new UndercountingTrimStore(bounds)) });
    expect(broken.outcome).toBe("safety");
    expect(broken.selfReport.map((finding) => finding.rule)).toContain("replay_buffer");
  });

  it.each(["golden-path", "misbehaving-clients", "heartbeat-silence", "resume-backlog", "multi-instance-churn", "long-stream"])("the correct manager gives no finding in %s (seeds 1-3)", (name) => {
    const scenario = loadScenario(`scenarios/${name}.json`);
    for (const seed of [1, 2, 3]) {
      const result = runSimulation(scenario, { seed });
      expect(result.selfReport).toEqual([]);
      expect(result.outcome).toBe("pass");
    }
  });

  it("misbehaving-clients drives each limit: a rate limit, a frame too big and a binary frame's protocol_error per seed", () => {
    const lines: string[] = [];
    runSimulation(loadScenario("scenarios/misbehaving-clients.json"), { seed: 1, onTraceLine: (line) => lines.push(line) });
    const decided = (kind: string) => lines.filter((line) => line.includes(`"decision":"${kind}"`)).length;
    expect(decided("rate_limited")).toBeGreaterThan(0);
    expect(decided("frame_too_big")).toBeGreaterThan(0);
    expect(lines.filter((line) => line.includes('"decision":"protocol_error"') && line.includes("binary frames are not accepted")).length).toBeGreaterThan(0);
    // The raw frames are traced as sends, so a replay of the trace judges what the live run judged.
    const replayed = checkTrace(`${lines.join("\n")}\n`);
    expect([replayed.ok, replayed.safety]).toEqual([true, []]);
  });
});
