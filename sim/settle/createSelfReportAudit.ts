/**
 * The self-report audit: every decision the manager takes and every counter and gauge it
 * reports (`stats()`: /metrics and /health) must agree with a model the simulator builds on
 * its own, from what it saw on the wire (every send, ping and close on the server's socket,
 * every frame and close that reached the server) and in the replay buffer (each held entry's
 * text, measured with Node's own UTF-8 encoder, not the manager's `utf8ByteLength`).
 *
 * A client cannot see any of this: a counter that runs backwards, a close that was never
 * decided, a decision with a field missing, a heartbeat that stopped pinging, a trim that
 * was never reported, a byte gauge that miscounts emoji, a rate limit or frame bound that
 * is not enforced, a resume's replay burst closed as a slow consumer. Each is a safety
 * finding beside the checker's. A read-only observer: it wraps the sockets the host hands to
 * the manager (a pass-through) and reads the manager only through its public face, so the
 * simulation's draws and its trace stay exactly as they were.
 *
 * Rules (each finding names one):
 * - `decision`: every decision has its kind's shape (decisionShapeProblem.ts).
 * - `counter`: at the end, `stats().decisions` equals the decisions seen, kind by kind;
 *   `framesSent` and `sendFailures` equal the sends the socket accepted and refused, and
 *   `connections` the connections opened and not closed.
 * - `close`: each connection opened is closed exactly once by a `connection_closed`
 *   decision with a reason; one the server closes (`byServer`) is then closed on the socket
 *   with the same code and reason; one the peer closes carries the code the socket gave.
 *   The socket is never closed without that decision.
 * - `heartbeat`: an open connection is pinged at least every `heartbeatMs` (from its open),
 *   and a closed one is never pinged.
 * - `limit`: a connection that sends more than `messagesPerWindowMax` frames in one fixed
 *   `messageWindowMs` window (from its open) gets exactly one `rate_limited` decision with
 *   that count, and a 1008 close; a frame over `clientFrameBytesMax` UTF-8 bytes gets
 *   `frame_too_big` with its size and a 1009 close; nothing else gets either.
 * - `retention`: whenever a connection opens, the streams the manager holds with no open
 *   connection number at most `usersRetainedMax` (`stats()`: users minus users with a
 *   connection); read only when the audit's own count of users without an open connection
 *   (evicted ones included, so never fewer) is past the bound, which keeps it off the hot path.
 * - `refusal`: a binary frame within the limits (the protocol is text only, whatever the
 *   bytes say) gets exactly one `protocol_error` decision, `bad_json`, and keeps its
 *   connection. The simulated misbehaving client sends a well-formed `ack` as binary, so a
 *   server that reads binary frames as text accepts it and is caught.
 * - `replay_buffer` (one instance, in-process broker): each appended entry's `bytes` is its
 *   text's UTF-8 length; the events and bytes held per user equal the appended entries minus
 *   those that `replay_evicted` and `replay_trimmed` decisions say left, whose counts must
 *   match; `stream_evicted.events` is what was held.
 * - `replay_burst`: a slow-consumer close while a resume's replay is being written, with
 *   the control frames before it inside `bufferedBytesMax`: the replay burst got no credit.
 * - `memory` (one instance, the real ReplayBuffer): at the end, each user's buffer uses at
 *   most 2 × its events + 1025 array slots, the bound its compaction promises
 *   (`ReplayBuffer.slotsUsed`); a buffer that stopped compacting grows by a slot per event
 *   it ever held, within every event and byte bound.
 */
import { Buffer } from "node:buffer";
import { CLOSE_CODES } from "../../protocol/limits.ts";
import type { ConnectionHandlers, ConnectionManager } from "../../server/manager/createConnectionManager.ts";
import type { ManagerDecision } from "../../server/manager/ManagerDecision.ts";
import type { ManagerLimits } from "../../server/manager/managerLimits.ts";
import type { Clock } from "../../server/ports/clock.ts";
import { SocketSendError, type SocketPort } from "../../server/ports/socketPort.ts";
import { ReplayBuffer, type ReplayStore } from "../../server/manager/ReplayBuffer.ts";
import { FifoQueue } from "../core/FifoQueue.ts";
import { decisionShapeProblem } from "./decisionShapeProblem.ts";

