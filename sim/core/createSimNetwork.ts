/**
 * The simulated network: WebSocket-like connections between the server (which
 * sees a SocketPort, exactly as it sees `ws` in production) and simulated clients,
 * with latency, bandwidth and faults drawn from one seeded stream.
 *
 * Guarantees, per connection and direction: frames never reorder (FIFO under
 * jitter: a frame's arrival is departure + a delay drawn from
 * [oneWayDelayMsMin, oneWayDelayMsMax], but never before the frame ahead of it);
 * server→client frames first wait in a send queue drained at bandwidthBytesPerMs,
 * and `bufferedBytes()` is derived from that queue. Every decision (deliver, drop,
 * fault, close) is reported to `onTrace` as a {@link NetworkTraceLine}.
 *
 * Determinism: delays come only from the SimRandom passed in, drawn when a frame
 * is sent (so reading `bufferedBytes` never shifts the stream); connections are
 * kept in insertion order; all arithmetic is on integers.
 */
import type { Clock } from "../../server/ports/clock.ts";
import type { Scheduler } from "../../server/ports/scheduler.ts";
import type { SocketPort } from "../../server/ports/socketPort.ts";
import { SimConnection, type SimNetworkContext } from "./_internals/SimConnection.ts";
import type { ClientEndpointHandlers, ServerSideHandlers, SimClientSocket } from "./SimClientSocket.ts";
import type { SimRandom } from "./createRandom.ts";
import type { NetworkConnectionFault, NetworkTraceLine } from "./NetworkTraceLine.ts";
import { SimAssertionError } from "./SimAssertionError.ts";

/** Defaults of {@link SimNetworkOptions}, each with its unit in the name. */
export const simNetworkDefaults = {
  /** Fastest one-way delay, ms. */
  oneWayDelayMsMin: 1,
  /** Slowest one-way delay, ms (keeps emit-to-receive p99 well under docs/protocol.md's 50 ms). */
  oneWayDelayMsMax: 10,
  /** Server→client rate of a new connection, bytes per ms (125,000 = 1 Gbit/s: not a bottleneck). */
  bandwidthBytesPerMs: 125_000,
  /** How long a closing end waits for the peer's close before it gives up with 1006, ms (ws's default). */
  closeTimeoutMs: 30_000,
  /** Frames queued or in flight in one direction of one connection; passing it is an assertion. */
  framesInFlightMax: 100_000,
  /** Live connections; passing it is an assertion. */
  connectionsMax: 100_000,
} as const;

/** Options of {@link createSimNetwork}; every field defaults to {@link simNetworkDefaults}. */
export interface SimNetworkOptions {
  oneWayDelayMsMin?: number;
  oneWayDelayMsMax?: number;
  bandwidthBytesPerMs?: number;
  closeTimeoutMs?: number;
  /**
   * Bound on frames queued or in flight per direction per connection. Passing it
   * throws SimAssertionError: a server that keeps sending to a socket whose
   * bufferedBytes only grows is a bug (it should close it as a slow consumer).
   */
  framesInFlightMax?: number;
  connectionsMax?: number;
  /** Receives every network decision, in order. Called synchronously; must not throw. */
  onTrace?: (line: NetworkTraceLine) => void;
}

/** Options of {@link SimNetwork.connect}. */
export interface SimConnectOptions {
  /** Names the connection in faults and the trace (`conn`); unique among live connections. */
  connectionId: string;
  client: ClientEndpointHandlers;
  /** Server handlers, if already known; otherwise call {@link SimConnectionEnds.setServerHandlers} before any frame arrives. */
  server?: ServerSideHandlers;
}

/** Both ends of a new connection. */
export interface SimConnectionEnds {
  readonly connectionId: string;
  /** Give this to the server (the manager's `accept`). */
  readonly serverSocket: SocketPort;
  /** Give this to the simulated client. */
  readonly client: SimClientSocket;
  /**
   * Wires the server's handlers (what `accept` returned). Must happen before anything
   * reaches an open server end (asserted). A server that refuses the socket may close
   * it and never wire handlers: frames then reaching it are traced as dropped.
   */
  setServerHandlers(handlers: ServerSideHandlers): void;
}

/** The simulated network. Fault methods return false (and trace `net_fault_ignored`) when the connection is not live. */
export interface SimNetwork {
  /** Opens a connection now; both ends are open at once (model the upgrade by when you call this). */
  connect(options: SimConnectOptions): SimConnectionEnds;
  /** Abrupt loss: everything queued or in flight both ways is lost; each end still open sees 1006 after a one-way delay. */
  drop(connectionId: string): boolean;
  /**
   * The client vanishes silently: frames in flight to the server are lost, the client
   * sees 1006 after a one-way delay, and everything the server sends from now on
   * (pings included) is lost; the server gets no close and no pong, only its heartbeat can tell.
   */
  halfOpen(connectionId: string): boolean;
  /** The client keeps reading but answers no more pings; the server's heartbeat closes it (4408). */
  stopPongs(connectionId: string): boolean;
  /** The next `count` (integer >= 0) server sends on the connection throw SocketSendError("transport"); the connection stays open. */
  failSends(connectionId: string, count: number): boolean;
  /** Server→client rate from now on, bytes per ms (integer >= 1); a low one makes a slow consumer. */
  setBandwidth(connectionId: string, bytesPerMs: number): boolean;
  /** One-way delay range for frames sent from now on, ms (integers, 0 <= min <= max). */
  setDelay(options: { oneWayDelayMsMin: number; oneWayDelayMsMax: number }): void;
  /** Ids of live connections (not yet closed at both ends), oldest first. */
  liveConnectionIds(): string[];
}

