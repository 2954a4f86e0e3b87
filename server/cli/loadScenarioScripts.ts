/**
 * `serve --scenario-dir <dir>`: collects the agent scripts (`agentScripts`) of every
 * scenario file (`*.json`) in a directory, so clients can name them in
 * `start_agent.scenario`. Only that field is read; the rest of a scenario belongs to the
 * simulator. Each script is validated once, here, and every problem names the file, the
 * field and the rule (STYLE rule 4).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { formatIssues } from "../../protocol/schemas.ts";
import { agentScriptSchema, type AgentScript } from "../runtime/agentScript.ts";

/** A scenario directory that cannot be used; the message names the file and field. */
export class ScenarioScriptsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScenarioScriptsError";
  }
}

/**
 * Returns `builtIn` plus every script found under `directory`. A name defined twice with
 * different content (in two files, or against a built-in script) is an error.
 */
export function loadScenarioScripts(directory: string, builtIn: ReadonlyMap<string, AgentScript>): Map<string, AgentScript> {
  let names: string[];
  try {
    names = readdirSync(directory).filter((name) => name.endsWith(".json")).sort();
  } catch (error) {
    throw new ScenarioScriptsError(`${directory}: cannot read the directory (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const scripts = new Map(builtIn);
  const sources = new Map<string, string>([...builtIn.keys()].map((name) => [name, "the built-in scripts"]));
  for (const name of names) {
    const path = join(directory, name);
    for (const script of scriptsOfFile(path)) {
      const existing = scripts.get(script.name);
      if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(script)) {
        throw new ScenarioScriptsError(`${path}: agentScripts: script "${script.name}" differs from the one in ${sources.get(script.name) ?? "another file"}`);
      }
      scripts.set(script.name, script);
      if (!sources.has(script.name)) sources.set(script.name, path);
    }
  }
  return scripts;
}

function scriptsOfFile(path: string): AgentScript[] {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ScenarioScriptsError(`${path}: not readable JSON: ${(error as Error).message}`);
  }
  const list = typeof value === "object" && value !== null ? (value as { agentScripts?: unknown }).agentScripts : undefined;
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new ScenarioScriptsError(`${path}: agentScripts: must be an array`);
  return list.map((entry, index) => {
    const parsed = agentScriptSchema.safeParse(entry);
    if (!parsed.success) throw new ScenarioScriptsError(`${path}: ${formatIssues(parsed.error.issues, `agentScripts.${index}`)}`);
    return parsed.data;
  });
}
