/**
 * End to end: a FAILING simulator run (a planted cross-user leak) → `npm run report`
 * → report.html opened in headless Chromium, asserting that the verdict, the
 * violations, the timeline and the latency chart are not only present but drawn
 * (the page sets data-rendered="true" once chart.js has a sized canvas). Leaves a
 * screenshot in $TMPDIR/agent-event-proof-report-screenshot.png for people to look at.
 *
 * The Chromium half is skipped, saying so, only when /usr/bin/chromium is absent
 * (CI installs it).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sectionHtml } from "./sectionHtml.ts";

const CHROMIUM = "/usr/bin/chromium";
const HAS_CHROMIUM = existsSync(CHROMIUM);
/** Outside results/ (tests never write there) and outside the removed work folder, so people can look at it. */
const SCREENSHOT = join(tmpdir(), "agent-event-proof-report-screenshot.png");

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (or `timeoutMs`), collecting its output. */
function run(command: string, args: readonly string[], options: { timeoutMs: number }): Promise<Finished> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
    child.on("error", fail);
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

/** The flags the brief asks for: headless, no sandbox, nothing phoning home, a fresh profile. */
function chromiumArgs(profile: string): string[] {
  return ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", `--user-data-dir=${profile}`, "--hide-scrollbars"];
}

/** The opening tags of every element with data-section="name" in a serialized DOM. */
function sectionTags(dom: string, name: string): string[] {
  return [...dom.matchAll(new RegExp(`<section[^>]*data-section="${name}"[^>]*>`, "g"))].map((match) => match[0]);
}


describe("npm run report on a failing simulator run", () => {
  let work: string;
  let resultsDir: string;
  let reportPath: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "report-test-"));
    resultsDir = join(work, "results");
    const sim = await run(process.execPath, ["--import", "tsx", "sim/cli.ts", "--seed", "3", "--plant", "cross-user-leak", "--out", resultsDir], { timeoutMs: 120_000 });
    // Exit 1 = safety violation: the planted bug was caught, which is what this test needs.
    expect(sim.code, `sim should fail with a safety violation\n${sim.stdout}\n${sim.stderr}`).toBe(1);
    const report = await run(process.execPath, ["--import", "tsx", "report/cli.ts", resultsDir], { timeoutMs: 120_000 });
    expect(report.code, report.stderr).toBe(0);
    reportPath = join(resultsDir, "report.html");
    expect(report.stdout).toContain(reportPath);
    expect(report.stdout).toContain("FAIL");
  }, 240_000);

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it("writes one self-contained page with the data and chart.js inside", () => {
    const html = readFileSync(reportPath, "utf8");
    expect(html).toContain('<script type="application/json" id="report-data">');
    expect(html).not.toMatch(/<script[^>]+src=/); // nothing fetched
    expect(html).not.toMatch(/<link[^>]+href=/);
    expect(html).toContain("Chart.js"); // the bundled library's licence banner
    const json = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? "";
    const data = JSON.parse(json) as { columns: Array<{ verdict: { ok: boolean; reasons: string[] }; sims: Array<{ outcome: string; verdict: { violations: Array<{ invariant: string }> } }> }> };
    const column = data.columns[0];
    expect(column?.verdict.ok).toBe(false);
    expect(column?.verdict.reasons.join(" ")).toContain("isolation");
    expect(column?.sims[0]?.outcome).toBe("safety");
    expect(column?.sims[0]?.verdict.violations.some((violation) => violation.invariant === "isolation")).toBe(true);
  });

  it.skipIf(!HAS_CHROMIUM)(
    HAS_CHROMIUM ? "renders the verdict, violations, timeline and latency chart in headless Chromium" : `renders in headless Chromium — SKIPPED: ${CHROMIUM} is not installed here (CI installs it)`,
    async () => {
      const url = pathToFileURL(reportPath).href;
      const dump = await run(CHROMIUM, [...chromiumArgs(join(work, "profile-dom")), "--virtual-time-budget=5000", "--dump-dom", url], { timeoutMs: 90_000 });
      expect(dump.code, dump.stderr).toBe(0);
      // The page's own script (and its JSON) would match any text; judge only what was drawn.
      const dom = dump.stdout.replace(/<script[\s\S]*?<\/script>/g, "");

      expect(/<main id="report"[^>]*data-rendered="true"/.test(dom), "the page finished drawing").toBe(true);
      expect(dom.includes('data-rendered="error"'), "no section failed to draw").toBe(false);
      expect(dom.includes("failed to draw"), "no chart failed to draw").toBe(false);

      // The verdict: big FAIL, and why.
      const [verdict] = sectionTags(dom, "verdict");
      expect(verdict).toContain('data-verdict="fail"');
      expect(verdict).toContain('data-rendered="true"');
      expect(sectionHtml(dom, "verdict")).toContain("FAIL");
      expect(sectionHtml(dom, "verdict")).toContain("isolation");

      // The violations, in words, with the repro.
      const violations = sectionHtml(dom, "violations");
      expect(sectionTags(dom, "violations")[0]).toContain('data-rendered="true"');
      expect(violations).toContain('data-invariant="isolation"');
      expect(violations).toContain("A user received an event that belongs to another user");
      expect(violations).toMatch(/belonging to user u\d/);
      expect(violations).toContain("npm run sim -- --seed 3 --scenario scenarios/multi-user-isolation.json --plant cross-user-leak");

      // The timeline: drawn, with event marks and the leaked events ringed.
      const timeline = sectionHtml(dom, "timeline");
      expect(sectionTags(dom, "timeline")[0]).toContain('data-rendered="true"');
      expect((timeline.match(/class="mark/g) ?? []).length).toBeGreaterThan(20);
      expect(timeline).toContain('class="flagged"');
      expect(timeline).toContain('data-type="tool_executing"');

      // The latency chart: chart.js drew into a canvas with a size.
      const latency = sectionHtml(dom, "latency");
      expect(sectionTags(dom, "latency")[0]).toContain('data-rendered="true"');
      const canvases = [...latency.matchAll(/<canvas[^>]*width="(\d+)"[^>]*height="(\d+)"/g)];
      expect(canvases.length).toBeGreaterThanOrEqual(2);
      for (const canvas of canvases) {
        expect(Number(canvas[1])).toBeGreaterThan(0);
        expect(Number(canvas[2])).toBeGreaterThan(0);
      }
      for (const name of ["throughput", "connections"]) expect(sectionTags(dom, name)[0]).toContain('data-rendered="true"');

      rmSync(SCREENSHOT, { force: true });
      const shot = await run(CHROMIUM, [...chromiumArgs(join(work, "profile-shot")), "--virtual-time-budget=5000", `--screenshot=${SCREENSHOT}`, "--window-size=1400,2000", url], { timeoutMs: 90_000 });
      expect(shot.code, shot.stderr).toBe(0);
      expect(statSync(SCREENSHOT).size).toBeGreaterThan(50_000);
    },
    200_000,
  );
});
