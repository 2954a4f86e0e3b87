import { Buffer } from "node:buffer";
import type { Clock } from "../../../server/ports/clock.ts";
import type { Scheduler, TimerHandle } from "../../../server/ports/scheduler.ts";
import { SocketSendError, type SocketPort } from "../../../server/ports/socketPort.ts";
import type { SimRandom } from "../createRandom.ts";
import type { ClientEndpointHandlers, ServerSideHandlers, SimClientSocket, SimEndState } from "../SimClientSocket.ts";
import type { NetworkDropReason, NetworkFrameKind, NetworkSide, NetworkTraceLine } from "../NetworkTraceLine.ts";
import { SimAssertionError } from "../SimAssertionError.ts";
import { SimFrame } from "./SimFrame.ts";
import { SimInFlight, type SimFrameSink } from "./SimInFlight.ts";
import { SimLink } from "./SimLink.ts";

/** WebSocket close code for a connection lost without a close frame. */
export const closeCodeAbnormal = 1006;

/** Longest close reason a WebSocket close frame carries, UTF-8 bytes. */
const closeReasonBytesMax = 123;

/** The close codes ws lets an endpoint send: 1000-1014 except the reserved 1004-1006, and 3000-4999. */
function isSendableCloseCode(code: number): boolean {
  return Number.isInteger(code) && ((code >= 1000 && code <= 1014 && (code < 1004 || code > 1006)) || (code >= 3000 && code <= 4999));
}

/** What every connection shares with the network that made it. */
export interface SimNetworkContext {
  readonly time: Clock & Scheduler;
  readonly random: SimRandom;
  readonly trace: ((line: NetworkTraceLine) => void) | undefined;
  oneWayDelayMsMin: number;
  oneWayDelayMsMax: number;
  readonly closeTimeoutMs: number;
  readonly framesInFlightMax: number;
  /** Both ends closed: the network forgets the connection. */
  connectionEnded(connectionId: string): void;
}

/** One end's view of the closing handshake. */
class SimEndpoint {
  readonly side: NetworkSide;
  state: SimEndState = "open";
  /** Armed when this end starts a close: fires if the peer's close never comes. */
  closeTimer: TimerHandle | undefined = undefined;
  /** Armed when the connection is lost: tells this end 1006 after a one-way delay. */
  abortTimer: TimerHandle | undefined = undefined;

  constructor(side: NetworkSide) {
    this.side = side;
  }
}

/**
 * One simulated WebSocket connection: the server's send queue (bandwidth-limited)
 * feeding frames in flight to the client, frames in flight to the server (the
 * client's uplink is not limited), both ends' closing handshake, and the faults.
 *
 * Close handshake (as `ws` does it): the closing end stops sending and its close
 * frame travels FIFO behind the frames already queued; the receiving end's handler
 * gets the code and its stack echoes the close; the initiator's handler gets the
 * code when the echo arrives, or 1006 after `closeTimeoutMs` without one (which
 * severs the connection, as ws's socket destroy does). Messages arriving while an
 * end is closing are still delivered.
 */
export class SimConnection implements SimFrameSink {
  readonly id: string;
  readonly serverSocket: SocketPort;
  readonly clientSocket: SimClientSocket;
  private readonly context: SimNetworkContext;
  private readonly toClient: SimInFlight;
  private readonly toServer: SimInFlight;
  private readonly link: SimLink;
  private readonly server = new SimEndpoint("server");
  private readonly client = new SimEndpoint("client");
  private readonly clientHandlers: ClientEndpointHandlers;
  private serverHandlers: ServerSideHandlers | undefined;
  private failSendsRemaining = 0;
  private halfOpen = false;
  private pongsStopped = false;
  private severed = false;
  private ended = false;

  constructor(options: {
    id: string;
    context: SimNetworkContext;
    bandwidthBytesPerMs: number;
    client: ClientEndpointHandlers;
    server: ServerSideHandlers | undefined;
  }) {
    this.id = options.id;
    this.context = options.context;
    this.clientHandlers = options.client;
    this.serverHandlers = options.server;
    const time = options.context.time;
    this.toClient = new SimInFlight(time, this, "client");
    this.toServer = new SimInFlight(time, this, "server");
    this.link = new SimLink(time, this.toClient, options.bandwidthBytesPerMs);
    this.serverSocket = new SimServerSocket(this);
    this.clientSocket = new SimClientSocketImpl(this);
  }

