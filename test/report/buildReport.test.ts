/**
 * The report's data from result files: the tolerant readers (sim, sweep, k6 in both
 * layouts, bug zoo), the verdict in words, compare mode, and the page's escaping.
 * Fixtures: test/report/fixtures (see its README).
 */
import { describe, expect, it } from "vitest";
import { buildReport } from "../../report/buildReport.ts";
import { renderReportHtml } from "../../report/renderReportHtml.ts";
import type { ReportData } from "../../report/ReportData.ts";

const HAND_MADE = "test/report/fixtures/hand-made";
const MIXED = "test/report/fixtures/mixed";
const options = { command: "npm run report -- test", generatedAt: "2024-11-22T00:00:00.000Z" };

describe("buildReport on a simulator run", async () => {
  const data = await buildReport([HAND_MADE], options);
  const column = data.columns[0];
  const run = column?.sims[0];

  it("judges the run and says why in words", () => {
    expect(column?.verdict.ok).toBe(false);
    expect(column?.verdict.reasons).toEqual(["seed 3 · multi-user-isolation · planted cross-user-leak: safety violation — isolation ×1"]);
    expect(column?.verdict.judged).toBe("1 simulator run");
  });

  it("explains each violation and moves the checker's time onto the trace clock", () => {
    const violation = run?.verdict?.violations[0];
    expect(violation).toMatchObject({ invariant: "isolation", protocolNumber: 6, connectionId: "u2-d1#1", seqs: [5], repro: run?.repro });
    expect(violation?.meaning).toContain("privacy leak");
    expect(violation?.rule).toBe("A connection only receives frames of its own authenticated user.");
    const lane = run?.trace?.users.find((user) => user.userId === "u2")?.lanes[0];
    const leaked = lane?.marks.find((mark) => mark.seq === 5);
    expect(leaked?.flagged).toBe(true);
    expect(violation?.atMs).toBe(leaked?.t);
  });

  it("describes the fault plan in words and keeps the summary's moments", () => {
    expect(run?.faultPlan[0]).toBe("drop 4‰");
    expect(run?.faultPlan).toContain("tool failure 50‰");
    expect(run?.moments[0]).toEqual({ userId: "u1", t: 300, what: "run r-1 started (golden-path)" });
  });
});

describe("buildReport on sweeps, load runs and a bug zoo", async () => {
  const data = await buildReport([MIXED], options);
  const column = data.columns[0];

  it("fails for a failing sweep seed, a failed threshold and a missed bug, and lists unreadable files", () => {
    expect(column?.verdict.ok).toBe(false);
    expect(column?.verdict.reasons).toEqual([
      "sweep sim-sweep-summary.json: 3 of 200 seed runs failed (2 safety, 1 liveness)",
      "load run ws-fanout: 1 threshold(s) failed — event_delivery_latency p(99)<50",
      "bug zoo bug-zoo.json: 1 planted bug(s) not caught — late-agent-started",
    ]);
    expect(column?.problems.map((problem) => problem.path).sort()).toEqual(["broken/sim-sweep-summary.json", "broken/summary.json"]);
    expect(column?.problems.find((problem) => problem.path === "broken/summary.json")?.problem).toContain("seed");
  });

  it("reads k6's handleSummary layout: thresholds with the value they judged", () => {
    const load = column?.loads.find((candidate) => candidate.name === "ws-fanout");
    expect(load?.durationMs).toBe(60012.5);
    expect(load?.thresholds).toContainEqual({ metric: "event_delivery_latency", expression: "p(99)<50", ok: false, statistic: "p(99)", value: 61.4, unit: "ms" });
    expect(load?.thresholds).toContainEqual({ metric: "checks", expression: "rate>0.99", ok: true, statistic: "rate", value: 1, unit: "" });
  });

  it("reads time series from a k6 --out json file beside the summary, per second", () => {
    const load = column?.loads.find((candidate) => candidate.name === "ws-fanout");
    const events = load?.series.find((series) => series.kind === "events");
    const connections = load?.series.find((series) => series.kind === "connections");
    expect(events?.name).toBe("agent_events_received per second");
    expect(events?.points).toHaveLength(60);
    expect(connections?.points[10]).toEqual({ t: 10_000, value: 400 });
  });

  it("reads k6's --summary-export layout, where a threshold's true means it failed", () => {
    const legacy = column?.loads.find((candidate) => candidate.name === "reconnect-legacy");
    // That layout does not say what a metric contains, so no unit is claimed.
    expect(legacy?.thresholds).toEqual([
      { metric: "event_delivery_latency", expression: "p(95)<40", ok: true, statistic: "p(95)", value: 12, unit: "" },
      { metric: "checks", expression: "rate>0.99", ok: true, statistic: "rate", value: 1, unit: "" },
    ]);
    expect(legacy?.seriesNote).toContain("No time series");
  });

  it("tells caught, caught by another invariant and missed apart in the bug zoo", () => {
    expect(column?.bugZoos[0]?.rows.map((row) => [row.bug, row.status])).toEqual([
      ["duplicate-on-resume", "caught"],
      ["cross-user-leak", "caught"],
      ["silent-gap-on-overflow", "caught-as-other"],
      ["late-agent-started", "missed"],
    ]);
  });

  it("summarizes the sweep for its chart", () => {
    expect(column?.sweeps[0]).toMatchObject({ seeds: 200, failuresByOutcome: { safety: 2, liveness: 1 }, seedsPerSecond: 61.3, partial: false, seedsPlanned: null });
  });

  it("reads the sweep's per-scenario table", () => {
    expect(column?.sweeps[0]?.perScenario.map((row) => [row.scenario, row.seeds, row.passed, row.failed, row.firstFailingSeed])).toEqual([
      ["scenarios/golden-path.json", 100, 99, 1, 143],
      ["scenarios/reconnect-storm.json", 100, 98, 2, 17],
    ]);
  });
});

describe("compare mode", async () => {
  const data = await buildReport([HAND_MADE, HAND_MADE], options);

  it("pairs runs of the same scenario and reports what changed", () => {
    expect(data.columns.map((column) => column.label)).toEqual(["A", "B"]);
    const pair = data.comparison?.pairs[0];
    expect(pair?.idA).toBe("a-sim-0");
    expect(pair?.idB).toBe("b-sim-0");
    expect(pair?.rows.every((row) => row.change === "same")).toBe(true);
    expect(pair?.latency.countsA).toEqual(pair?.latency.countsB);
    expect(data.comparison?.unpaired).toEqual([]);
  });
});

describe("renderReportHtml", () => {
  it("cannot be broken out of by text in the data", async () => {
    const data: ReportData = { ...(await buildReport([HAND_MADE], options)), title: "</script><script>alert(1)</script>" };
    const html = renderReportHtml(data, { script: "console.log('</script>')", styles: "" });
    expect(html).not.toContain("<script>alert(1)");
    expect(html).toContain("&#60;/script&#62;");
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    const json = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? "";
    expect((JSON.parse(json) as ReportData).title).toBe(data.title);
  });
});
