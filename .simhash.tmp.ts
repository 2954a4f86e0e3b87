import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { BUG_ZOO } from "./sim/bugZoo/bugZoo.ts";
import { runSimulation } from "./sim/runSimulation.ts";
import { loadScenario } from "./sim/scenario/loadScenario.ts";
const out: string[] = [];
const all = createHash("sha256");
for (const file of readdirSync("scenarios").filter((f) => f.endsWith(".json")).sort()) {
  const scenario = loadScenario(`scenarios/${file}`);
  for (const plant of [undefined, ...BUG_ZOO]) {
    const seeds = plant === undefined ? 50 : 3;
    for (let seed = 1; seed <= seeds; seed += 1) {
      const hash = createHash("sha256");
      runSimulation(scenario, { seed, ...(plant === undefined ? {} : { plant }), onTraceLine: (line) => { hash.update(line); hash.update("\n"); } });
      const digest = hash.digest("hex");
      all.update(digest);
      out.push(`${file} ${plant?.name ?? "-"} ${seed} ${digest}`);
    }
  }
}
console.log(out.join("\n"));
console.error("ALL", all.digest("hex"));
