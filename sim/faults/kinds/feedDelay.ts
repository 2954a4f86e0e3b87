/** `feed_delay`: with several instances, one instance's broker feed lags (in order) for a spell. */
import { pickHealthySlot } from "../../cluster/faults/pickHealthySlot.ts";
import { perMilleField, systemFaultKind } from "../FaultKind.ts";

/** One instance's feed lagging by `feedDelayLagMs` for `feedDelaySpellMs`. */
export const feedDelay = systemFaultKind({
  name: "feed_delay",
  doc: "Several instances: for `feedDelaySpellMs`, one instance's broker feed takes `feedDelayLagMs` more per message, order kept: that instance is behind the others.",
  planFields: {
    feedDelayPerMille: perMilleField("Per tick, with several instances: one instance's feed lags for a spell."),
    feedDelayLagMs: { doc: "Extra feed latency during a delay spell, ms.", default: 200, min: 0, max: 60_000 },
    feedDelaySpellMs: { doc: "How long a delay spell lasts, ms.", default: 2_000, min: 0, max: 600_000 },
  },
  act: (context) => {
    const slot = pickHealthySlot(context, "feed_delay");
    if (slot === null || context.cluster === undefined) return;
    const { feedDelayLagMs: lagMs, feedDelaySpellMs: durationMs } = context.plan;
    context.count();
    context.trace({ kind: "fault", fault: "feed_delay", instance: context.cluster.instanceIdOf(slot), lagMs, ms: durationMs });
    context.cluster.disturbFeed(slot, { kind: "delay", lagMs, durationMs });
  },
  tick: { rateField: "feedDelayPerMille", order: 43 },
});
