/**
 * Shared by the record tests: `npm run record`'s main() against a real server of ours on
 * loopback (optionally with a bug zoo entry planted in it), with its output, exit code and
 * summary.json collected, and the server closed afterwards.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Violation } from "../../protocol/checker/Violation.ts";
import { main } from "../../record/cli.ts";
import { createServer } from "../../server/createServer.ts";
import { findPlantedBug } from "../../sim/bugZoo/bugZoo.ts";

/** The repository's root: the CLI's working directory in these tests. */
export const REPOSITORY_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The JWT secret of the servers {@link recordAgainst} starts. */
export const RECORD_TEST_SECRET = "record-test-secret-0123456789abcdef";

/** What one recording gave. */
export interface Recorded {
  exitCode: number;
  output: string;
  errors: string;
  directory: string;
  /** The server's WebSocket URL. */
  target: string;
  summary: { kind: string; source: string; users: string[]; target: string; seed: unknown; outcome: string; repro: string; totals: Record<string, number>; verdict: { safety: Violation[]; liveness: Violation[] } };
}

/**
 * Starts a server (with `options.bug` planted, if given), records against it into `directory`
 * with `options.flags`, authenticated by `options.credentials` (default: `--secret`
 * RECORD_TEST_SECRET, so a token is minted per user), then closes the server.
 */
export async function recordAgainst(directory: string, options: { bug?: string; flags: string[]; credentials?: string[] }): Promise<Recorded> {
  const bug = options.bug === undefined ? undefined : findPlantedBug(options.bug);
  if (options.bug !== undefined && bug === undefined) throw new Error(`no planted bug ${options.bug}`);
  const live = createServer({
    jwtSecret: RECORD_TEST_SECRET,
    ...(bug?.parts === undefined ? {} : { managerParts: bug.parts }),
    ...(bug?.wrapPublish === undefined ? {} : { wrapPublish: bug.wrapPublish }),
  });
  const { webSocketUrl } = await live.listen({ host: "127.0.0.1", port: 0 });
  const output: string[] = [];
  const errors: string[] = [];
  try {
    const exitCode = await main(["--target", webSocketUrl, ...(options.credentials ?? ["--secret", RECORD_TEST_SECRET]), "--out", directory, ...options.flags], {
      stdout: (text) => void output.push(text),
      stderr: (text) => void errors.push(text),
      cwd: REPOSITORY_ROOT,
    });
    const summary = JSON.parse(readFileSync(join(directory, "summary.json"), "utf8")) as Recorded["summary"];
    return { exitCode, output: output.join(""), errors: errors.join(""), directory, summary, target: webSocketUrl };
  } finally {
    await live.close();
  }
}