/**
 * Creates a simulated network on `time` (the simulation's VirtualTime) drawing
 * delays from `random` (pass it its own fork: `random.fork("network")`).
 */
export function createSimNetwork(time: Clock & Scheduler, random: SimRandom, options: SimNetworkOptions = {}): SimNetwork {
  const settings = { ...simNetworkDefaults, ...options };
  assertDelayRange(settings.oneWayDelayMsMin, settings.oneWayDelayMsMax);
  assertIntegerAtLeast("bandwidthBytesPerMs", settings.bandwidthBytesPerMs, 1);
  assertIntegerAtLeast("closeTimeoutMs", settings.closeTimeoutMs, 0);
  assertIntegerAtLeast("framesInFlightMax", settings.framesInFlightMax, 1);
  assertIntegerAtLeast("connectionsMax", settings.connectionsMax, 1);

  const connections = new Map<string, SimConnection>();
  const trace = options.onTrace;
  const context: SimNetworkContext = {
    time,
    random,
    trace,
    oneWayDelayMsMin: settings.oneWayDelayMsMin,
    oneWayDelayMsMax: settings.oneWayDelayMsMax,
    closeTimeoutMs: settings.closeTimeoutMs,
    framesInFlightMax: settings.framesInFlightMax,
    connectionEnded(connectionId) {
      connections.delete(connectionId);
    },
  };

  /** The live connection, or undefined after tracing that the fault was ignored. */
  function target(connectionId: string, fault: NetworkConnectionFault): SimConnection | undefined {
    const connection = connections.get(connectionId);
    if (connection === undefined && trace !== undefined) {
      trace({ t: time.nowMs(), kind: "net_fault_ignored", conn: connectionId, fault });
    }
    return connection;
  }

  return {
    connect(connectOptions) {
      const { connectionId } = connectOptions;
      if (connections.has(connectionId)) throw new SimAssertionError(`SimNetwork.connect: connection ${connectionId} is already live`);
      if (connections.size >= settings.connectionsMax) {
        throw new SimAssertionError(`SimNetwork.connect: more than connectionsMax (${settings.connectionsMax}) live connections`);
      }
      const connection = new SimConnection({
        id: connectionId,
        context,
        bandwidthBytesPerMs: settings.bandwidthBytesPerMs,
        client: connectOptions.client,
        server: connectOptions.server,
      });
      connections.set(connectionId, connection);
      if (trace !== undefined) trace({ t: time.nowMs(), kind: "net_connect", conn: connectionId });
      return {
        connectionId,
        serverSocket: connection.serverSocket,
        client: connection.clientSocket,
        setServerHandlers: (handlers) => connection.setServerHandlers(handlers),
      };
    },

    drop(connectionId) {
      const connection = target(connectionId, "drop");
      connection?.faultDrop();
      return connection !== undefined;
    },

    halfOpen(connectionId) {
      const connection = target(connectionId, "half_open");
      connection?.faultHalfOpen();
      return connection !== undefined;
    },

    stopPongs(connectionId) {
      const connection = target(connectionId, "stop_pongs");
      connection?.faultStopPongs();
      return connection !== undefined;
    },

    failSends(connectionId, count) {
      assertIntegerAtLeast("failSends count", count, 0);
      const connection = target(connectionId, "fail_sends");
      connection?.faultFailSends(count);
      return connection !== undefined;
    },

    setBandwidth(connectionId, bytesPerMs) {
      assertIntegerAtLeast("bytesPerMs", bytesPerMs, 1);
      const connection = target(connectionId, "bandwidth");
      connection?.faultBandwidth(bytesPerMs);
      return connection !== undefined;
    },

    setDelay({ oneWayDelayMsMin, oneWayDelayMsMax }) {
      assertDelayRange(oneWayDelayMsMin, oneWayDelayMsMax);
      context.oneWayDelayMsMin = oneWayDelayMsMin;
      context.oneWayDelayMsMax = oneWayDelayMsMax;
      if (trace !== undefined) trace({ t: time.nowMs(), kind: "net_delay", oneWayDelayMsMin, oneWayDelayMsMax });
    },

    liveConnectionIds() {
      return Array.from(connections.keys());
    },
  };
}

function assertIntegerAtLeast(name: string, value: number, minimum: number): void {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new SimAssertionError(`SimNetwork: ${name} must be an integer >= ${minimum}, got ${value}`);
  }
}

function assertDelayRange(oneWayDelayMsMin: number, oneWayDelayMsMax: number): void {
  assertIntegerAtLeast("oneWayDelayMsMin", oneWayDelayMsMin, 0);
  assertIntegerAtLeast("oneWayDelayMsMax", oneWayDelayMsMax, oneWayDelayMsMin);
}