/** The rule a finding breaks (see the module comment). */
export type SelfReportRule = "decision" | "counter" | "close" | "heartbeat" | "limit" | "retention" | "refusal" | "replay_buffer" | "replay_burst" | "memory";

/** One disagreement between the manager's account and the simulator's model: a safety failure. */
export interface SelfReportFinding {
  rule: SelfReportRule;
  /** One sentence: what the manager reported, and what the model saw instead. */
  message: string;
}

/** The runtime counters the audit compares (AgentRuntimeStats), summed over every runtime of the run. */
export interface RuntimeCounters {
  runsStarted: number;
  runsCompleted: number;
  claimsAbandoned: number;
}

/** The handlers the network calls on the server end, as the manager returns them. */
type ServerHandlers = Pick<ConnectionHandlers, "connectionId" | "socketOnMessage" | "socketOnPong" | "socketOnClose">;

/** What {@link createSelfReportAudit} returns. */
export interface SelfReportAudit {
  /**
   * Hands `socket` to `manager.accept` through `accept` (which the host writes: identity and
   * resume are its business), watching the socket and the handlers it returns, which it
   * returns in their place (null when the manager refused the socket).
   */
  accept(manager: ConnectionManager, socket: SocketPort, accept: (socket: SocketPort) => ServerHandlers | null): ServerHandlers | null;
  /** Every decision of `manager`, as it is taken. */
  decided(decision: ManagerDecision, manager: ConnectionManager): void;
  /**
   * `manager.publish` returned the event it stamped, seq `seq`, for `userId` (one instance:
   * the in-process broker answers at once). Enables the `replay_buffer` rule for `manager`.
   */
  published(manager: ConnectionManager, userId: string, seq: number): void;
  /**
   * Makes one user's replay buffer, the real {@link ReplayBuffer} exactly as the manager's
   * default does, and keeps it to read its memory gauge at the end (the `memory` rule).
   */
  createReplayStore(bounds: { eventsMax: number; bytesMax: number }): ReplayStore;
  /**
   * The end-of-run checks (counters, closes never carried out, heartbeats), with the
   * runtimes' counters summed (`reported`) against what their callbacks told (`seen`);
   * then every finding, in order.
   */
  finish(managers: readonly ConnectionManager[], options?: { runtime?: { reported: RuntimeCounters; seen: RuntimeCounters } }): SelfReportFinding[];
  /** The findings so far. */
  findings(): SelfReportFinding[];
}

/** Findings kept per run: the first ones explain a failure; the rest would only repeat it. */
const FINDINGS_MAX = 100;

/** The dead prefix ReplayBuffer may keep before it compacts, slots (its documented bound: 2 × size + this). */
const REPLAY_SLOTS_SLACK = 1_025;

/** What the audit keeps of one connection (the manager's view, and the wire's). */
interface WatchedConnection {
  /** The manager's id for it, from its `connection_opened` decision. */
  managerId: string | null;
  /** Opened by a decision and not yet closed by one. */
  open: boolean;
  closedDecided: boolean;
  lastPingMs: number;
  /** A `byServer` close decided and not yet carried out on the socket. */
  closeOwed: { code: number; reason: string } | null;
  /** The close code the socket reported to the manager, while that report is being handled. */
  peerCloseCode: number | null;
  windowStartMs: number;
  windowMessages: number;
  /** Frames written while `accept` runs (connected, resync, the replay), or null once it returned. */
  acceptTexts: string[] | null;
}

/** One user's replay buffer as the audit models it: held seqs and their texts' UTF-8 bytes, oldest first. */
interface ModelBuffer {
  held: FifoQueue<{ seq: number; bytes: number }>;
  bytesHeld: number;
  /** Events `replay_evicted` decisions said left during the append being published. */
  evictedPending: number;
  evictedOldestSeq: number | null;
}

