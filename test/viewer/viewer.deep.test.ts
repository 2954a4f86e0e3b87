/**
 * The live event viewer end to end: the real `npm run serve -- --dev` on a free port,
 * its page at `/` loaded in headless Chromium, a run started with the page's button.
 * The events must be drawn in seq order, each once, with tool_executing ↔ tool_completed
 * paired; after a dropped connection the page resumes and the next run continues the seqs
 * with nothing replayed twice. Skipped, saying so, only when /usr/bin/chromium is absent
 * (CI installs it).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GOLDEN_PATH_EVENT_TYPES, waitFor } from "../server/serverTestKit.ts";
import { CHROMIUM, openChromiumPage, type ChromiumPage } from "./chromiumPage.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TSX = `${ROOT}node_modules/.bin/tsx`;
const HAS_CHROMIUM = existsSync(CHROMIUM);

interface Row {
  replayed: boolean;
  seq: number;
  type: string;
  run: string;
  pair: number | null;
  pairText: string;
}

const READ_ROWS = `[...document.querySelectorAll("tr.event")].map((row) => ({
  replayed: row.classList.contains("replayed"), seq: Number(row.dataset.seq), type: row.dataset.type, run: row.dataset.run,
  pair: row.dataset.pair === undefined ? null : Number(row.dataset.pair),
  pairText: row.querySelector(".pair").textContent }))`;

/** Every tool row is paired with its partner's seq, both ways, and says so in words. */
function expectPaired(rows: readonly Row[]): void {
  for (const row of rows.filter((candidate) => candidate.type === "tool_completed")) {
    const executing = rows.find((candidate) => candidate.seq === row.pair);
    expect(executing?.type).toBe("tool_executing");
    expect(executing?.pair).toBe(row.seq);
    expect(row.pairText).toMatch(new RegExp(`^↔ #${String(executing?.seq)} \\(\\d+ ms\\)$`));
  }
  expect(rows.filter((row) => row.type === "tool_executing").every((row) => row.pair !== null)).toBe(true);
}

describe.skipIf(!HAS_CHROMIUM)(HAS_CHROMIUM ? "live event viewer (serve --dev, headless Chromium)" : `live event viewer — SKIPPED: ${CHROMIUM} is not installed here (CI installs it)`, () => {
  const { JWT_SECRET: _ignored, ...env } = process.env;
  const serve = spawn(TSX, ["server/cli/serve.ts", "--dev", "--port", "0"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<number | null>((resolve) => serve.once("exit", (code) => resolve(code)));
  let stdout = "";
  serve.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  let page: ChromiumPage | undefined;
  let profile: string;
  let viewerUrl: string;

  beforeAll(async () => {
    await waitFor(() => /live viewer: (http:\/\/\S+)/.test(stdout), 30_000, "serve --dev to print the viewer URL");
    viewerUrl = /live viewer: (http:\/\/\S+)/.exec(stdout)?.[1] as string;
    profile = mkdtempSync(join(tmpdir(), "viewer-test-"));
    page = await openChromiumPage(profile);
  }, 60_000);

  afterAll(async () => {
    await page?.close();
    serve.kill("SIGTERM");
    await exited;
    if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
  }, 30_000);

  async function poll<T>(expression: string, accept: (value: T) => boolean, what: string): Promise<T> {
    let last: T | undefined;
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      last = await (page as ChromiumPage).evaluate<T>(expression);
      if (accept(last)) return last;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`timed out waiting for ${what}; last value ${JSON.stringify(last)}`);
  }

  it("is one self-contained page: the script is inline, nothing is fetched from elsewhere", async () => {
    const html = await (await fetch(viewerUrl)).text();
    expect(html).toContain('<script type="application/json" id="viewer-config">');
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+href=/);
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)[a-z]/i);
  });

  it("signs in, starts a run with the button, and draws its events in seq order with tool pairing", async () => {
    const viewer = page as ChromiumPage;
    await viewer.navigate(viewerUrl);
    await poll<string>(`document.querySelector("#viewer")?.dataset.state ?? ""`, (state) => state === "connected", "the page to connect");
    await viewer.evaluate(`document.querySelector("#start").click()`);
    const rows = await poll<Row[]>(READ_ROWS, (value) => value.some((row) => row.type === "agent_completed"), "the run's agent_completed row");
    expect(rows.map((row) => row.type)).toEqual(GOLDEN_PATH_EVENT_TYPES);
    expect(rows.map((row) => row.seq)).toEqual(GOLDEN_PATH_EVENT_TYPES.map((_type, index) => index + 1));
    expect(new Set(rows.map((row) => row.run)).size).toBe(1);
    expectPaired(rows);
    const status = await viewer.evaluate<string>(`document.querySelector("#status").textContent`);
    expect(status).toMatch(/● connected · user u1 · epoch e-\w+ · resume point 10 · connections 1 · events 10 · duplicates dropped 0/);
  });

  it("after a dropped connection it resumes, and the next run continues the seqs with nothing drawn twice", async () => {
    const viewer = page as ChromiumPage;
    await viewer.evaluate(`document.querySelector("#drop").click()`);
    await poll<string[]>(`[...document.querySelectorAll("tr.note")].map((row) => row.textContent)`, (notes) => notes.some((note) => note.startsWith("reconnecting: resume after seq 10")), "the resume note");
    await poll<string>(`document.querySelector("#viewer").dataset.state`, (state) => state === "connected", "the page to reconnect");
    await viewer.evaluate(`document.querySelector("#start").click()`);
    const rows = await poll<Row[]>(READ_ROWS, (value) => value.filter((row) => row.type === "agent_completed").length === 2, "the second run's agent_completed row");
    expect(rows.map((row) => row.seq)).toEqual(Array.from({ length: 20 }, (_value, index) => index + 1));
    expect(rows.slice(10).map((row) => row.type)).toEqual(GOLDEN_PATH_EVENT_TYPES);
    expectPaired(rows);
    const notes = await viewer.evaluate<string[]>(`[...document.querySelectorAll("tr.note")].map((row) => row.dataset.note + ": " + row.textContent)`);
    expect(notes.some((note) => /^close: closed with 4000/.test(note))).toBe(true);
    expect(await viewer.evaluate<string>(`document.querySelector("#status").textContent`)).toMatch(/resume point 20 · connections 2 · events 20/);
  });

  it("a drop mid-run: the events emitted while away are replayed on resume, marked as replays, each drawn once", async () => {
    const viewer = page as ChromiumPage;
    await viewer.evaluate(`document.querySelector("#start").click()`);
    await poll<Row[]>(READ_ROWS, (value) => value.length >= 21, "the third run's first event");
    await viewer.evaluate(`document.querySelector("#drop").click()`);
    const rows = await poll<Row[]>(READ_ROWS, (value) => value.filter((row) => row.type === "agent_completed").length === 3, "the third run's agent_completed row");
    expect(rows.map((row) => row.seq)).toEqual(Array.from({ length: 30 }, (_value, index) => index + 1));
    expect(rows.slice(20).map((row) => row.type)).toEqual(GOLDEN_PATH_EVENT_TYPES);
    expectPaired(rows);
    // The reconnect waits 1 s and the run lasts about 1.35 s: some of its events arrive as a replay.
    expect(rows.slice(20).some((row) => row.replayed)).toBe(true);
    expect(rows.slice(0, 21).some((row) => row.replayed)).toBe(false);
  });
});
