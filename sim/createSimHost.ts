import type { Checker } from "../protocol/checker/Checker.ts";
import type { ConnectionManager } from "../server/manager/createConnectionManager.ts";
import type { SocketPort } from "../server/ports/socketPort.ts";
import type { SimNetwork } from "./core/createSimNetwork.ts";
import type { SimClientSocket } from "./core/SimClientSocket.ts";
import type { VirtualTime } from "./core/createVirtualTime.ts";
import type { SimDevice, SimDeviceHost } from "./createSimDevice.ts";
import type { SelfReportAudit } from "./settle/createSelfReportAudit.ts";

/** Where one connect lands: a manager, and for several instances which one (traced) and who to tell of the accepted socket. */
export interface SimServerChoice {
  manager: ConnectionManager;
  /** Several instances: the instance's id, added to the `open` trace line. */
  instanceId?: string;
  /** Several instances: told the network connection id of each socket the manager accepted. */
  accepted?(connectionId: string): void;
}

/** Options of {@link createSimHost}; the getters read state the simulation swaps (manager, downtime, end). */
export interface SimHostOptions {
  time: VirtualTime;
  network: SimNetwork;
  checker: Checker;
  trace: (line: Record<string, unknown>) => void;
  /** Watches each socket the manager is given and the handlers it returns (read-only: a pass-through). */
  audit?: Pick<SelfReportAudit, "accept">;
  /** The server a connect of `device` lands on now (a restart replaces it); null: that instance is down, the connect is refused. */
  serverFor: (device: SimDevice) => SimServerChoice | null;
  /** Absolute virtual ms until which the server refuses connections (restart downtime). */
  serverDownUntilMs: () => number;
  stopped: () => boolean;
}

/**
 * What devices see of the world: opening a socket tells the checker, connects a
 * simulated link and hands its server end to the manager; the HTTP upgrade (JWT
 * check) is the boundary the simulator skips: identity is given.
 */
export function createSimHost(options: SimHostOptions): SimDeviceHost {
  const { time, trace, checker } = options;
  const clientSockets = new Map<string, SimClientSocket>();
  const openSocket: SimDeviceHost["openSocket"] = (device, connectionId, resume) => {
    if (time.nowMs() < options.serverDownUntilMs()) return false;
    const server = options.serverFor(device);
    if (server === null) return false;
    checker.connectionOpened({
      connectionId,
      deviceId: device.deviceId,
      userId: device.userId,
      atMs: time.nowMs(),
      ...(resume === undefined ? {} : { resume: { epoch: resume.epoch, lastSeq: resume.last_seq } }),
    });
    trace({
      kind: "open",
      conn: connectionId,
      device: device.deviceId,
      user: device.userId,
      ...(resume === undefined ? {} : { resume }),
      ...(server.instanceId === undefined ? {} : { instance: server.instanceId }),
    });
    const link = options.network.connect({ connectionId, client: clientHandlers(device, connectionId, clientSockets) });
    clientSockets.set(connectionId, link.client);
    const accept = (socket: SocketPort) =>
      server.manager.accept(socket, { userId: device.userId }, resume === undefined ? undefined : { epoch: resume.epoch, lastSeq: resume.last_seq });
    const handlers = options.audit === undefined ? accept(link.serverSocket) : options.audit.accept(server.manager, link.serverSocket, accept);
    if (handlers !== null) {
      link.setServerHandlers(handlers);
      server.accepted?.(connectionId);
    }
    return true;
  };
  return {
    nowMs: () => time.nowMs(),
    after: (delayMs, callback) => {
      time.after(delayMs, callback);
    },
    openSocket,
    sendText: (connectionId, text, sendOptions) => {
      const socket = clientSockets.get(connectionId);
      if (sendOptions?.binary === true) socket?.sendBinary(text);
      else socket?.send(text);
    },
    closeSocket: (connectionId, code) => {
      clientSockets.get(connectionId)?.close(code);
      clientSockets.delete(connectionId);
    },
    trace,
    checker,
    stopped: options.stopped,
  };
}

function clientHandlers(device: SimDevice, connectionId: string, clientSockets: Map<string, SimClientSocket>) {
  return {
    socketOnMessage: (text: string) => device.socketOnMessage(connectionId, text),
    socketOnClose: (code: number) => {
      clientSockets.delete(connectionId);
      device.socketOnClose(connectionId, code);
    },
  };
}
