/** `slow_socket`: the client becomes a slow reader for a while; the server may close it as a slow consumer. */
import { connectionFaultKind, perMilleField } from "../FaultKind.ts";

/** A slow-reading spell. */
export const slowSocket = connectionFaultKind({
  name: "slow_socket",
  doc: "The client reads slowly for a spell; the server may close it as a slow consumer (4409).",
  planFields: {
    slowSocketPerMille: perMilleField("Per open connection per tick: the client becomes a slow reader for `slowSocketMs`.", { on: [0, 5], heavy: [0, 20] }),
    slowBandwidthBytesPerMs: { doc: "A slow reader's bandwidth, bytes per ms.", default: 1, min: 1, max: 1_000_000, swarm: { on: [1, 20], heavy: [1, 20] } },
    slowSocketMs: { doc: "How long a slow spell lasts, ms.", default: 3_000, min: 0, max: 600_000, swarm: { on: [500, 6_000], heavy: [500, 6_000] } },
  },
  act: (device, connectionId, context) => {
    const { plan, network } = context;
    context.hitDevice(device, { bytesPerMs: plan.slowBandwidthBytesPerMs, ms: plan.slowSocketMs });
    network.setBandwidth(connectionId, plan.slowBandwidthBytesPerMs);
    context.time.after(plan.slowSocketMs, () => network.setBandwidth(connectionId, context.healthyNetwork.bandwidthBytesPerMs));
  },
  tick: { rateField: "slowSocketPerMille", order: 70, exclusive: false, drawsAtZero: true },
  shrinkRank: 4,
  planSummary: (plan) => `slow sockets ${plan.slowBandwidthBytesPerMs} B/ms for ${plan.slowSocketMs} ms`,
});
