/** The one helper that names a run's folder (load, record, sim sweeps): never two runs in one folder. */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { newRunDirectory } from "../../load/newRunDirectory.ts";

const work = mkdtempSync(join(tmpdir(), "run-directory-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("newRunDirectory", () => {
  it("creates a folder named by the UTC second, and another one (-2, -3) for each run in the same second", () => {
    const nowMs = Date.UTC(2026, 11, 3, 14, 30, 5, 250);
    const folders = [1, 2, 3].map(() => newRunDirectory("results/sweep", { name: "golden-path", cwd: work, nowMs }));
    expect(folders).toEqual(["", "-2", "-3"].map((suffix) => join(work, "results/sweep", `golden-path-2026-12-03T143005Z${suffix}`)));
    expect(folders.every((folder) => existsSync(folder))).toBe(true);
    expect(newRunDirectory("results/record", { cwd: work, nowMs })).toBe(join(work, "results/record/2026-12-03T143005Z"));
  });
});