  setServerHandlers(handlers: ServerSideHandlers): void {
    this.serverHandlers = handlers;
  }

  // ---- server end (SocketPort) ----

  serverSend(text: string): void {
    if (this.server.state !== "open") {
      this.traceSendFailed("closed");
      throw new SocketSendError("closed", `connection ${this.id} is ${this.server.state}`);
    }
    if (this.failSendsRemaining > 0) {
      this.failSendsRemaining -= 1;
      this.traceSendFailed("transport");
      throw new SocketSendError("transport", `connection ${this.id}: injected send failure`);
    }
    this.emitFromServer("message", text, Buffer.byteLength(text, "utf8"), 0);
  }

  serverBufferedBytes(): number {
    return this.link.bufferedBytes();
  }

  serverPing(): void {
    // ws does not throw on a ping after close either; the ping just goes nowhere.
    if (this.server.state !== "open") this.traceDrop("ping", 0, "client", "closed");
    else this.emitFromServer("ping", "", 0, 0);
  }

  serverClose(code: number, reason: string): void {
    this.startClose(this.server, code, reason);
  }

  // ---- client end ----

  clientSend(text: string, kind: "message" | "binary" = "message"): void {
    // A browser ignores send on a closing or closed socket; the trace still shows it.
    if (this.client.state !== "open") this.traceDrop(kind, Buffer.byteLength(text, "utf8"), "server", "closed");
    else this.emitFromClient(kind, text, Buffer.byteLength(text, "utf8"), 0);
  }

  clientClose(code: number, reason: string): void {
    this.startClose(this.client, code, reason);
  }

  clientState(): SimEndState {
    return this.client.state;
  }

  // ---- faults ----

  /** Abrupt loss: every frame queued or in flight is lost; each end still open hears 1006 after a one-way delay. */
  faultDrop(): void {
    this.traceFault("drop");
    this.sever(undefined);
  }

  /**
   * The client vanishes: frames in flight to the server are lost, the client hears
   * 1006 after a one-way delay, and from now on everything the server sends (pings
   * included) is lost on arrival. The server is told nothing.
   */
  faultHalfOpen(): void {
    this.traceFault("half_open");
    if (this.halfOpen) return;
    this.halfOpen = true;
    this.dropAll(this.toServer.drain(), "server", "half_open");
    this.scheduleAbort(this.client);
  }

  /**
   * The client keeps its socket and keeps reading, but answers no ping from now on (a
   * suspended tab, a proxy that eats control frames): only the heartbeat can tell.
   */
  faultStopPongs(): void {
    this.traceFault("stop_pongs");
    this.pongsStopped = true;
  }

  /** The next `count` server sends throw SocketSendError("transport"); replaces any count still pending. */
  faultFailSends(count: number): void {
    if (this.context.trace !== undefined) {
      this.context.trace({ t: this.context.time.nowMs(), kind: "net_fault", conn: this.id, fault: "fail_sends", count });
    }
    this.failSendsRemaining = count;
  }

  faultBandwidth(bytesPerMs: number): void {
    if (this.context.trace !== undefined) {
      this.context.trace({ t: this.context.time.nowMs(), kind: "net_fault", conn: this.id, fault: "bandwidth", bytesPerMs });
    }
    this.link.setBandwidth(bytesPerMs);
  }

  // ---- arrivals ----

  frameArrived(frame: SimFrame, to: NetworkSide): void {
    if (to === "client") this.arriveAtClient(frame);
    else this.arriveAtServer(frame);
  }

  private arriveAtClient(frame: SimFrame): void {
    if (this.halfOpen) return this.traceDrop(frame.kind, frame.bytes, "client", "half_open");
    if (this.client.state === "closed") return this.traceDrop(frame.kind, frame.bytes, "client", "closed");
    this.traceDeliver(frame, "client");
    switch (frame.kind) {
      case "message":
        this.clientHandlers.socketOnMessage(frame.text);
        return;
      case "ping":
        // The client's WebSocket stack answers by itself; the application never sees pings.
        if (this.pongsStopped) this.traceDrop("ping", 0, "client", "pongs_stopped");
        else this.emitFromClient("pong", "", 0, 0);
        return;
      case "close":
        if (this.client.state === "open") this.emitFromClient("close", "", 0, frame.code);
        this.closeEnd(this.client, frame.code);
        return;
      case "pong":
        throw new SimAssertionError(`connection ${this.id}: a pong travelled to the client`);
      case "binary":
        throw new SimAssertionError(`connection ${this.id}: a binary frame travelled to the client (the server sends text only)`);
    }
  }

