// npm run mutate:sample: the npm-test score (stryker.config.json, the vitest runner with
// per-test coverage) estimated on the same drawn sample as the sweep's (docs/mutation.md):
// Stryker mutates only the sampled mutants' spans, read from the inventory and the first
// MUTATE_SAMPLE_COUNT (default 80) ids of the sample. A span can hold mutants outside the
// sample too; mutation/summarizeNpmTestSample.ts scores only the sampled ones.
import { readFileSync } from "node:fs";

const base = JSON.parse(readFileSync(new URL("./stryker.config.json", import.meta.url), "utf8"));
const folder = "results/mutation/sim-sample";
const count = Number(process.env.MUTATE_SAMPLE_COUNT ?? "80");
const ids = new Set(readFileSync(`${folder}/ids-stage1.txt`, "utf8").split("\n").filter((line) => line !== "").slice(0, count));
const inventory = JSON.parse(readFileSync(`${folder}/inventory.json`, "utf8"));
// Report positions have 1-based columns; a mutate range's are 0-based, its end included.
const mutate = Object.entries(inventory.files).flatMap(([file, entry]) =>
  entry.mutants
    .filter((mutant) => ids.has(mutant.id))
    .map(({ location: { start, end } }) => `${file}:${start.line}:${start.column - 1}-${end.line}:${end.column - 1}`),
);
if (mutate.length === 0) throw new Error(`no sampled mutant found: draw ${folder}/ids-stage1.txt from ${folder}/inventory.json first (docs/mutation.md)`);

export default {
  ...base,
  _comment: "see the comment at the top of this file",
  mutate,
  verdictLog: { fileName: "results/mutation/npm-test-sample/verdicts.jsonl" },
  htmlReporter: { fileName: "results/mutation/npm-test-sample/mutation.html" },
  jsonReporter: { fileName: "results/mutation/npm-test-sample/mutation.json" },
};
