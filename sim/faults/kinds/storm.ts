/** `storm`: a reconnect storm; every connection drops at once and all reconnect within a window. */
import { perMilleField, systemFaultKind } from "../FaultKind.ts";

/** The reconnect storm. */
export const storm = systemFaultKind({
  name: "storm",
  doc: "Every open connection drops at once and all reconnect within `stormWindowMs`.",
  planFields: {
    stormPerMille: perMilleField("Per tick: a reconnect storm, every connection drops at once and all reconnect within `stormWindowMs`.", { on: [0, 3], heavy: [0, 10] }),
    stormWindowMs: { doc: "Spread of reconnects after a storm, ms.", default: 1_000, min: 0, max: 600_000 },
  },
  act: (context) => {
    context.count();
    context.trace({ kind: "fault", fault: "storm" });
    for (const device of context.devices) {
      if (device.connectionId === null) continue;
      context.mark(device.userId, `reconnect storm hits ${device.connectionId}`);
      device.reconnect(context.random.integer(0, context.plan.stormWindowMs));
    }
  },
  tick: { rateField: "stormPerMille", order: 20, drawsAtZero: true },
  shrinkRank: 5,
  planSummary: (plan) => `storms spread over ${plan.stormWindowMs} ms`,
});
