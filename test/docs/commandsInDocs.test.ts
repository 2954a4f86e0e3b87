/**
 * Every command written in README.md and docs/*.md exists: each `npm run <script>`
 * names a script of package.json, and each flag written after its `--` (or in a doc's
 * option table) is one the command's own `--help` lists. The help text is the CLI's
 * usage, printed by the command's own code (its `main` in this process, or the command in
 * its own process when it exports none), so a renamed or removed flag
 * fails here until the docs follow. Every relative link between the pages resolves.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { runCliInProcess, type CliWriters } from "../cliKit/runCliInProcess.ts";
import { docCommands, docTableFlags, helpListsFlag, type DocCommand } from "./docCommands.ts";

const run = promisify(execFile);

/** Which command a doc's option table documents (docs without one are absent). */
const TABLE_SCRIPT_OF_DOC: Record<string, string> = {
  "docs/simulator.md": "sim",
  "docs/properties.md": "prop",
  "docs/server.md": "serve",
  "docs/load.md": "load",
  "docs/soak.md": "soak",
  "docs/report.md": "report",
  "docs/record.md": "record",
  "docs/bench.md": "bench",
};

const docFiles = ["README.md", ...readdirSync("docs").filter((name) => name.endsWith(".md")).sort().map((name) => join("docs", name))];
const docs = docFiles.map((file) => ({ file, text: readFileSync(file, "utf8") }));
const scripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts;
const commands: DocCommand[] = docs.flatMap(({ file, text }) => docCommands(text, { file }));

/**
 * The command line an npm script runs, without npm: `tsx FILE` runs as `node --import tsx FILE`
 * (what tsx's own CLI does) and `node ARGS` as is; npm's start-up cost ~1 s of CPU per script.
 * Anything else goes through npm.
 */