interface WatchedManager {
  decisions: Record<string, number>;
  framesSent: number;
  sendsRefused: number;
  byManagerId: Map<string, WatchedConnection>;
  /** Present once `published` was called for this manager (the in-process broker's buffers are modelled). */
  buffers: Map<string, ModelBuffer> | null;
  /** The connection whose `accept` is running, until its `connection_opened` decision names it. */
  accepting: WatchedConnection | null;
  /** Open connections per user, by decision; users with none are left out. */
  openByUser: Map<string, number>;
  /** Every user a connection was opened for. */
  usersSeen: Set<string>;
}

/** A replay buffer the `memory` rule can read: the real {@link ReplayBuffer} (tests give a broken one). */
export type AuditedReplayBuffer = ReplayStore & { readonly slotsUsed: number };

/** Options of {@link createSelfReportAudit}. */
export interface SelfReportAuditOptions {
  /** Makes the replay buffers {@link SelfReportAudit.createReplayStore} hands out. Default: `new ReplayBuffer(bounds)`, the manager's own default. */
  createReplayBuffer?: (bounds: { eventsMax: number; bytesMax: number }) => AuditedReplayBuffer;
}

/** Creates the audit for one simulation, on `clock`, for managers bound by `limits`. */
export function createSelfReportAudit(clock: Clock, limits: ManagerLimits, options: SelfReportAuditOptions = {}): SelfReportAudit {
  const createReplayBuffer = options.createReplayBuffer ?? ((bounds) => new ReplayBuffer(bounds));
  const findings: SelfReportFinding[] = [];
  const managers = new Map<ConnectionManager, WatchedManager>();
  const replayBuffers: AuditedReplayBuffer[] = [];
  /** Decisions taken while a frame or close from the network is being handled, to judge what that frame caused. */
  let handling: ManagerDecision[] | null = null;

  function report(rule: SelfReportRule, message: string): void {
    if (findings.length < FINDINGS_MAX) findings.push({ rule, message });
  }

  function watchedOf(manager: ConnectionManager): WatchedManager {
    let watched = managers.get(manager);
    if (watched === undefined) {
      watched = { decisions: {}, framesSent: 0, sendsRefused: 0, byManagerId: new Map(), buffers: null, accepting: null, openByUser: new Map(), usersSeen: new Set() };
      managers.set(manager, watched);
    }
    return watched;
  }

  function name(connection: WatchedConnection): string {
    return connection.managerId ?? "(a connection being accepted)";
  }

  function checkPingGap(connection: WatchedConnection, what: string): void {
    const gapMs = clock.nowMs() - connection.lastPingMs;
    if (gapMs > limits.heartbeatMs) {
      report("heartbeat", `${name(connection)} went ${gapMs} ms without a ping ${what}, longer than heartbeatMs ${limits.heartbeatMs}`);
    }
  }

  function watchSocket(watched: WatchedManager, connection: WatchedConnection, socket: SocketPort): SocketPort {
    return {
      send(text) {
        try {
          socket.send(text);
        } catch (error) {
          if (error instanceof SocketSendError) watched.sendsRefused += 1;
          throw error;
        }
        watched.framesSent += 1;
        connection.acceptTexts?.push(text);
      },
      bufferedBytes: () => socket.bufferedBytes(),
      ping() {
        if (!connection.open) report("heartbeat", `${name(connection)} was pinged after its connection_closed decision`);
        else checkPingGap(connection, "before this one");
        connection.lastPingMs = clock.nowMs();
        socket.ping();
      },
      close(code, reason) {
        const owed = connection.closeOwed;
        if (connection.managerId !== null) {
          if (owed === null) report("close", `${name(connection)}'s socket was closed by the server (${code} "${reason}") without a connection_closed decision`);
          else if (owed.code !== code || owed.reason !== reason) {
            report("close", `${name(connection)}: connection_closed said ${owed.code} "${owed.reason}", the socket was closed with ${code} "${reason}"`);
          }
        }
        connection.closeOwed = null;
        socket.close(code, reason);
      },
    };
  }

  /** The `retention` rule (see the module comment), as a connection opens. */
  function judgeRetention(watched: WatchedManager, manager: ConnectionManager): void {
    if (watched.usersSeen.size - watched.openByUser.size <= limits.usersRetainedMax) return;
    const stats = manager.stats();
    const idle = stats.users - stats.connectionsByUser.size;
    if (idle > limits.usersRetainedMax) report("retention", `the manager holds ${idle} streams with no open connection, more than usersRetainedMax ${limits.usersRetainedMax}`);
  }

  /** The rate limit and the frame bound, judged on what one frame from the client caused. */
  function judgeFrame(connection: WatchedConnection, text: string, binary: boolean, caused: readonly ManagerDecision[]): void {
    const id = connection.managerId as string;
    const nowMs = clock.nowMs();
    if (nowMs - connection.windowStartMs >= limits.messageWindowMs) {
      connection.windowStartMs = nowMs;
      connection.windowMessages = 0;
    }
    connection.windowMessages += 1;
    const mine = caused.filter((decision) => "connectionId" in decision && decision.connectionId === id);
    const rateLimited = mine.find((decision) => decision.kind === "rate_limited");
    const tooBig = mine.find((decision) => decision.kind === "frame_too_big");
    const closed = mine.find((decision) => decision.kind === "connection_closed");
    const overRate = connection.windowMessages > limits.messagesPerWindowMax;
    if (overRate !== (rateLimited !== undefined)) {
      report(
        "limit",
        overRate
          ? `${id} sent ${connection.windowMessages} frames within one ${limits.messageWindowMs} ms window (messagesPerWindowMax ${limits.messagesPerWindowMax}) and was not rate limited`
          : `${id} was rate limited at ${connection.windowMessages} frame(s) in its window, within messagesPerWindowMax ${limits.messagesPerWindowMax}`,
      );
    }
    if (rateLimited !== undefined && (rateLimited.messages !== connection.windowMessages || rateLimited.windowMs !== limits.messageWindowMs)) {
      report("limit", `${id}'s rate_limited decision says ${rateLimited.messages} frames in ${rateLimited.windowMs} ms; it sent ${connection.windowMessages} in its ${limits.messageWindowMs} ms window`);
    }
    if (overRate) {
      if (closed?.kind !== "connection_closed" || closed.code !== CLOSE_CODES.policyViolation) report("limit", `${id} was over the rate limit and not closed with ${CLOSE_CODES.policyViolation}`);
      return;
    }
    const bytes = Buffer.byteLength(text, "utf8");
    const overSize = bytes > limits.clientFrameBytesMax;
    if (overSize !== (tooBig !== undefined)) {
      report("limit", overSize ? `${id} sent a ${bytes}-byte frame (clientFrameBytesMax ${limits.clientFrameBytesMax}) that got no frame_too_big` : `${id}'s ${bytes}-byte frame got frame_too_big, within clientFrameBytesMax ${limits.clientFrameBytesMax}`);
    }
    if (tooBig !== undefined && (tooBig.bytes !== bytes || tooBig.limitBytes !== limits.clientFrameBytesMax)) {
      report("limit", `${id}'s frame_too_big says ${tooBig.bytes} bytes over ${tooBig.limitBytes}; the frame was ${bytes} UTF-8 bytes, the limit ${limits.clientFrameBytesMax}`);
    }
    if (overSize && (closed?.kind !== "connection_closed" || closed.code !== CLOSE_CODES.messageTooBig)) report("limit", `${id}'s frame was too big and it was not closed with ${CLOSE_CODES.messageTooBig}`);
    if (binary && !overSize) {
      const codes = mine.flatMap((decision) => (decision.kind === "protocol_error" ? [decision.code] : []));
      if (codes.join() !== "bad_json") report("refusal", `${id} sent a binary frame (the protocol is text only) and got ${codes.length === 0 ? "no protocol_error" : `protocol_error code(s) ${codes.join(", ")}`}, not one bad_json`);
      if (closed !== undefined) report("refusal", `${id} was closed for a binary frame; a refused frame keeps its connection`);
    }
  }

  function watchHandlers(connection: WatchedConnection, handlers: ServerHandlers): ServerHandlers {
    return {
      connectionId: handlers.connectionId,
      socketOnMessage(text, options) {
        if (!connection.open) return handlers.socketOnMessage(text, options);
        const outer = handling;
        const caused: ManagerDecision[] = [];
        handling = caused;
        try {
          handlers.socketOnMessage(text, options);
        } finally {
          handling = outer;
          outer?.push(...caused);
        }
        judgeFrame(connection, text, options?.binary === true, caused);
      },
      socketOnPong: () => handlers.socketOnPong(),
      socketOnClose(code) {
        const wasOpen = connection.open;
        connection.peerCloseCode = code;
        try {
          handlers.socketOnClose(code);
        } finally {
          connection.peerCloseCode = null;
        }
        if (wasOpen && !connection.closedDecided) report("close", `${name(connection)}'s socket closed (${code}) and no connection_closed decision followed`);
      },
    };
  }

  function connectionClosed(watched: WatchedManager, decision: Extract<ManagerDecision, { kind: "connection_closed" }>): void {
    const connection = watched.byManagerId.get(decision.connectionId);
    if (connection === undefined || connection.closedDecided) {
      report("close", `connection_closed for ${decision.connectionId}, which ${connection === undefined ? "was never opened" : "was closed already"}`);
      return;
    }
    checkPingGap(connection, "before it closed");
    connection.open = false;
    connection.closedDecided = true;
    if (decision.byServer) connection.closeOwed = { code: decision.code, reason: decision.reason };
    else if (connection.peerCloseCode === null) report("close", `${decision.connectionId}: connection_closed says the peer closed it (${decision.code}), but its socket reported no close`);
    else if (connection.peerCloseCode !== decision.code) report("close", `${decision.connectionId}: connection_closed says ${decision.code}, its socket closed with ${connection.peerCloseCode}`);
  }

  function bufferOf(watched: WatchedManager, userId: string): ModelBuffer {
    const buffers = watched.buffers as Map<string, ModelBuffer>;
    let buffer = buffers.get(userId);
    if (buffer === undefined) {
      buffer = { held: new FifoQueue(), bytesHeld: 0, evictedPending: 0, evictedOldestSeq: null };
      buffers.set(userId, buffer);
    }
    return buffer;
  }

  function dropOldest(buffer: ModelBuffer): void {
    buffer.bytesHeld -= buffer.held.shift()?.bytes ?? 0;
  }

  function compareHeld(manager: ConnectionManager, userId: string, buffer: ModelBuffer, after: string): void {
    const held = manager.broker.held(userId);
    const events = buffer.held.length;
    if (held.events !== events || held.bytes !== buffer.bytesHeld) {
      report(
        "replay_buffer",
        `${userId}'s replay buffer reports ${held.events} event(s), ${held.bytes} bytes after ${after}; the entries appended minus those its decisions said left are ${events} event(s), ${buffer.bytesHeld} UTF-8 bytes`,
      );
      // One report per disagreement: start again from what is held now.
      for (let extra = events - held.events; extra > 0; extra -= 1) buffer.held.shift();
      buffer.bytesHeld = held.bytes;
    }
  }

  function bufferDecided(watched: WatchedManager, manager: ConnectionManager, decision: ManagerDecision): void {
    if (watched.buffers === null) return;
    if (decision.kind === "replay_evicted") {
      const buffer = bufferOf(watched, decision.userId);
      buffer.evictedPending += decision.count;
      buffer.evictedOldestSeq = decision.oldestSeq;
    } else if (decision.kind === "replay_trimmed") {
      const buffer = bufferOf(watched, decision.userId);
      let left = 0;
      while ((buffer.held.peek()?.seq ?? Infinity) <= decision.throughSeq) {
        dropOldest(buffer);
        left += 1;
      }
      if (left !== decision.count) report("replay_buffer", `${decision.userId}: replay_trimmed through seq ${decision.throughSeq} says ${decision.count} event(s) left; ${left} were held through that seq`);
      compareHeld(manager, decision.userId, buffer, `a trim through seq ${decision.throughSeq}`);
    } else if (decision.kind === "stream_evicted") {
      const buffer = bufferOf(watched, decision.userId);
      const events = buffer.held.length;
      if (decision.events !== events) report("replay_buffer", `${decision.userId}: stream_evicted says ${decision.events} buffered event(s) went with the stream; ${events} were held`);
      (watched.buffers as Map<string, ModelBuffer>).delete(decision.userId);
    }
  }

  function published(manager: ConnectionManager, userId: string, seq: number): void {
    const watched = watchedOf(manager);
    watched.buffers ??= new Map();
    const buffer = bufferOf(watched, userId);
    let entryBytes = 0;
    manager.broker.read(userId, { afterSeq: seq - 1, throughSeq: seq }, (outcome) => {
      // The entry itself, whatever else the read gave (judging the read is the checker's part).
      const entry = outcome.ok ? outcome.entries.find((candidate) => candidate.seq === seq) : undefined;
      if (entry === undefined) return;
      entryBytes = Buffer.byteLength(entry.text, "utf8");
      if (entry.bytes !== entryBytes) report("replay_buffer", `${userId}'s event seq ${seq} is held as ${entry.bytes} bytes; its text is ${entryBytes} UTF-8 bytes`);
    });
    buffer.held.push({ seq, bytes: entryBytes });
    buffer.bytesHeld += entryBytes;
    const evicted = buffer.evictedPending;
    buffer.evictedPending = 0;
    for (let index = 0; index < evicted && buffer.held.length > 0; index += 1) dropOldest(buffer);
    const oldest = buffer.held.peek()?.seq ?? null;
    if (evicted > 0 && buffer.evictedOldestSeq !== oldest) {
      report("replay_buffer", `${userId}: replay_evicted of ${evicted} event(s) says the oldest held is now seq ${buffer.evictedOldestSeq}; the model holds ${oldest} first`);
    }
    compareHeld(manager, userId, buffer, `appending seq ${seq}`);
  }

  function judgeReplayBurst(connection: WatchedConnection, decision: Extract<ManagerDecision, { kind: "slow_consumer" }>): void {
    const texts = connection.acceptTexts;
    if (texts === null) return;
    let controlBytes = 0;
    let events = 0;
    for (const text of texts) {
      const type = (JSON.parse(text) as { type?: unknown }).type;
      if (type === "connected" || type === "resync_required" || type === "protocol_error") controlBytes += Buffer.byteLength(text, "utf8");
      else events += 1;
    }
    // Before the first replayed event the next frame may be a control frame, with no credit: not judged.
    if (events > 0 && controlBytes <= limits.bufferedBytesMax) {
      report(
        "replay_burst",
        `${decision.connectionId} was closed as a slow consumer (${decision.bufferedBytes} bytes buffered) while its resume's replay was written, ${events} event(s) in; its control frames were ${controlBytes} bytes, within bufferedBytesMax ${limits.bufferedBytesMax}: the replay got no credit`,
      );
    }
  }

  return {
    accept(manager, socket, accept) {
      const watched = watchedOf(manager);
      const nowMs = clock.nowMs();
      const connection: WatchedConnection = {
        managerId: null,
        open: false,
        closedDecided: false,
        lastPingMs: nowMs,
        closeOwed: null,
        peerCloseCode: null,
        windowStartMs: nowMs,
        windowMessages: 0,
        acceptTexts: [],
      };
      const outer = watched.accepting;
      watched.accepting = connection;
      let handlers: ServerHandlers | null;
      try {
        handlers = accept(watchSocket(watched, connection, socket));
      } finally {
        watched.accepting = outer;
        connection.acceptTexts = null;
      }
      return handlers === null ? null : watchHandlers(connection, handlers);
    },

    decided(decision, manager) {
      const watched = watchedOf(manager);
      const kind = (decision as { kind?: unknown }).kind;
      watched.decisions[String(kind)] = (watched.decisions[String(kind)] ?? 0) + 1;
      handling?.push(decision);
      const problem = decisionShapeProblem(decision);
      if (problem !== "") {
        report("decision", problem);
        return;
      }
      if (decision.kind === "connection_opened") {
        const connection = watched.accepting;
        if (connection === null || connection.managerId !== null) {
          report("close", `connection_opened for ${decision.connectionId} outside the accept of a socket`);
          return;
        }
        connection.managerId = decision.connectionId;
        connection.open = true;
        connection.lastPingMs = clock.nowMs();
        connection.windowStartMs = connection.lastPingMs;
        watched.byManagerId.set(decision.connectionId, connection);
        watched.usersSeen.add(decision.userId);
        watched.openByUser.set(decision.userId, (watched.openByUser.get(decision.userId) ?? 0) + 1);
        judgeRetention(watched, manager);
      } else if (decision.kind === "connection_closed") {
        const open = (watched.openByUser.get(decision.userId) ?? 0) - 1;
        if (open > 0) watched.openByUser.set(decision.userId, open);
        else watched.openByUser.delete(decision.userId);
        connectionClosed(watched, decision);
      }
      else if (decision.kind === "slow_consumer") {
        const connection = watched.byManagerId.get(decision.connectionId);
        if (connection !== undefined) judgeReplayBurst(connection, decision);
      }
      bufferDecided(watched, manager, decision);
    },

    published,

    createReplayStore(bounds) {
      const buffer = createReplayBuffer(bounds);
      replayBuffers.push(buffer);
      return buffer;
    },

    finish(all, finishOptions = {}) {
      for (const buffer of replayBuffers) {
        if (buffer.slotsUsed > 2 * buffer.size + REPLAY_SLOTS_SLACK) {
          report("memory", `a replay buffer holding ${buffer.size} event(s) uses ${buffer.slotsUsed} array slots, more than 2 × ${buffer.size} + ${REPLAY_SLOTS_SLACK}: it stopped compacting, and grows by a slot for every event it ever held`);
        }
      }
      const runtime = finishOptions.runtime;
      if (runtime !== undefined) {
        for (const name of ["runsStarted", "runsCompleted", "claimsAbandoned"] as const) {
          if (runtime.reported[name] !== runtime.seen[name]) report("counter", `the runtimes' stats().${name} is ${runtime.reported[name]}; their callbacks told ${runtime.seen[name]}`);
        }
      }
      for (const manager of all) {
        const watched = watchedOf(manager);
        const stats = manager.stats();
        const kinds = new Set([...Object.keys(stats.decisions), ...Object.keys(watched.decisions)]);
        for (const kind of [...kinds].sort()) {
          const reported = stats.decisions[kind] ?? 0;
          const seen = watched.decisions[kind] ?? 0;
          if (reported !== seen) report("counter", `stats().decisions.${kind} is ${reported}; ${seen} ${kind} decision(s) were taken`);
        }
        if (stats.framesSent !== watched.framesSent) report("counter", `stats().framesSent is ${stats.framesSent}; the sockets took ${watched.framesSent} frame(s)`);
        if (stats.sendFailures !== watched.sendsRefused) report("counter", `stats().sendFailures is ${stats.sendFailures}; the sockets refused ${watched.sendsRefused} send(s)`);
        const open = [...watched.byManagerId.values()].filter((connection) => connection.open);
        if (stats.connections !== open.length) report("counter", `stats().connections is ${stats.connections}; ${open.length} connection(s) were opened and not closed`);
        for (const connection of open) checkPingGap(connection, "at the end of the run");
        for (const connection of watched.byManagerId.values()) {
          if (connection.closeOwed !== null) report("close", `${name(connection)}: connection_closed (${connection.closeOwed.code}) was decided by the server, and its socket was never closed`);
        }
      }
      return [...findings];
    },

    findings: () => [...findings],
  };
}
