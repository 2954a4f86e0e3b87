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
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, expect, test } from "vitest";
import { main } from "../../record/cli.ts";
import { EXIT_CODES } from "../../protocol/exitCodes.ts";
import { createServer } from "../../server/createServer.ts";
import { findPlantedBug } from "../../sim/bugZoo/bugZoo.ts";

const CHROMIUM = "/usr/bin/chromium";
const HAS_CHROMIUM = existsSync(CHROMIUM);
const repositoryRoot = fileURLToPath(new URL("../../", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "record-page-"));
const secret = "record-page-secret-0123456789abcdef";
const run = promisify(execFile);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The HTML of the first section named `name`, up to the next section. */
function sectionHtml(dom: string, name: string): string {
  const start = dom.search(new RegExp(`<section[^>]*data-section="${name}"`));
  if (start === -1) return "";
  const next = dom.indexOf("<section", start + 1);
  return dom.slice(start, next === -1 ? undefined : next);
}

test.skipIf(!HAS_CHROMIUM)(
  HAS_CHROMIUM ? "a failing live recording renders in headless Chromium as a live run with its swimlane" : `renders in headless Chromium — SKIPPED: ${CHROMIUM} is not installed here (CI installs it)`,
  async () => {
    const bug = findPlantedBug("duplicate-on-resume");
    const server = createServer({ jwtSecret: secret, ...(bug?.parts === undefined ? {} : { managerParts: bug.parts }) });
    const { webSocketUrl } = await server.listen({ host: "127.0.0.1", port: 0 });
    const directory = join(work, "recording");
    const output: string[] = [];
    try {
      const code = await main(["--target", webSocketUrl, "--secret", secret, "--runs", "2", "--drop-every-ms", "300", "--drop-pause-ms", "150", "--out", directory], {
        stdout: (text) => void output.push(text),
        stderr: (text) => void output.push(text),
        cwd: repositoryRoot,
      });
      expect(code, output.join("")).toBe(EXIT_CODES.safety);
    } finally {
      await server.close();
    }

    const reportPath = join(work, "report.html");
    await run(process.execPath, ["--import", "tsx", "report/cli.ts", directory, "--out", reportPath], { cwd: repositoryRoot });
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
