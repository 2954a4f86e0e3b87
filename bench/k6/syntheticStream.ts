/**
 * A synthetic golden-path stream for checker benchmarks (k6 and Node alike): what one
 * user's connection receives, as JSON text, with no engine API in sight.
 */

/** The frames a golden-path user receives: `connected`, then `runs` runs of seven events, interleaved six at a time. */
export function syntheticStream(runs: number): string[] {
  const frames: string[] = [JSON.stringify({ type: "connected", user_id: "u1", connection_id: "c1", epoch: "e1", last_seq: 0 })];
  let seq = 0;
  const startMs = 1_700_000_000_000;
  const eventOf = (runIndex: number, type: string, data: Record<string, unknown>): string => {
    seq += 1;
    return JSON.stringify({ type, seq, epoch: "e1", run_id: `r${runIndex}`, user_id: "u1", ts: startMs + seq, data });
  };
  const stepsOf = (runIndex: number): (() => string)[] => {
    const agentId = `a${runIndex}`;
    return [
      () => eventOf(runIndex, "agent_started", { agent_id: agentId, agent_type: "performance_analyst", user_id: "u1", timestamp: startMs }),
      () => eventOf(runIndex, "agent_thinking", { agent_id: agentId, thinking_content: "Understanding the request: analyze system performance.", step_number: 1 }),
      () => eventOf(runIndex, "tool_executing", { tool_name: "metrics_query", tool_args: { window: "15m", service: "checkout" }, execution_id: `x${runIndex}` }),
      () => eventOf(runIndex, "tool_completed", { tool_name: "metrics_query", execution_id: `x${runIndex}`, result_summary: "p99 latency 840 ms on orders-db", status: "ok" }),
      () => eventOf(runIndex, "partial_result", { agent_id: agentId, content: "The slowest path is the orders-db query on created_at." }),
      () => eventOf(runIndex, "agent_thinking", { agent_id: agentId, thinking_content: "Checking the index usage.", step_number: 2 }),
      () => eventOf(runIndex, "agent_completed", { agent_id: agentId, final_response: "Add an index on orders.created_at.", execution_time: 1.4, status: "success" }),
    ];
  };
  const inFlight = 6;
  for (let first = 0; first < runs; first += inFlight) {
    const batch = [];
    for (let runIndex = first; runIndex < Math.min(runs, first + inFlight); runIndex += 1) batch.push(stepsOf(runIndex));
    for (let step = 0; step < 7; step += 1) for (const steps of batch) frames.push((steps[step] as () => string)());
  }
  return frames;
}
