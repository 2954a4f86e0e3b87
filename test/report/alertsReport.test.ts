/**
 * "Would have alerted" in the HTML report, for the three kinds of run: a real simulator
 * run with a planted stall (scenarios/stalled-run.json: AgentWsRunSilent fired, the other
 * conditions quiet or not judged, with why), and a real soak and load summary
 * (fixtures/alerts/: promtool's verdict on their /metrics, nothing fired). `npm run report`
 * (the real CLI) → the page in headless Chromium, judged on what was drawn.
 *
 * The Chromium half is skipped, saying so, only when /usr/bin/chromium is absent (CI installs it).
 */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReportData } from "../../report/ReportData.ts";
import { CHROMIUM } from "../viewer/chromiumPage.ts";
import { sectionHtml } from "./sectionHtml.ts";

const HAS_CHROMIUM = existsSync(CHROMIUM);
const run = promisify(execFile);

describe("npm run report shows the alert verdicts of sim, soak and load runs", () => {
  const work = mkdtempSync(join(tmpdir(), "report-alerts-"));
  const results = join(work, "results");
  const reportPath = join(work, "report.html");

  beforeAll(async () => {
    cpSync("test/report/fixtures/alerts", results, { recursive: true });
    await run(process.execPath, ["--import", "tsx", "sim/cli.ts", "--seed", "1", "--scenario", "scenarios/stalled-run.json", "--out", results], { env: { ...process.env, CI: "true" } });
    await run(process.execPath, ["--import", "tsx", "report/cli.ts", results, "--out", reportPath]);
  }, 120_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("puts the verdicts in the page's data", () => {
    const json = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(readFileSync(reportPath, "utf8"))?.[1] ?? "";
    const column = (JSON.parse(json) as ReportData).columns[0];
    expect(column?.sims[0]?.alerts).toMatchObject({ line: "would have alerted: AgentWsRunSilent", fired: ["AgentWsRunSilent"], judged: true });
    expect(column?.sims[0]?.alerts?.rows.map((row) => row.state)).toEqual(["fired", "quiet", "quiet", "not judged"]);
    expect(column?.soaks[0]?.alerts).toMatchObject({ line: "would have alerted: nothing (9 rules, 19 evaluations each)", fired: [], judged: true });
    expect(column?.loads[0]?.alerts).toMatchObject({ line: "would have alerted: nothing (9 rules, 9 evaluations each)", fired: [], judged: true });
    expect(column?.verdict.judged).toBe("1 simulator run, 1 load run, 1 soak");
  });

  it.skipIf(!HAS_CHROMIUM)(HAS_CHROMIUM ? "draws them in headless Chromium" : `draws them in headless Chromium — SKIPPED: ${CHROMIUM} is not installed here (CI installs it)`, async () => {
    const dump = await run(CHROMIUM, ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", `--user-data-dir=${join(work, "profile")}`, "--virtual-time-budget=5000", "--dump-dom", pathToFileURL(reportPath).href], {
      maxBuffer: 64 * 1024 * 1024,
    });
    const dom = dump.stdout.replace(/<script[\s\S]*?<\/script>/g, "");
    expect(/<main id="report"[^>]*data-rendered="true"/.test(dom), "the page finished drawing").toBe(true);
    expect(dom.includes('data-rendered="error"'), "no section failed to draw").toBe(false);

    const sim = sectionHtml(dom, "alerts");
    expect(sim).toContain('data-rendered="true"');
    expect(sim).toContain("would have alerted: AgentWsRunSilent");
    expect(sim).toMatch(/data-alert="AgentWsRunSilent" data-state="fired">.*✗ fired.*a run in flight went 70\.0 s without an event/);
    expect(sim).toMatch(/data-alert="AgentWsDeliveryFailureRate" data-state="quiet">/);
    expect(sim).toMatch(/data-alert="AgentWsEventQueueGrowth" data-state="not judged">.*the simulator keeps no series of them/);

    const soak = sectionHtml(dom, "soak");
    expect(soak).toContain('data-rendered="true"');
    expect(soak).toContain("would have alerted: nothing (9 rules, 19 evaluations each)");
    expect(soak).toContain("no alert would have fired");
    expect(soak).toContain('class="alerts alerts-quiet"');

    const load = sectionHtml(dom, "load");
    expect(load).toContain("would have alerted: nothing (9 rules, 9 evaluations each)");
    expect(load).toContain("promtool ran every rule of monitoring/alerts.yml");
  }, 120_000);
});
