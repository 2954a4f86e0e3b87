/** `feed_reorder`: with several instances, one instance's broker feed arrives out of order for a spell. */
import { pickHealthySlot } from "../../cluster/faults/pickHealthySlot.ts";
import { perMilleField, systemFaultKind } from "../FaultKind.ts";

/** One instance's feed reordered (each message 0..`feedReorderLagMs` late) for `feedReorderSpellMs`. */
export const feedReorder = systemFaultKind({
  name: "feed_reorder",
  doc: "Several instances: for `feedReorderSpellMs`, each message of one instance's broker feed takes 0..`feedReorderLagMs` more, so they arrive out of order: the instance must fill each hole from the stream, or resume its clients.",
  planFields: {
    feedReorderPerMille: perMilleField("Per tick, with several instances: one instance's feed reorders for a spell."),
    feedReorderLagMs: { doc: "Largest extra latency of one feed message during a reorder spell, ms.", default: 200, min: 0, max: 60_000 },
    feedReorderSpellMs: { doc: "How long a reorder spell lasts, ms.", default: 2_000, min: 0, max: 600_000 },
  },
  act: (context) => {
    const slot = pickHealthySlot(context, "feed_reorder");
    if (slot === null || context.cluster === undefined) return;
    const { feedReorderLagMs: lagMs, feedReorderSpellMs: durationMs } = context.plan;
    context.count();
    context.trace({ kind: "fault", fault: "feed_reorder", instance: context.cluster.instanceIdOf(slot), lagMs, ms: durationMs });
    context.cluster.disturbFeed(slot, { kind: "reorder", lagMs, durationMs });
  },
  tick: { rateField: "feedReorderPerMille", order: 44 },
});
