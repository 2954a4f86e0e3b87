/**
 * Invariant 9: the five timing budgets, each judged on its own. Observations come from
 * the first copy of each event any connection of a user received (event `ts` is server
 * time, so every copy carries the same value), except delivery latency, which is
 * measured on every live copy. A silence is judged only between two events of a run
 * that are provably consecutive (every seq between them was seen), so a loss never
 * shows up as a slow run. Timing findings never fail the verdict.
 */
import type { TimingVerdict } from "../CheckerVerdict.ts";
import type { TimingInvariantName } from "../invariants.ts";
import type { ResolvedCheckerOptions } from "../CheckerOptions.ts";
import { LatencyReservoir } from "./LatencyReservoir.ts";
import { NO_FINDINGS, type Finding } from "./ViolationSink.ts";

interface Tally {
  samples: number;
  worst: number | null;
  overBudget: number;
}

/** See the module comment. */
export class TimingTracker {
  /** Live delivery latency (receivedAtMs minus ts). */
  readonly deliveryLatency: LatencyReservoir;
  private readonly tallies = new Map<TimingInvariantName, Tally>();

  constructor(private readonly options: ResolvedCheckerOptions) {
    this.deliveryLatency = new LatencyReservoir(options.latencySamplesMax);
  }

  /** agent_started.ts minus the start_agent send time. */
  startLatency(latencyMs: number, context: { subject: string; requestId: string; runId: string; seq: number }): readonly Finding[] {
    const budget = this.options.startLatencyBudgetMs;
    if (!this.tally("timing_start_latency", latencyMs, latencyMs > budget)) return NO_FINDINGS;
    return [
      {
        invariant: "timing_start_latency",
        kind: "slow_start",
        runId: context.runId,
        seqs: [context.seq],
        message: `${context.subject}: agent_started (seq ${context.seq}) was emitted ${latencyMs} ms after start_agent ${context.requestId} was sent, over the ${budget} ms budget.`,
      },
    ];
  }

  /** Silence between two consecutive events of a run that had not completed (on event ts). */
  thinkingInterval(silenceMs: number, context: { subject: string; runId: string; fromSeq: number; toSeq: number }): readonly Finding[] {
    const budget = this.options.thinkingIntervalBudgetMs;
    if (!this.tally("timing_thinking_interval", silenceMs, silenceMs > budget)) return NO_FINDINGS;
    return [
      {
        invariant: "timing_thinking_interval",
        kind: "silent_run",
        runId: context.runId,
        seqs: [context.fromSeq, context.toSeq],
        message: `${context.subject}: the run was silent for ${silenceMs} ms between seq ${context.fromSeq} and seq ${context.toSeq}, over the ${budget} ms budget.`,
      },
    ];
  }

  /** tool_completed.ts minus tool_executing.ts, against the declared duration. */
  toolDuration(
    durationMs: number,
    context: { subject: string; runId: string; toolName: string; declaredMs: number; executionId: string; seq: number },
  ): readonly Finding[] {
    const slack = this.options.toolDurationSlackMs;
    const overrunMs = durationMs - context.declaredMs;
    if (!this.tally("timing_tool_duration", overrunMs, overrunMs > slack)) return NO_FINDINGS;
    return [
      {
        invariant: "timing_tool_duration",
        kind: "slow_tool",
        runId: context.runId,
        seqs: [context.seq],
        message: `${context.subject}: tool ${context.toolName} (execution ${context.executionId}) took ${durationMs} ms, ${overrunMs} ms over its declared ${context.declaredMs} ms, more than the ${slack} ms slack.`,
      },
    ];
  }

  /** agent_completed.ts minus agent_started.ts. */
  runDuration(durationMs: number, context: { subject: string; runId: string; seq: number }): readonly Finding[] {
    const budget = this.options.runDurationBudgetMsForRun?.(context.runId) ?? this.options.runDurationBudgetMs;
    if (!this.tally("timing_run_duration", durationMs, durationMs >= budget)) return NO_FINDINGS;
    return [
      {
        invariant: "timing_run_duration",
        kind: "slow_run",
        runId: context.runId,
        seqs: [context.seq],
        message: `${context.subject}: the run took ${durationMs} ms from agent_started to agent_completed (seq ${context.seq}), not under the ${budget} ms budget.`,
      },
    ];
  }

  /** The delivery latency finding at the end of a run, if its p99 is over budget. */
  deliveryLatencyFinding(): readonly Finding[] {
    const summary = this.deliveryLatency.summary();
    const budget = this.options.deliveryLatencyP99BudgetMs;
    if (summary.count === 0 || summary.p99 < budget) return NO_FINDINGS;
    return [
      {
        invariant: "timing_delivery_latency",
        kind: "slow_delivery",
        message: `live delivery latency p99 was ${summary.p99} ms over ${summary.count} events (max ${summary.max} ms), not under the ${budget} ms budget.`,
      },
    ];
  }

  /** One verdict per timing budget, in INVARIANTS order. */
  verdicts(): TimingVerdict[] {
    const summary = this.deliveryLatency.summary();
    const deliveryBudget = this.options.deliveryLatencyP99BudgetMs;
    const deliveryOver = summary.count > 0 && summary.p99 >= deliveryBudget;
    const rows: [TimingInvariantName, number][] = [
      ["timing_start_latency", this.options.startLatencyBudgetMs],
      ["timing_thinking_interval", this.options.thinkingIntervalBudgetMs],
      ["timing_tool_duration", this.options.toolDurationSlackMs],
      ["timing_run_duration", this.options.runDurationBudgetMs],
    ];
    const judged = rows.map(([name, budget]): TimingVerdict => {
      const tally = this.tallies.get(name) ?? { samples: 0, worst: null, overBudget: 0 };
      return { name, ok: tally.overBudget === 0, observed: tally.worst, budget, unit: "ms", samples: tally.samples, overBudget: tally.overBudget };
    });
    judged.push({
      name: "timing_delivery_latency",
      ok: !deliveryOver,
      observed: summary.count === 0 ? null : summary.p99,
      budget: deliveryBudget,
      unit: "ms",
      samples: summary.count,
      overBudget: deliveryOver ? 1 : 0,
    });
    return judged;
  }

  /** Counts one observation; true when it is over budget. */
  private tally(name: TimingInvariantName, value: number, over: boolean): boolean {
    const tally = this.tallies.get(name) ?? { samples: 0, worst: null, overBudget: 0 };
    tally.samples += 1;
    tally.worst = tally.worst === null ? value : Math.max(tally.worst, value);
    if (over) tally.overBudget += 1;
    this.tallies.set(name, tally);
    return over;
  }
}
