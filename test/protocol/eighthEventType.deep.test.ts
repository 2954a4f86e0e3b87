/**
 * The "add an event type" recipe (docs/extending.md), proved with the real compiler: the
 * project's three TypeScript programs are type-checked with an eighth event type added to
 * the frame table (in memory: `agent_paused` in AGENT_EVENT_DATA_SHAPES), and the files
 * that fail are exactly the ones the recipe lists: the report's styles, the live viewer's
 * detail column and the checker's sample events. No other file needs to know. Deep (about
 * a minute of compiling): `npm run test:deep`.
 */
import { resolve, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const frameShapes = resolve(root, "protocol/frameShapes.ts");
const EIGHTH_TYPE = '  agent_paused: { agent_id: "nonEmptyString", reason: "nonEmptyString" },\n';

/** The files `tsconfig` reports errors in, with the eighth type added to the frame table. */
function failingFiles(tsconfig: string): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(resolve(root, tsconfig), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (config === undefined) throw new Error(`${tsconfig}: unreadable`);
  const options = { ...config.options, incremental: false };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => {
    const text = readFile(file);
    if (text === undefined || resolve(file) !== frameShapes) return text;
    const patched = text.replace("  agent_completed: {", `${EIGHTH_TYPE}  agent_completed: {`);
    if (patched === text) throw new Error("frameShapes.ts: agent_completed's data shape not found; update this test");
    return patched;
  };
  const program = ts.createProgram({ rootNames: config.fileNames, options, host });
  const files = ts.getPreEmitDiagnostics(program).flatMap((diagnostic) => (diagnostic.file === undefined ? [] : [relative(root, diagnostic.file.fileName)]));
  return [...new Set(files)].sort();
}

/** A whole-program type check takes about a minute on a quiet machine; much longer on a busy one. */
const compileTimeoutMs = 600_000;

describe("adding an event type to the frame table fails to compile exactly where the recipe says, and nowhere else", () => {
  it("the project (protocol, server, sim, load, tests): only the checker's sample events", () => {
    expect(failingFiles("tsconfig.json")).toEqual(["test/protocol/checkerFixtures.ts"]);
  }, compileTimeoutMs);
  it("the report page: only its event styles", () => {
    expect(failingFiles("report/page/tsconfig.json")).toEqual(["report/page/eventStyles.ts"]);
  }, compileTimeoutMs);
  it("the live viewer page: only its detail column", () => {
    expect(failingFiles("server/viewer/page/tsconfig.json")).toEqual(["server/viewer/page/createEventTable.ts"]);
  }, compileTimeoutMs);
});