  private arriveAtServer(frame: SimFrame): void {
    if (this.server.state === "closed") return this.traceDrop(frame.kind, frame.bytes, "server", "closed");
    const handlers = this.serverHandlersIfWired();
    // A server that refused the socket closed it without wiring handlers: it hears nothing more.
    if (handlers === undefined && frame.kind !== "close") return this.traceDrop(frame.kind, frame.bytes, "server", "closed");
    this.traceDeliver(frame, "server");
    switch (frame.kind) {
      case "message":
        handlers?.socketOnMessage(frame.text);
        return;
      case "binary":
        handlers?.socketOnMessage(frame.text, { binary: true });
        return;
      case "pong":
        handlers?.socketOnPong();
        return;
      case "close":
        if (this.server.state === "open") this.emitFromServer("close", "", 0, frame.code);
        this.closeEnd(this.server, frame.code);
        return;
      case "ping":
        throw new SimAssertionError(`connection ${this.id}: a ping travelled to the server`);
    }
  }

  // ---- sending ----

  private emitFromServer(kind: NetworkFrameKind, text: string, bytes: number, code: number): void {
    // The server cannot know the connection is gone until its 1006 arrives: the frame is lost, not refused.
    if (this.severed) return this.traceDrop(kind, bytes, "client", "severed");
    this.assertRoom(this.link.length + this.toClient.length, "client");
    this.link.enqueue(new SimFrame(kind, text, bytes, code, this.drawDelayMs()));
  }

  private emitFromClient(kind: NetworkFrameKind, text: string, bytes: number, code: number): void {
    if (this.severed) return this.traceDrop(kind, bytes, "server", "severed");
    if (this.halfOpen) return this.traceDrop(kind, bytes, "server", "half_open");
    this.assertRoom(this.toServer.length, "server");
    this.toServer.depart(new SimFrame(kind, text, bytes, code, this.drawDelayMs()));
  }

  private assertRoom(framesInFlight: number, to: NetworkSide): void {
    if (framesInFlight >= this.context.framesInFlightMax) {
      throw new SimAssertionError(
        `connection ${this.id}: more than framesInFlightMax (${this.context.framesInFlightMax}) frames toward the ${to}; ` +
          "a sender ignores backpressure (bufferedBytes) or the bound is too low",
      );
    }
  }

  private drawDelayMs(): number {
    return this.context.random.integer(this.context.oneWayDelayMsMin, this.context.oneWayDelayMsMax);
  }

  // ---- closing ----

  private startClose(endpoint: SimEndpoint, code: number, reason: string): void {
    if (!isSendableCloseCode(code)) {
      throw new SimAssertionError(`connection ${this.id}: ${code} is not a close code an endpoint may send (ws rejects it too)`);
    }
    if (Buffer.byteLength(reason, "utf8") > closeReasonBytesMax) {
      throw new SimAssertionError(`connection ${this.id}: close reason over ${closeReasonBytesMax} bytes`);
    }
    if (endpoint.state !== "open") return;
    endpoint.state = "closing";
    endpoint.closeTimer = this.context.time.after(this.context.closeTimeoutMs, () => this.closeTimedOut(endpoint));
    if (endpoint.side === "server") this.emitFromServer("close", "", 0, code);
    else this.emitFromClient("close", "", 0, code);
  }

  private closeTimedOut(endpoint: SimEndpoint): void {
    endpoint.closeTimer = undefined;
    if (this.context.trace !== undefined) {
      this.context.trace({ t: this.context.time.nowMs(), kind: "net_close_timeout", conn: this.id, side: endpoint.side });
    }
    this.sever(endpoint);
    this.closeEnd(endpoint, closeCodeAbnormal);
  }

  /** Loses every frame queued or in flight; each end still open (except `exceptEndpoint`) hears 1006 after a delay. */
  private sever(exceptEndpoint: SimEndpoint | undefined): void {
    this.severed = true;
    this.dropAll(this.toClient.drain(), "client", "severed");
    this.dropAll(this.link.drain(), "client", "severed");
    this.dropAll(this.toServer.drain(), "server", "severed");
    if (exceptEndpoint !== this.server) this.scheduleAbort(this.server);
    if (exceptEndpoint !== this.client) this.scheduleAbort(this.client);
  }

