/** `failover`: with several instances, the broker fails over to a replica that lacks its newest appends. */
import { perMilleField, systemFaultKind } from "../FaultKind.ts";

/** A broker failover losing appends younger than `replicationLagMs`. */
export const failover = systemFaultKind({
  name: "failover",
  doc: "Several instances: the broker fails over to a replica without the last `replicationLagMs` of appends and every instance is cut for `failoverDowntimeMs`; a stream that lost any gets a new epoch, so every resume into it gets resync_required, never a silent gap.",
  planFields: {
    failoverPerMille: perMilleField("Per tick, with several instances: the broker fails over, losing its unreplicated appends."),
    replicationLagMs: { doc: "Appends younger than this at a failover were not replicated and are lost, ms.", default: 50, min: 0, max: 60_000 },
    failoverDowntimeMs: { doc: "How long every instance is cut from the broker during a failover, ms.", default: 200, min: 0, max: 600_000 },
  },
  act: (context) => {
    const cluster = context.cluster;
    if (cluster === undefined) {
      context.trace({ kind: "fault_skipped", fault: "failover", why: "one instance: no shared broker" });
      return;
    }
    const { replicationLagMs, failoverDowntimeMs: downtimeMs } = context.plan;
    const lost = cluster.failover(replicationLagMs, downtimeMs);
    context.count();
    context.trace({ kind: "fault", fault: "failover", replicationLagMs, downtimeMs, historyLost: lost });
    for (const userId of lost) context.mark(userId, "broker failover lost unreplicated appends (new epoch)");
  },
  tick: { rateField: "failoverPerMille", order: 40 },
});
