/**
 * The soak's monitoring flags: the /metrics recording interval and the planted stall,
 * with a clear usage error for each misuse; the repro line carries the stall; and the
 * recorder keeps only what the rules can read.
 */
import { describe, expect, test } from "vitest";
import { UsageError } from "../../server/cli/parseCliArgs.ts";
import { recordableLines } from "../../load/soak/createMetricsRecorder.ts";
import { parseSoakArgs, soakReproduceLine } from "../../load/soak/parseSoakArgs.ts";
import { parseMetricsRecording, promtoolInputSeries } from "../../load/soak/parseMetricsRecording.ts";
import { metricsUrlOf } from "../../load/soak/runSoak.ts";

describe("soak monitoring flags", () => {
  test("a recording every 5 s by default, none with 0; a stall only when asked, 10 s into the load by default", () => {
    expect(parseSoakArgs([], {})).toMatchObject({ metricsEveryMs: 5_000, stall: null });
    expect(parseSoakArgs(["--metrics-every-seconds", "0"], {})).toMatchObject({ metricsEveryMs: 0 });
    const config = parseSoakArgs(["--seconds", "90", "--stall-seconds", "70"], {});
    expect(config).toMatchObject({ stall: { atMs: 10_000, durationMs: 70_000 } });
    if (config.help) throw new Error("unexpected help");
    expect(soakReproduceLine(config)).toMatch(/ --stall-seconds 70 --stall-at-seconds 10$/);
  });

  test.each([
    [["--stall-seconds", "70", "--target", "ws://127.0.0.1:1/ws", "--secret", "s"], /needs the in-process server/],
    [["--seconds", "30", "--stall-seconds", "70", "--stall-at-seconds", "30"], /must fall inside the soak/],
    [["--stall-at-seconds", "5"], /only goes with --stall-seconds/],
    [["--metrics-every-seconds", "often"], /--metrics-every-seconds must be a whole number/],
  ])("%j is a usage error naming the flag", (argv, message) => {
    expect(() => parseSoakArgs(argv, {})).toThrow(UsageError);
    expect(() => parseSoakArgs(argv, {})).toThrow(message);
  });

  test("the /metrics URL of a WebSocket URL", () => {
    expect(metricsUrlOf("ws://127.0.0.1:8080/ws?x=1")).toBe("http://127.0.0.1:8080/metrics");
    expect(metricsUrlOf("wss://events.example.com/agent/ws")).toBe("https://events.example.com/metrics");
  });
});

describe("metrics recording", () => {
  const exposition = [
    "# HELP agent_ws_connections_open Open WebSocket connections, all users",
    "# TYPE agent_ws_connections_open gauge",
    "agent_ws_connections_open 3",
    'agent_ws_connections{user="u1"} 2',
    'agent_ws_send_failures_total{stage="sync"} 0',
    "process_cpu_user_seconds_total 1.5",
    "",
  ].join("\n");

  test("keeps agent_ws_ samples with the scrape time, drops HELP/TYPE, per-user labels and other families", () => {
    expect(recordableLines(exposition, 1_000)).toEqual(["agent_ws_connections_open 3 1000", 'agent_ws_send_failures_total{stage="sync"} 0 1000']);
  });

  test("a recording becomes promtool input: one value per 5 s slot, a missed scrape as _, the labels added", () => {
    const text = [
      "# scrape 1 at 10000",
      ...recordableLines(exposition, 10_000),
      "# note 12000 stall_started 70000 ms",
      "# scrape 2 at 15010",
      "agent_ws_connections_open 4 15010",
      // scrape 3 (20 s) failed
      "# scrape 3 at 24990",
      "agent_ws_connections_open 5 24990",
      'agent_ws_send_failures_total{stage="sync"} 2 24990',
    ].join("\n");
    const recording = parseMetricsRecording(text);
    expect(recording.notes).toEqual([{ atMs: 12_000, text: "stall_started 70000 ms" }]);
    expect(promtoolInputSeries(recording, { intervalMs: 5_000, labels: { job: "agent-ws" } })).toEqual([
      { series: 'agent_ws_connections_open{job="agent-ws"}', values: "3 4 _ 5" },
      { series: 'agent_ws_send_failures_total{stage="sync",job="agent-ws"}', values: "0 _ _ 2" },
    ]);
  });

  test("a file that is not a recording is refused naming the line", () => {
    expect(() => parseMetricsRecording("agent_ws_connections_open 3 1000\n")).toThrow(/line 1: expected "# scrape/);
  });
});
