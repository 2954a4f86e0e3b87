/**
 * Every shipped scenario is valid, exercises what it claims, and passes on the real
 * manager for a handful of seeds (the 1000-seed sweep is `npm run sim -- --scenario all
 * --seeds 1..1000`; CI runs 50 per scenario).
 */
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runSimulation } from "../../sim/runSimulation.ts";
import { loadScenario, parseScenario } from "../../sim/scenario/loadScenario.ts";

const files = readdirSync("scenarios").filter((name) => name.endsWith(".json")).sort();

describe("shipped scenarios", () => {
  it("ship the seven the toolkit promises, and more", () => {
    for (const name of ["golden-path", "multi-user-isolation", "reconnect-storm", "slow-consumers", "tool-failures", "long-running-agent", "burst"]) {
      expect(files).toContain(`${name}.json`);
    }
  });

  it.each(files)("%s passes seeds 1-5 with every invariant checked", (file) => {
    const scenario = loadScenario(`scenarios/${file}`);
    for (let seed = 1; seed <= 5; seed += 1) {
      const result = runSimulation(scenario, { seed });
      const first = result.verdict?.safety[0] ?? result.verdict?.liveness[0];
      expect(result.outcome, `seed ${seed}: ${first?.message ?? result.livenessReason ?? result.crash ?? ""}`).toBe("pass");
      expect(result.totals.runsCompleted).toBe(result.totals.runsRequested);
      expect(result.verdict?.counts.events).toBeGreaterThan(0);
    }
  });

  it("exercise what they are named after", () => {
    const faultsOf = (file: string, seeds: number) => {
      const totals: Record<string, number> = {};
      const decisions = new Set<string>();
      for (let seed = 1; seed <= seeds; seed += 1) {
        runSimulation(loadScenario(`scenarios/${file}`), {
          seed,
          onTraceLine: (line) => {
            const parsed = JSON.parse(line) as { kind: string; fault?: string; decision?: string };
            if (parsed.kind === "fault" && parsed.fault !== undefined) totals[parsed.fault] = (totals[parsed.fault] ?? 0) + 1;
            if (parsed.kind === "decision" && parsed.decision !== undefined) decisions.add(parsed.decision);
          },
        });
      }
      return { totals, decisions };
    };
    expect(faultsOf("reconnect-storm.json", 5).totals.storm).toBeGreaterThan(0);
    expect(faultsOf("server-restarts.json", 5).totals.restart).toBeGreaterThan(0);
    const slow = faultsOf("slow-consumers.json", 5);
    expect(slow.decisions).toContain("slow_consumer");
    expect(slow.decisions).toContain("resync_required");
    const long = runSimulation(loadScenario("scenarios/long-running-agent.json"), { seed: 1 });
    expect(long.verdict?.timing.find((timing) => timing.name === "timing_thinking_interval")).toMatchObject({ ok: true });
    expect(long.verdict?.counts.eventsByType.agent_thinking).toBeGreaterThan(10);
  });

  it("drive each limit they set with small values", () => {
    /** Counts of decisions (with their reason), faults, and received completions by final response, over seeds 1-5. */
    const countsOf = (file: string) => {
      const counts: Record<string, number> = {};
      const add = (key: string, by = 1) => (counts[key] = (counts[key] ?? 0) + by);
      for (let seed = 1; seed <= 5; seed += 1) {
        const result = runSimulation(loadScenario(`scenarios/${file}`), {
          seed,
          onTraceLine: (line) => {
            const parsed = JSON.parse(line) as { kind: string; fault?: string; decision?: string; reason?: string; count?: number; frame?: { type?: string; data?: { final_response?: string } } };
            if (parsed.kind === "fault") add(`fault ${parsed.fault ?? ""}`);
            if (parsed.kind === "decision") add(`${parsed.decision ?? ""}${parsed.reason === undefined ? "" : ` ${parsed.reason}`}`);
            if (parsed.kind === "decision" && parsed.decision === "replayed") counts["replayed most"] = Math.max(counts["replayed most"] ?? 0, parsed.count ?? 0);
            if (parsed.frame?.type === "agent_completed" && parsed.frame.data?.final_response?.includes("run exceeded 3000 ms") === true) add("deadline completion");
          },
        });
        expect(result.outcome, `${file} seed ${seed}`).toBe("pass");
      }
      return counts;
    };
    expect(countsOf("run-deadline.json")["deadline completion"]).toBeGreaterThan(5);
    const eviction = countsOf("idle-eviction.json");
    expect(eviction["stream_evicted idle_timeout"]).toBeGreaterThan(0);
    expect(eviction["stream_evicted users_retained_max"]).toBeGreaterThan(0);
    expect(eviction["resync_required"]).toBeGreaterThan(0);
    const silence = countsOf("heartbeat-silence.json");
    expect(silence["fault stop_pongs"]).toBeGreaterThan(0);
    expect(silence["heartbeat_timeout"]).toBe(silence["fault stop_pongs"]);
    // A resume backlog of many times the socket bound (1 KiB): each partial_result is over 350 bytes on the wire.
    const backlog = countsOf("resume-backlog.json");
    expect((backlog["replayed most"] ?? 0) * 350).toBeGreaterThan(15 * 1024);
    expect(backlog["slow_consumer"]).toBeUndefined();
    // Each misbehaving client is answered as the protocol says: one rate limit, frame bound or protocol_error per fault (a binary frame, an unknown script).
    const misbehaving = countsOf("misbehaving-clients.json");
    expect(misbehaving["fault flood"]).toBeGreaterThan(0);
    expect(misbehaving["rate_limited"]).toBe(misbehaving["fault flood"]);
    expect(misbehaving["frame_too_big"]).toBe(misbehaving["fault oversized_frame"]);
    expect(misbehaving["fault unknown_script"]).toBeGreaterThan(0);
    expect(misbehaving["protocol_error"]).toBe((misbehaving["fault binary_frame"] ?? 0) + (misbehaving["fault unknown_script"] ?? 0));
    // Other users' cancels of a run are sent (and refused: the cancel judge passes these seeds).
    expect(countsOf("tool-failures.json")["fault foreign_cancel"]).toBeGreaterThan(0);
    // Lost claim answers are asked again: every start of multi-instance-churn starts (its seeds pass), and some answers were lost.
    expect(countsOf("multi-instance-churn.json")["fault claim_answer_lost"]).toBeGreaterThan(0);
    // More than 1024 events through one user's buffer: enough for its compaction to have to run.
    expect(runSimulation(loadScenario("scenarios/long-stream.json"), { seed: 1 }).totals.eventsEmitted).toBeGreaterThan(1_024 + 16);
  });

  it("reject a misspelt manager or runtime limit, naming the file, the field and the known names", () => {
    const base = { name: "x", description: "x", users: 1, runsPerUser: 1, scripts: ["golden-path"] };
    expect(() => parseScenario({ ...base, managerLimits: { replayEventMax: 5 } }, "scenarios/x.json")).toThrow(
      /^scenarios\/x\.json: managerLimits: unknown manager limit "replayEventMax" \(known: replayEventsMax, /,
    );
    expect(() => parseScenario({ ...base, runtimeLimits: { runDeadlineMs: 5 } }, "scenarios/x.json")).toThrow(/runtimeLimits: unknown runtime limit "runDeadlineMs" \(known: thinkingIntervalMs, runDurationMsMax, /);
    expect(() => parseScenario({ ...base, runtimeLimits: { runDurationMsMax: 0 } }, "scenarios/x.json")).toThrow("scenarios/x.json: runtimeLimits.runDurationMsMax: must be >= 1");
    expect(parseScenario({ ...base, runtimeLimits: { runDurationMsMax: 5 } }, "scenarios/x.json").runtimeLimits).toEqual({ runDurationMsMax: 5 });
  });
});
