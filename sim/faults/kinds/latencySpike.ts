/**
 * `latency_spike`: for a spell, every frame sent on the network (both ways, every
 * connection) takes much longer: a congested mobile link, a proxy's GC pause, a
 * cross-region failover. Nothing is lost and order is kept, but pongs come late (the
 * heartbeat may close sockets whose client is alive), acks lag, and delivery latency
 * jumps; every invariant must still hold and every run complete once it passes.
 * Off by default (no swarm range): seeded fault mixes and their traces are unchanged.
 */
import type { SimNetwork } from "../../core/createSimNetwork.ts";
import { perMilleField, systemFaultKind } from "../FaultKind.ts";

/** When the latest spell ends, per simulation (keyed by its network), virtual ms: an earlier spell's end must not cut a later one short. */
const spellEndsAtMs = new WeakMap<SimNetwork, number>();

/** The network-wide latency spike. */
export const latencySpike = systemFaultKind({
  name: "latency_spike",
  doc: "For `latencySpikeMs`, every frame sent takes [latencySpikeOneWayDelayMsMin, latencySpikeOneWayDelayMsMax] one way; then the scenario's delay returns.",
  planFields: {
    latencySpikePerMille: perMilleField("Per tick: the whole network's one-way delay jumps to the spike range for `latencySpikeMs`."),
    latencySpikeOneWayDelayMsMin: { doc: "Shortest one-way delay during a spike, ms.", default: 200, min: 0, max: 10_000 },
    latencySpikeOneWayDelayMsMax: { doc: "Longest one-way delay during a spike, ms (at least the min).", default: 1_500, min: 0, max: 10_000 },
    latencySpikeMs: { doc: "How long a spike lasts, ms of virtual time.", default: 5_000, min: 0, max: 600_000 },
  },
  act: (context) => {
    const { plan, network, time } = context;
    const oneWayDelayMsMin = Math.min(plan.latencySpikeOneWayDelayMsMin, plan.latencySpikeOneWayDelayMsMax);
    const endsAtMs = time.nowMs() + plan.latencySpikeMs;
    spellEndsAtMs.set(network, endsAtMs);
    context.count();
    context.trace({ kind: "fault", fault: "latency_spike", oneWayDelayMsMin, oneWayDelayMsMax: plan.latencySpikeOneWayDelayMsMax, ms: plan.latencySpikeMs });
    network.setDelay({ oneWayDelayMsMin, oneWayDelayMsMax: plan.latencySpikeOneWayDelayMsMax });
    time.after(plan.latencySpikeMs, () => {
      if (spellEndsAtMs.get(network) !== endsAtMs) return;
      const { oneWayDelayMsMin: healthyMin, oneWayDelayMsMax: healthyMax } = context.healthyNetwork;
      network.setDelay({ oneWayDelayMsMin: healthyMin, oneWayDelayMsMax: healthyMax });
    });
  },
  tick: { rateField: "latencySpikePerMille", order: 30 },
  planSummary: (plan) => `latency spikes ${plan.latencySpikeOneWayDelayMsMin}–${plan.latencySpikeOneWayDelayMsMax} ms one way for ${plan.latencySpikeMs} ms`,
});
