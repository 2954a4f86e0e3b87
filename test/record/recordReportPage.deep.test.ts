/**
 * End to end for a live recording: `npm run record` against a real server with a planted
 * bug (duplicate-on-resume, drops on) → `npm run report` (the real CLI, its own process)
 * → the page in headless Chromium: headed as a live recording with its target (no seed),
 * the violations with the replay command, and the swimlane drawn with the duplicate ringed.
 *
 * Skipped, saying so, only when /usr/bin/chromium is absent (CI installs it).
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, expect, test } from "vitest";
import { EXIT_CODES } from "../../protocol/exitCodes.ts";
import { sectionHtml } from "../report/sectionHtml.ts";
import { CHROMIUM } from "../viewer/chromiumPage.ts";
import { recordAgainst, REPOSITORY_ROOT } from "./recordTestKit.ts";

const HAS_CHROMIUM = existsSync(CHROMIUM);
const work = mkdtempSync(join(tmpdir(), "record-page-"));
const run = promisify(execFile);

afterAll(() => rmSync(work, { recursive: true, force: true }));

test.skipIf(!HAS_CHROMIUM)(
  HAS_CHROMIUM ? "a failing live recording renders in headless Chromium as a live run with its swimlane" : `renders in headless Chromium — SKIPPED: ${CHROMIUM} is not installed here (CI installs it)`,
  async () => {
    const directory = join(work, "recording");
    const recorded = await recordAgainst(directory, { bug: "duplicate-on-resume", flags: ["--runs", "2", "--drop-every-ms", "300", "--drop-pause-ms", "150"] });
    expect(recorded.exitCode, recorded.output + recorded.errors).toBe(EXIT_CODES.safety);
    const webSocketUrl = recorded.target;

    const reportPath = join(work, "report.html");
    await run(process.execPath, ["--import", "tsx", "report/cli.ts", directory, "--out", reportPath], { cwd: REPOSITORY_ROOT });
    const profile = join(work, "profile");
    const dump = await run(CHROMIUM, ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", `--user-data-dir=${profile}`, "--virtual-time-budget=5000", "--dump-dom", pathToFileURL(reportPath).href], {
      maxBuffer: 64 * 1024 * 1024,
    });
    const dom = dump.stdout.replace(/<script[\s\S]*?<\/script>/g, "");

    expect(/<main id="report"[^>]*data-rendered="true"/.test(dom), "the page finished drawing").toBe(true);
    expect(dom.includes('data-rendered="error"'), "no section failed to draw").toBe(false);
    expect(dom).toContain(`Live recording · ${webSocketUrl} · default`);
    expect(dom).not.toContain("Simulator run · seed");
    expect(sectionHtml(dom, "verdict")).toContain(`live ${webSocketUrl}`);
    const violations = sectionHtml(dom, "violations");
    expect(violations).toContain('data-invariant="order_exactly_once"');
    expect(violations).toContain(`npm run sim -- --replay ${join(directory, "trace.jsonl")}`);
    const timeline = sectionHtml(dom, "timeline");
    expect(timeline).toContain('data-rendered="true"');
    expect((timeline.match(/class="mark/g) ?? []).length).toBeGreaterThan(10);
    expect(timeline).toContain('class="flagged"');
    expect(sectionHtml(dom, "details")).toContain("a live server");
  },
  120_000,
);
