/**
 * Plain validators built from the frame table (`frameShapes.ts`): the same rules as
 * the zod schemas of `schemas.ts`, compiled once into one generated function per
 * shape of inline `typeof` tests. This is what the checker runs on every frame, in
 * the simulator and inside k6 VUs, where a schema library costs hundreds of
 * microseconds per event (and zod 4 needs BigInt, which k6 before v0.54 lacks). A
 * valid frame costs no allocation; problems are described only when there are some.
 * `test/protocol/validateFrameDifferential.test.ts` proves it agrees with zod.
 */
import { FIELD_RULE_NAMES, type FieldRule, type FieldRuleName, type FrameShape } from "./frameShapes.ts";

/** One field's rule, for describing problems. */
interface FieldCheck {
  name: string;
  optional: boolean;
  test: (value: unknown) => boolean;
  mustBe: string;
}

/**
 * A frame shape compiled once: `isValid` is generated code (one function, inline
 * `typeof` tests, no calls for most rules: k6's engine pays for every call), and
 * `describe` names every problem when `isValid` said no.
 */
export interface CompiledShape {
  isValid(value: unknown): boolean;
  /** Every problem as `path: rule` sentences joined by "; " (`""` when valid). */
  describe(value: unknown, pathPrefix?: string): string;
}

const SAFE_INTEGER_MAX = "9007199254740991";

/** The inline test of each named rule on `v`, as JavaScript source. */
const RULE_SOURCE: Readonly<Record<FieldRuleName, string>> = {
  nonEmptyString: `(typeof v === "string" && v.length > 0)`,
  positiveInteger: `(typeof v === "number" && v > 0 && v <= ${SAFE_INTEGER_MAX} && v % 1 === 0)`,
  nonNegativeInteger: `(typeof v === "number" && v >= 0 && v <= ${SAFE_INTEGER_MAX} && v % 1 === 0)`,
  positiveNumber: `(typeof v === "number" && v > 0 && v < Infinity)`,
  nonNegativeNumber: `(typeof v === "number" && v >= 0 && v < Infinity)`,
  nonEmptyObject: `(typeof v === "object" && v !== null && !Array.isArray(v) && hasAnyKey(v))`,
  object: `(typeof v === "object" && v !== null && !Array.isArray(v))`,
  nonEmptyStringList: `isNonEmptyStringList(v)`,
  timestamp: `((typeof v === "string" && v.length > 0) || (typeof v === "number" && v > 0 && v < Infinity))`,
};

function hasAnyKey(value: Record<string, unknown>): boolean {
  for (const key in value) if (Object.hasOwn(value, key)) return true;
  return false;
}

function isNonEmptyStringList(value: unknown): boolean {
  if (!Array.isArray(value) || value.length === 0) return false;
  for (let index = 0; index < value.length; index += 1) {
    const item: unknown = value[index];
    if (typeof item !== "string" || item.length === 0) return false;
  }
  return true;
}

function ruleSource(rule: FieldRule): { optional: boolean; source: string; mustBe: string } {
  if (typeof rule === "string") return { optional: false, source: RULE_SOURCE[rule], mustBe: FIELD_RULE_NAMES[rule] };
  if ("literal" in rule) return { optional: false, source: `(v === ${JSON.stringify(rule.literal)})`, mustBe: JSON.stringify(rule.literal) };
  if ("optional" in rule) return { ...ruleSource(rule.optional), optional: true };
  return { optional: false, source: `(${rule.map((value) => `v === ${JSON.stringify(value)}`).join(" || ")})`, mustBe: `one of ${rule.join(", ")}` };
}

/** The generated tests of `shape`'s fields on the object in variable `target` (which must hold an object). */
function fieldTestLines(shape: FrameShape, target: string): string[] {
  return Object.entries(shape).map(([name, rule]) => {
    const field = ruleSource(rule);
    return `v = ${target}[${JSON.stringify(name)}]; if (v === undefined ? ${field.optional ? "false" : "true"} : !${field.source}) return false;`;
  });
}

const IS_OBJECT = (target: string): string => `if (typeof ${target} !== "object" || ${target} === null || Array.isArray(${target})) return false;`;

/** Generated from the frame table, never from input: the code is fixed at load. */
function generatedPredicate(bodyLines: readonly string[]): (value: unknown) => boolean {
  return new Function("hasAnyKey", "isNonEmptyStringList", `return function isValid(value) {\nvar v;\n${bodyLines.join("\n")}\nreturn true;\n};`)(hasAnyKey, isNonEmptyStringList) as (
    value: unknown,
  ) => boolean;
}

/**
 * One generated predicate for a whole agent event: the envelope's fields, then
 * `data`'s, inline (one call per event on k6's hot path instead of two and a lookup).
 * Same rules as {@link compileShape} of each.
 */
export function compileEventShape(envelope: FrameShape, data: FrameShape): (value: unknown) => boolean {
  return generatedPredicate([IS_OBJECT("value"), ...fieldTestLines(envelope, "value"), "var d = value.data;", IS_OBJECT("d"), ...fieldTestLines(data, "d")]);
}

/** Compiles a frame shape (do it once, at module load). */
export function compileShape(shape: FrameShape): CompiledShape {
  const fields = Object.entries(shape).map(([name, rule]) => ({ name, ...ruleSource(rule) }));
  const isValid = generatedPredicate([IS_OBJECT("value"), ...fieldTestLines(shape, "value")]);
  const checks: FieldCheck[] = fields.map((field) => ({
    name: field.name,
    optional: field.optional,
    mustBe: field.mustBe,
    test: new Function("hasAnyKey", "isNonEmptyStringList", `return function (v) { return ${field.source}; };`)(hasAnyKey, isNonEmptyStringList) as (value: unknown) => boolean,
  }));
  return {
    isValid,
    describe: (value, pathPrefix = "") => (isValid(value) ? "" : describeProblems(checks, value, pathPrefix)),
  };
}

function describeProblems(checks: readonly FieldCheck[], value: unknown, pathPrefix: string): string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return `${pathPrefix === "" ? "frame" : pathPrefix}: must be an object`;
  const problems: string[] = [];
  for (const check of checks) {
    const fieldValue = (value as Record<string, unknown>)[check.name];
    const path = pathPrefix === "" ? check.name : `${pathPrefix}.${check.name}`;
    if (fieldValue === undefined) {
      if (!check.optional) problems.push(`${path}: is required`);
    } else if (!check.test(fieldValue)) problems.push(`${path}: must be ${check.mustBe}`);
  }
  return problems.join("; ");
}