  private scheduleAbort(endpoint: SimEndpoint): void {
    if (endpoint.state === "closed" || endpoint.abortTimer !== undefined) return;
    endpoint.abortTimer = this.context.time.after(this.drawDelayMs(), () => {
      endpoint.abortTimer = undefined;
      this.closeEnd(endpoint, closeCodeAbnormal);
    });
  }

  /** Tells `endpoint`'s handler the connection closed with `code`; once both ends are closed the connection ends. */
  private closeEnd(endpoint: SimEndpoint, code: number): void {
    if (endpoint.state === "closed") return;
    const serverHandlers = endpoint.side === "server" ? this.serverHandlersIfWired() : undefined;
    endpoint.state = "closed";
    endpoint.closeTimer?.cancel();
    endpoint.closeTimer = undefined;
    endpoint.abortTimer?.cancel();
    endpoint.abortTimer = undefined;
    if (this.context.trace !== undefined) {
      this.context.trace({ t: this.context.time.nowMs(), kind: "net_closed", conn: this.id, side: endpoint.side, code });
    }
    if (endpoint.side === "server") serverHandlers?.socketOnClose(code);
    else this.clientHandlers.socketOnClose(code);
    if (this.server.state === "closed" && this.client.state === "closed") this.end();
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.dropAll(this.toClient.drain(), "client", "closed");
    this.dropAll(this.link.drain(), "client", "closed");
    this.dropAll(this.toServer.drain(), "server", "closed");
    this.context.connectionEnded(this.id);
  }

  /**
   * The server's handlers. Unwired is fine once the server has started closing (a
   * refused socket: `accept` closed it and returned no handlers); unwired while the
   * server end is open is a wiring bug, asserted.
   */
  private serverHandlersIfWired(): ServerSideHandlers | undefined {
    if (this.serverHandlers === undefined && this.server.state === "open") {
      throw new SimAssertionError(`connection ${this.id}: server handlers not set; call setServerHandlers once the server accepts`);
    }
    return this.serverHandlers;
  }

  // ---- trace ----

  private dropAll(frames: readonly SimFrame[], to: NetworkSide, reason: NetworkDropReason): void {
    for (const frame of frames) this.traceDrop(frame.kind, frame.bytes, to, reason);
  }

  private traceDeliver(frame: SimFrame, to: NetworkSide): void {
    const trace = this.context.trace;
    if (trace === undefined) return;
    const t = this.context.time.nowMs();
    if (frame.kind === "close") trace({ t, kind: "net_deliver", conn: this.id, to, frame: "close", code: frame.code });
    else trace({ t, kind: "net_deliver", conn: this.id, to, frame: frame.kind, bytes: frame.bytes });
  }

  private traceDrop(frame: NetworkFrameKind, bytes: number, to: NetworkSide, reason: NetworkDropReason): void {
    const trace = this.context.trace;
    if (trace === undefined) return;
    trace({ t: this.context.time.nowMs(), kind: "net_drop", conn: this.id, to, frame, bytes, reason });
  }

  private traceSendFailed(code: "closed" | "transport"): void {
    const trace = this.context.trace;
    if (trace === undefined) return;
    trace({ t: this.context.time.nowMs(), kind: "net_send_failed", conn: this.id, code });
  }

  private traceFault(fault: "drop" | "half_open" | "stop_pongs"): void {
    const trace = this.context.trace;
    if (trace === undefined) return;
    trace({ t: this.context.time.nowMs(), kind: "net_fault", conn: this.id, fault });
  }
}

/** The server's SocketPort on one connection. */
class SimServerSocket implements SocketPort {
  private readonly connection: SimConnection;

  constructor(connection: SimConnection) {
    this.connection = connection;
  }

  send(text: string): void {
    this.connection.serverSend(text);
  }

  bufferedBytes(): number {
    return this.connection.serverBufferedBytes();
  }

  ping(): void {
    this.connection.serverPing();
  }

  close(code: number, reason: string): void {
    this.connection.serverClose(code, reason);
  }
}

/** The simulated client's socket on one connection. */
class SimClientSocketImpl implements SimClientSocket {
  readonly connectionId: string;
  private readonly connection: SimConnection;

  constructor(connection: SimConnection) {
    this.connection = connection;
    this.connectionId = connection.id;
  }

  send(text: string): void {
    this.connection.clientSend(text);
  }

  sendBinary(text: string): void {
    this.connection.clientSend(text, "binary");
  }

  close(code: number, reason = ""): void {
    this.connection.clientClose(code, reason);
  }

  state(): SimEndState {
    return this.connection.clientState();
  }
}
