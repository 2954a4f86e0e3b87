/**
 * `npm run report -- <results dir>`: writes a self-contained HTML report (chart.js
 * bundled in, no network) of every result under the directory. `--compare A B`
 * puts two result directories side by side.
 *
 * Exit codes: 0 report written (whatever the results say; the page carries the
 * verdict) · 2 bad usage (flag, missing directory, no results) · 1 unexpected error.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { bundlePage } from "./bundlePage.ts";
import { buildReport } from "./buildReport.ts";
import { openInBrowser } from "./openInBrowser.ts";
import { renderReportHtml } from "./renderReportHtml.ts";
import { UsageError } from "../protocol/cli/UsageError.ts";

/** Where the other commands write by default, and so what the report reads when given no directory. */
const DEFAULT_RESULTS_DIR = "results";

const USAGE = `Usage: npm run report -- [results dir, default results] [options]
       npm run report -- --compare <dir A> <dir B> [options]

  <results dir>   read every result under it, recursively: simulator runs
                  (summary.json + trace.jsonl), sweeps (sim-sweep-summary.json),
                  load runs (k6 *-summary.json), bug zoo results (kind "bug-zoo")
  --compare       two result directories side by side (e.g. two commits or seeds)
  --out FILE      where to write the page (default <dir>/report.html,
                  or <dir A>/report-compare.html with --compare)
  --open          open the page in the default browser (xdg-open), else print its path
  --help          this text

Exit codes: 0 report written, 1 unexpected error, 2 bad usage or no results.`;

interface CliOptions {
  dirs: string[];
  out: string;
  open: boolean;
}

function parseCli(argv: string[]): CliOptions | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        compare: { type: "boolean" },
        out: { type: "string" },
        open: { type: "boolean" },
        help: { type: "boolean" },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help === true) return "help";
  const compare = values.compare === true;
  if (compare && positionals.length !== 2) throw new UsageError(`--compare takes exactly two result directories, got ${positionals.length}${positionals.length > 0 ? ` (${positionals.join(", ")})` : ""}`);
  if (!compare && positionals.length > 1) {
    throw new UsageError(`give one results directory (or --compare A B), got ${positionals.length}: ${positionals.join(", ")}`);
  }
  // No directory: the default output folder of sim, load and prop, so `npm run sim -- --seed 1 && npm run report` just works.
  if (!compare && positionals.length === 0) positionals.push(DEFAULT_RESULTS_DIR);
  if (values.out === "") throw new UsageError("--out needs a file name");
  const first = positionals[0] as string;
  return {
    dirs: positionals,
    out: values.out ?? join(first, compare ? "report-compare.html" : "report.html"),
    open: values.open === true,
  };
}

/** Where the CLI writes: the process's streams, or a test's stand-ins (tests run the CLI in process). */
export interface ReportIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/**
 * The whole command: parses `argv`, writes the page and returns the exit code; a usage error
 * is one line and the --help hint on stderr. Tests call it in process with their own `io`.
 */
export async function main(argv: readonly string[], io: ReportIo = processIo()): Promise<number> {
  try {
    return await runCommand([...argv], io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`report: ${error.message}\nRun with --help for usage.\n`);
    return error.exitCode;
  }
}

async function runCommand(argv: string[], io: ReportIo): Promise<number> {
  const options = parseCli(argv);
  if (options === "help") {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const quoted = argv.map((arg) => (/^[\w./:=@+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`));
  const data = await buildReport(options.dirs, { command: `npm run report -- ${quoted.join(" ")}` });
  const html = renderReportHtml(data, await bundlePage());
  const out = resolve(options.out);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, html);
  const verdicts = data.columns.map((column) => `${column.label === "" ? "" : `${column.label}: `}${column.verdict.ok ? "PASS" : "FAIL"}`).join(", ");
  io.stdout(`Report (${verdicts}): ${out}\n`);
  for (const column of data.columns) for (const problem of column.problems) io.stderr(`report: ${column.dir}/${problem.path}: ${problem.problem}\n`);
  if (options.open) io.stdout(`${openInBrowser(out)}\n`);
  return 0;
}

function processIo(): ReportIo {
  return { stdout: (text) => void process.stdout.write(text), stderr: (text) => void process.stderr.write(text) };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
