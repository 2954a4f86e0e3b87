/**
 * The fault-kind registry's rules that the type system cannot see: names and plan fields
 * are unique (the derived plan would silently merge two fields of one name), bounds hold
 * their defaults and swarm ranges, tick draws name their own per-mille field in a distinct
 * order, and the derived tables (plan defaults, scheduled kinds, arbitrary order) follow.
 */
import { describe, expect, it } from "vitest";
import { FAULT_DESCRIPTIONS } from "../../protocol/faultDescriptions.ts";
import { FAULT_KINDS_SIMPLEST_FIRST } from "../../property/arbitraries/faultScheduleArbitrary.ts";
import { BASE_PLAN_FIELDS, type PlanFieldSpec } from "../../sim/faults/FaultKind.ts";
import { FAULT_KINDS, INJECTABLE_FAULT_NAMES } from "../../sim/faults/faultKinds.ts";
import { NO_FAULTS, PER_MILLE_FIELDS, PLAN_FIELDS } from "../../sim/faults/FaultPlan.ts";
import { parseScenario } from "../../sim/scenario/loadScenario.ts";

const fieldsOf = (kind: (typeof FAULT_KINDS)[number]) => Object.entries(kind.planFields as Readonly<Record<string, PlanFieldSpec>>);

describe("the fault-kind registry", () => {
  it("has unique snake_case names and unique plan fields (no kind silently overrides another's field)", () => {
    const names = FAULT_KINDS.map((kind) => kind.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z]+(_[a-z]+)*$/);
    const fields = [...Object.keys(BASE_PLAN_FIELDS), ...FAULT_KINDS.flatMap((kind) => fieldsOf(kind).map(([field]) => field))];
    expect(new Set(fields).size).toBe(fields.length);
    expect(PLAN_FIELDS.map(([field]) => field).sort()).toEqual(fields.sort());
  });

  it("keeps defaults and swarm ranges inside each field's bounds, and per-mille fields in 0..1000", () => {
    for (const [field, spec] of PLAN_FIELDS) {
      expect(spec.min, field).toBeLessThanOrEqual(spec.default);
      expect(spec.default, field).toBeLessThanOrEqual(spec.max);
      for (const [low, high] of Object.values(spec.swarm ?? {})) {
        expect(spec.min <= low && low <= high && high <= spec.max, `${field} swarm [${low}, ${high}]`).toBe(true);
      }
      if (field.endsWith("PerMille")) expect([spec.min, spec.max, spec.default], field).toEqual([0, 1000, 0]);
      expect(NO_FAULTS[field], field).toBe(spec.default);
    }
  });

  it("draws each ticking kind from one of its own per-mille fields, in an order no other kind of its scope shares", () => {
    for (const scope of ["connection", "system"] as const) {
      const orders: number[] = [];
      for (const kind of FAULT_KINDS) {
        if (kind.scope !== scope || kind.tick === undefined) continue;
        expect(Object.keys(kind.planFields), kind.name).toContain(kind.tick.rateField);
        expect(PER_MILLE_FIELDS, kind.name).toContain(kind.tick.rateField);
        orders.push(kind.tick.order);
      }
      expect(new Set(orders).size).toBe(orders.length);
    }
  });

  it("derives the scheduled kinds, the arbitrary's simplest-first order and the report's rows from the kinds", () => {
    expect(INJECTABLE_FAULT_NAMES).toEqual(FAULT_KINDS.filter((kind) => kind.scope !== "plan").map((kind) => kind.name));
    expect(FAULT_KINDS_SIMPLEST_FIRST.slice(0, 7)).toEqual(["drop", "reconnect", "send_failure", "half_open", "slow_socket", "storm", "restart"]);
    expect(FAULT_KINDS_SIMPLEST_FIRST).not.toContain("stop_pongs");
    for (const name of INJECTABLE_FAULT_NAMES) expect(Object.keys(FAULT_DESCRIPTIONS)).toContain(name);
  });

  it("validates a scenario's explicit plan against each kind's bounds, naming the field", () => {
    const base = { name: "x", description: "x", users: 1, runsPerUser: 1, scripts: ["quick"] };
    expect(() => parseScenario({ ...base, faults: { dropPerMille: 1001 } }, "x.json")).toThrow("x.json: faults.dropPerMille: must be <= 1000");
    expect(() => parseScenario({ ...base, faults: { slowSocketMs: -1 } }, "x.json")).toThrow("faults.slowSocketMs: must be >= 0");
    expect(() => parseScenario({ ...base, faults: { dropPerMile: 3 } }, "x.json")).toThrow(/dropPerMile/);
    const plan = parseScenario({ ...base, faults: { stormPerMille: 4 } }, "x.json").faults;
    expect(plan).toEqual({ ...NO_FAULTS, stormPerMille: 4 });
  });
});