function commandOf(script: string): [string, string[]] {
  const line = scripts[script] ?? "";
  const viaTsx = /^tsx (\S+)$/.exec(line);
  if (viaTsx !== null) return [process.execPath, ["--import", "tsx", viaTsx[1] as string]];
  if (/^node [^;&|<>$`'"]+$/.test(line)) return [process.execPath, line.split(" ").slice(1)];
  // Stryker's `run --help` does not read the config file: every mutate script asks the same binary once.
  if (/^stryker run \S+$/.test(line)) return ["node_modules/.bin/stryker", ["run"]];
  return ["npm", ["run", "--silent", script, "--"]];
}

/** The io fields beyond the writers that a CLI's `main` may take. */
interface HelpIoRest {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/**
 * The CLIs that export `main(argv, io)`: their `--help` is asked in this process (the same
 * code prints it; a child process under tsx costs ~1.3 s of CPU each, issue 13). Each is
 * imported only when asked.
 */
const MAIN_OF_SCRIPT: Record<string, () => Promise<{ main: (argv: readonly string[], io: CliWriters & HelpIoRest) => Promise<number> }>> = {
  sim: () => import("../../sim/cli.ts"),
  prop: () => import("../../property/cli.ts"),
  load: () => import("../../load/cli.ts"),
  record: () => import("../../record/cli.ts"),
  report: () => import("../../report/cli.ts"),
  token: () => import("../../server/cli/token.ts"),
};

/** `--help` of one npm script, stdout and stderr together: from its `main` in this process when it has one, else from the command in its own process. */
async function helpOf(script: string): Promise<string> {
  const inProcess = MAIN_OF_SCRIPT[script];
  if (inProcess !== undefined) {
    const { code, stdout, stderr } = await runCliInProcess((await inProcess()).main, ["--help"], { env: { ...process.env, CI: "true" }, cwd: process.cwd() });
    if (code !== 0) throw new Error(`npm run ${script} -- --help exited ${code}: ${stdout}${stderr}`);
    return `${stdout}\n${stderr}`;
  }
  const [program, args] = commandOf(script);
  const { stdout, stderr } = await run(program, [...args, "--help"], { encoding: "utf8", env: { ...process.env, CI: "true" }, timeout: 50_000 });
  return `${stdout}\n${stderr}`;
}

describe("the extractor", () => {
  it("reads scripts and flags, and stops at comments, table cells and shell operators", () => {
    const found = docCommands(
      [
        "npm run sim -- --seed 7 --scenario all   # --not-a-flag in a comment",
        "| `npm run load -- golden-path -e DROP_RESUME=1 --vus=3` | --cell |",
        "JWT_SECRET=x npm run token -- --user u1 [--ttl 1h] && npm run report -- --open",
        "npm run prop -- --seed -864932008 --path 3:1",
        "npm run report",
      ].join("\n"),
      { file: "x.md" },
    );
    expect(found).toEqual([
      { where: "x.md:1", script: "sim", flags: ["--seed", "--scenario"] },
      { where: "x.md:2", script: "load", flags: ["-e", "--vus"] },
      { where: "x.md:3", script: "token", flags: ["--user", "--ttl"] },
      { where: "x.md:3", script: "report", flags: ["--open"] },
      { where: "x.md:4", script: "prop", flags: ["--seed", "--path"] },
      { where: "x.md:5", script: "report", flags: [] },
    ]);
    expect(docTableFlags("| `--users N`, `--runs N` | override |\n| `-e, --env KEY=VALUE` | env |\n| `golden-path.ts` | x |", { file: "y.md" }).map((entry) => entry.flag)).toEqual([
      "--users",
      "--runs",
      "-e",
      "--env",
    ]);
    expect(helpListsFlag("  --seeds A..B   sweep", "--seed")).toBe(false);
    expect(helpListsFlag("  --seed N   one seed\n  -e, --env KEY=VALUE", "--seed")).toBe(true);
    expect(helpListsFlag("  -e, --env KEY=VALUE", "-e")).toBe(true);
  });
});

describe("commands in README.md and docs/", () => {
  const helpByScript = new Map<string, string>();
  const scriptsWithFlags = [...new Set([...commands.filter((command) => command.flags.length > 0).map((command) => command.script), ...Object.values(TABLE_SCRIPT_OF_DOC)])].sort();

  beforeAll(async () => {
    // Scripts running the same command line share one answer.
    const byCommand = new Map<string, Promise<string>>();
    const helpOnce = (script: string) => {
      const key = script in MAIN_OF_SCRIPT ? script : JSON.stringify(commandOf(script));
      const help = byCommand.get(key) ?? helpOf(script);
      byCommand.set(key, help);
      return help;
    };
    const helps = await Promise.all(scriptsWithFlags.filter((script) => script in scripts).map(async (script) => [script, await helpOnce(script)] as const));
    for (const [script, help] of helps) helpByScript.set(script, help);
  }, 120_000);

  it("finds the commands (the extractor reads these docs)", () => {
    expect(commands.filter((command) => command.script === "sim").length).toBeGreaterThan(5);
    expect(docTableFlags(readFileSync("docs/simulator.md", "utf8"), { file: "docs/simulator.md" }).length).toBeGreaterThan(5);
  });

  it("name only scripts of package.json", () => {
    const unknown = commands.filter((command) => !(command.script in scripts)).map((command) => `${command.where}: npm run ${command.script}`);
    expect(unknown).toEqual([]);
  });

  it("use only flags the command's --help lists", () => {
    const unknown = commands.flatMap((command) =>
      command.flags.filter((flag) => !helpListsFlag(helpByScript.get(command.script) ?? "", flag)).map((flag) => `${command.where}: npm run ${command.script} -- ${flag}`),
    );
    expect(unknown).toEqual([]);
  });

  it("document in option tables only flags the command's --help lists", () => {
    const unknown = docs.flatMap(({ file, text }) => {
      const script = TABLE_SCRIPT_OF_DOC[file];
      if (script === undefined) return [];
      return docTableFlags(text, { file }).filter((entry) => !helpListsFlag(helpByScript.get(script) ?? "", entry.flag)).map((entry) => `${entry.where}: ${entry.flag} (npm run ${script})`);
    });
    expect(unknown).toEqual([]);
  });
});

describe("links in README.md and docs/", () => {
  it("point at files that exist", () => {
    const broken = docs.flatMap(({ file, text }) =>
      [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
        .map((match) => match[1] as string)
        .filter((target) => !/^[a-z]+:/.test(target))
        .filter((target) => !existsSync(join(dirname(file), target)))
        .map((target) => `${file}: ${target}`),
    );
    expect(broken).toEqual([]);
  });
});
