/**
 * Regression: a start_agent whose claim is held by an instance that died before its run
 * began (server/ports/requestClaims.ts's `held`). Seed 902 of multi-instance-broker-faults:
 * u2-d2 sends q-u2-2 on a connection to i3.1, which claims it and crashes 7 ms later; the
 * client re-sends on its next connection, to i2.2, while i3.1's lease still runs. Before
 * the runtime asked `held` claims again, i2.2's claim was refused and dropped, and the
 * client (which re-sends only on reconnect) never sent it again: liveness "q-u2-2 not
 * started" (pinned as a known issue until then). Now i2.2 asks again every leaseMs / 4
 * and starts the run once i3.1's lease is gone.
 */
import { describe, expect, it } from "vitest";
import { runSimulation } from "../../sim/runSimulation.ts";
import { loadScenario } from "../../sim/scenario/loadScenario.ts";

type Line = Record<string, unknown> & { t: number; kind: string };

describe("a start re-sent while its claim is held by an instance that died (seed 902)", () => {
  it("starts once the dead claimant's lease is gone, within 1.5 × leaseMs of its crash, and the seed passes", () => {
    const scenario = loadScenario("scenarios/multi-instance-broker-faults.json");
    const leaseMs = scenario.cluster?.leaseMs as number;
    const lines: Line[] = [];
    const result = runSimulation(scenario, { seed: 902, onTraceLine: (line) => lines.push(JSON.parse(line) as Line) });
    expect([result.outcome, result.livenessReason]).toEqual(["pass", null]);

    const sends = lines.filter((line) => line.kind === "send" && (line.frame as { request_id?: string }).request_id === "q-u2-2");
    expect(sends.length).toBeGreaterThanOrEqual(2);
    const [first, resend] = sends as [Line, Line];
    const crash = lines.find((line) => line.kind === "fault" && line.fault === "instance_crash" && line.t >= first.t) as Line;
    // The shape this seed pins: the first send's instance crashes before the re-send.
    expect(crash.t).toBeLessThan(resend.t);
    const openedOn = (conn: unknown) => lines.find((line) => line.kind === "open" && line.conn === conn)?.instance;
    expect(openedOn(first.conn)).toBe(crash.instance);
    expect(openedOn(resend.conn)).not.toBe(crash.instance);
    // A run of u2 starts after the re-send (the only start u2 owes then), once the lease is gone.
    const startedAfter = lines.find((line) => line.kind === "emit" && line.user === "u2" && line.type === "agent_started" && line.t >= resend.t) as Line;
    expect(startedAfter).toBeDefined();
    expect(startedAfter.t - crash.t).toBeLessThanOrEqual(leaseMs + leaseMs / 2);
  });
});
