// A Stryker reporter plugin: appends each mutant's verdict to a JSON-lines file as soon as
// it is known, so a run cut short (a loaded box, a time limit) keeps every verdict it reached;
// Stryker's own reports are written only at the end. Plain JavaScript: Stryker imports its
// plugins without a TypeScript loader. Options: "verdictLog": { "fileName": "..." }.
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { commonTokens, declareClassPlugin, PluginKind } from "@stryker-mutator/api/plugin";

/** Writes one line per tested mutant: id, file, line, mutator, replacement, status, tests that killed it. */
class VerdictLogReporter {
  static inject = [commonTokens.options];
  #fileName;

  constructor(options) {
    this.#fileName = options.verdictLog?.fileName ?? "results/mutation/verdicts.jsonl";
    mkdirSync(dirname(this.#fileName), { recursive: true });
    writeFileSync(this.#fileName, "");
  }

  onMutantTested(result) {
    const line = {
      id: result.id,
      file: result.fileName,
      line: result.location.start.line + 1,
      mutator: result.mutatorName,
      replacement: result.replacement,
      status: result.status,
      killedBy: result.killedBy ?? [],
    };
    appendFileSync(this.#fileName, `${JSON.stringify(line)}\n`);
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Reporter, "verdict-log", VerdictLogReporter)];
