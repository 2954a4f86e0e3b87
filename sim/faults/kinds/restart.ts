/** `restart`: the gateway restarts; a new manager, so a new epoch for every user. */
import { perMilleField, systemFaultKind } from "../FaultKind.ts";

/** The gateway restart. */
export const restart = systemFaultKind({
  name: "restart",
  doc: "The gateway restarts (new manager, new epoch for every user) and refuses connections for `restartDowntimeMs`.",
  planFields: {
    restartPerMille: perMilleField("Per tick: the gateway restarts (new manager, new epoch for every user).", { on: [0, 2], heavy: [0, 6] }),
    restartDowntimeMs: { doc: "How long a restart refuses connections, ms.", default: 500, min: 0, max: 600_000 },
  },
  act: (context) => {
    context.count();
    const downtimeMs = context.plan.restartDowntimeMs;
    const old = context.replaceServer(downtimeMs);
    context.trace({ kind: "fault", fault: "restart", downtimeMs });
    for (let userIndex = 0; userIndex < context.usersCount; userIndex += 1) context.mark(`u${userIndex + 1}`, "server restart (new epoch)");
    old.shutdown("restart");
  },
  tick: { rateField: "restartPerMille", order: 10, drawsAtZero: true },
  shrinkRank: 6,
  planSummary: (plan) => `restarts down ${plan.restartDowntimeMs} ms`,
});
