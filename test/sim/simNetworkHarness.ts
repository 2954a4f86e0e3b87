/**
 * Test harness for the simulated network: virtual time from 0, a seeded network
 * fork, every trace line kept, and per-connection logs of what each end saw.
 */
import { createRandom } from "../../sim/core/createRandom.ts";
import { createSimNetwork, type SimConnectionEnds, type SimNetwork, type SimNetworkOptions } from "../../sim/core/createSimNetwork.ts";
import { createVirtualTime, type VirtualTime } from "../../sim/core/createVirtualTime.ts";
import type { NetworkTraceLine } from "../../sim/core/NetworkTraceLine.ts";

/** One thing one end's handlers saw. */
export interface EndEvent {
  t: number;
  at: "server" | "client";
  what: "message" | "pong" | "close";
  text?: string;
  code?: number;
}

/** A connection with its ends and the log of what they saw. */
export interface HarnessConnection {
  ends: SimConnectionEnds;
  events: EndEvent[];
  received(at: "server" | "client"): EndEvent[];
  closes(at: "server" | "client"): EndEvent[];
}

/** The harness. */
export interface NetworkHarness {
  time: VirtualTime;
  network: SimNetwork;
  trace: NetworkTraceLine[];
  open(connectionId: string, options?: { wireServerLater?: boolean }): HarnessConnection;
}

/** Builds a harness; `seed` seeds the root stream, whose fork "network" the network draws from. */
export function createNetworkHarness(seed: number, options: Omit<SimNetworkOptions, "onTrace"> = {}): NetworkHarness {
  const time = createVirtualTime({ startMs: 0 });
  const trace: NetworkTraceLine[] = [];
  const network = createSimNetwork(time, createRandom(seed).fork("network"), { ...options, onTrace: (line) => trace.push(line) });
  return {
    time,
    network,
    trace,
    open(connectionId, openOptions = {}) {
      const events: EndEvent[] = [];
      const log = (event: Omit<EndEvent, "t">): void => {
        events.push({ t: time.nowMs(), ...event });
      };
      const server = {
        socketOnMessage: (text: string) => log({ at: "server", what: "message", text }),
        socketOnPong: () => log({ at: "server", what: "pong" }),
        socketOnClose: (code: number) => log({ at: "server", what: "close", code }),
      };
      const client = {
        socketOnMessage: (text: string) => log({ at: "client", what: "message", text }),
        socketOnClose: (code: number) => log({ at: "client", what: "close", code }),
      };
      const ends = openOptions.wireServerLater === true ? network.connect({ connectionId, client }) : network.connect({ connectionId, client, server });
      if (openOptions.wireServerLater === true) ends.setServerHandlers(server);
      return {
        ends,
        events,
        received: (at) => events.filter((event) => event.at === at && event.what === "message"),
        closes: (at) => events.filter((event) => event.at === at && event.what === "close"),
      };
    },
  };
}
