/**
 * The checker runs two ways: whole traces, every device at once, default options (the
 * simulator, `sim --replay`, the properties), and inside a k6 VU: one device's stream
 * as it arrives, with VU_CHECKER_OPTIONS (timing off). This proves the VU path finds
 * the same violation classes: for every bug-zoo class on several seeds, and for CI's
 * sweep seeds of every shipped scenario, the classes the full checker finds in the
 * whole trace equal the union of the classes a VU-path checker finds per device. The
 * VU runs the lazy checker (createLazyChecker): on every device stream here its verdict
 * must equal the full checker's with the same options, violation for violation
 * (lazyCheckerDifferential.test.ts adds randomly broken streams).
 *
 * `npm test` runs the bug zoo on seeds 1..8 and the sweep on seeds 1..3
 * (vuCheckerDifferential.test.ts); `npm run test:deep` the sweep's seeds 4..10
 * (vuCheckerDifferential.deep.test.ts).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { checkTrace } from "../../protocol/checker/checkTrace.ts";
import { VU_CHECKER_OPTIONS } from "../../protocol/checker/CheckerOptions.ts";
import { createLazyChecker } from "../../protocol/checker/createLazyChecker.ts";
import { violationClassOf } from "../../protocol/checker/violationCountsByClass.ts";
import type { Violation } from "../../protocol/checker/Violation.ts";
import { BUG_ZOO } from "../../sim/bugZoo/bugZoo.ts";
import { runSimulation } from "../../sim/runSimulation.ts";
import { loadScenario } from "../../sim/scenario/loadScenario.ts";
import type { PlantedBug } from "../../sim/bugZoo/PlantedBug.ts";

const scenariosDirectory = fileURLToPath(new URL("../../scenarios/", import.meta.url));

function traceOf(scenarioPath: string, options: { seed: number; plant?: PlantedBug }): string {
  const lines: string[] = [];
  const scenario = loadScenario(scenarioPath);
  runSimulation(scenario, { seed: options.seed, ...(options.plant === undefined ? {} : { plant: options.plant }), onTraceLine: (line) => lines.push(line) });
  return lines.join("\n");
}

function classesOf(violations: readonly Violation[]): string[] {
  return [...new Set(violations.map((violation) => violationClassOf(violation)).filter((name) => name !== undefined))].sort();
}

/** The full checker on the whole trace. */
function fullPath(trace: string): string[] {
  const verdict = checkTrace(trace, { requireRunsComplete: true });
  return classesOf([...verdict.safety, ...verdict.liveness]);
}

/**
 * One VU-path checker per device, fed only that device's lines, as a k6 session would see
 * them; the lazy checker's verdict must equal the full checker's on each.
 */
function vuPath(trace: string): string[] {
  const deviceOfConnection = new Map<string, string>();
  const linesByDevice = new Map<string, string[]>();
  for (const line of trace.split("\n")) {
    const record = JSON.parse(line) as { kind?: string; conn?: string; device?: string; user?: string };
    if (record.kind === "open" && record.conn !== undefined) deviceOfConnection.set(record.conn, `${record.user}\u0000${record.device}`);
    const device = record.conn === undefined ? undefined : deviceOfConnection.get(record.conn);
    if (device === undefined) continue;
    const lines = linesByDevice.get(device) ?? [];
    linesByDevice.set(device, lines);
    lines.push(line);
  }
  const found = new Set<string>();
  for (const lines of linesByDevice.values()) {
    const text = lines.join("\n");
    const verdict = checkTrace(text, { ...VU_CHECKER_OPTIONS, requireRunsComplete: true });
    expect(checkTrace(text, { ...VU_CHECKER_OPTIONS, requireRunsComplete: true, makeChecker: createLazyChecker })).toEqual(verdict);
    for (const name of classesOf([...verdict.safety, ...verdict.liveness])) found.add(name);
  }
  return [...found].sort();
}

/** Seed ranges of one run of the suite, inclusive; a range of `null` is left out. */
export interface DifferentialSeeds {
  bugZoo: readonly [number, number] | null;
  sweep: readonly [number, number] | null;
}

/** The suite of the module comment over `seeds`. */
export function vuCheckerDifferentialSuite(seeds: DifferentialSeeds): void {
  describe("the k6 VU path finds the violation classes the full checker finds", () => {
    const zoo = seeds.bugZoo;
    if (zoo !== null) {
      test.each(BUG_ZOO.map((bug) => [bug.name, bug] as const))(`bug zoo: %s in its scenario, seeds ${zoo[0]}..${zoo[1]}`, (_name, bug) => {
        let caught = 0;
        for (let seed = zoo[0]; seed <= zoo[1]; seed += 1) {
          const trace = traceOf(join(scenariosDirectory, `${bug.scenario}.json`), { seed, plant: bug });
          const full = fullPath(trace);
          expect(vuPath(trace), `seed ${seed}`).toEqual(full);
          if (full.length > 0) caught += 1;
        }
        // The comparison means something only if the bug showed on some seed.
        expect(caught).toBeGreaterThan(0);
      });
    }

    const sweep = seeds.sweep;
    if (sweep !== null) {
      const scenarioFiles = readdirSync(scenariosDirectory).filter((name) => name.endsWith(".json")).sort();
      test.each(scenarioFiles)(`sweep seeds ${sweep[0]}..${sweep[1]} of %s: both paths clean`, (file) => {
        for (let seed = sweep[0]; seed <= sweep[1]; seed += 1) {
          const trace = traceOf(join(scenariosDirectory, file), { seed });
          expect(vuPath(trace), `seed ${seed}`).toEqual(fullPath(trace));
        }
      });
    }
  });
}
