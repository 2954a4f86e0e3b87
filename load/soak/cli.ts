/**
 * `npm run soak`: many connections for a long time, dropped and resumed at random,
 * with events at a steady rate; reports delivery, duplicates, isolation, heap over
 * time and latency, writes `<out>/soak-summary.json` and exits non-zero when a goal is
 * missed. See {@link SOAK_USAGE} for the flags and load/soak/ for the parts.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EXIT_USAGE, UsageError } from "../../server/cli/parseCliArgs.ts";
import { checkResult, soakSummarySchema } from "../../protocol/resultSchemas.ts";
import { realTime } from "../ourServer.ts";
import { formatSoakReport } from "./formatSoakReport.ts";
import { parseSoakArgs, SOAK_USAGE, type SoakConfig } from "./parseSoakArgs.ts";
import { runSoak, type SoakProgress } from "./runSoak.ts";

/** Exit code: a goal was missed. */
const EXIT_GOAL_MISSED = 1;
/** Exit code: the soak itself failed (an exception in the server or the harness). */
const EXIT_CRASH = 4;

function progressLine(progress: SoakProgress): string {
  const heap = progress.heapUsedBytes === null ? "" : ` · heap ${(progress.heapUsedBytes / 1024 / 1024).toFixed(1)} MiB`;
  return `[soak ${Math.round(progress.elapsedMs / 1_000)}/${Math.round(progress.durationMs / 1_000)} s] open ${progress.open} · published ${progress.published} · received ${progress.eventsReceived} · drops ${progress.forcedDrops} · resumes ${progress.resumes}${heap}`;
}

async function main(): Promise<number> {
  let config: SoakConfig;
  try {
    config = parseSoakArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`soak: ${error.message}\n${error.showUsage ? `\n${SOAK_USAGE}` : ""}`);
    return EXIT_USAGE;
  }
  if (config.help) {
    process.stdout.write(SOAK_USAGE);
    return 0;
  }
  // Quiet under CI or when stderr is not a terminal: one line redrawn in place otherwise.
  const quiet = process.env["CI"] === "true" || process.stderr.isTTY !== true;
  const { clock, scheduler } = realTime();
  const summary = await runSoak(config, {
    clock,
    scheduler,
    onProgress: quiet ? undefined : (progress) => process.stderr.write(`\r\u001b[2K${progressLine(progress)}`),
  } as Parameters<typeof runSoak>[1]);
  if (!quiet) process.stderr.write("\r\u001b[2K");
  scheduler.cancelAll();
  mkdirSync(config.outDir, { recursive: true });
  const summaryPath = join(config.outDir, "soak-summary.json");
  writeFileSync(summaryPath, `${JSON.stringify(checkResult(soakSummarySchema, summary, summaryPath), null, 2)}\n`);
  process.stdout.write(formatSoakReport(summary, summaryPath));
  return summary.ok ? 0 : EXIT_GOAL_MISSED;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`soak: crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(EXIT_CRASH);
  },
);
