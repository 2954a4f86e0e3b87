/**
 * The plain validators (validateFrame.ts, the checker's hot path and k6's) and the
 * zod schemas (schemas.ts, the server's and the files') are both built from the frame
 * table. This proves they judge every value the same way: same verdict and the same
 * fields named, over valid frames and every kind of near miss fast-check can make.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AGENT_EVENT_TYPES } from "../../protocol/eventTypes.ts";
import {
  AGENT_EVENT_DATA_SHAPES,
  AGENT_EVENT_ENVELOPE_SHAPE,
  CLIENT_FRAME_SHAPES,
  SERVER_CONTROL_SHAPES,
  type FieldRule,
  type FrameShape,
} from "../../protocol/frameShapes.ts";
import { schemaOfShape } from "../../protocol/schemas.ts";
import { compileShape } from "../../protocol/validateFrame.ts";
import { validateServerFrame } from "../../protocol/validateServerFrame.ts";

/** Any JSON value a broken server might put in a field. */
const strangeValue = fc.oneof(
  fc.constantFrom("", " ", "ok", "x", "é🙂", 0, -1, 1, 1.5, -0.5, 2 ** 53, null, true, false, [], [""], ["a"], {}, { a: 1 }),
  fc.string({ maxLength: 4 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
);

function validValue(rule: FieldRule): fc.Arbitrary<unknown> {
  if (typeof rule === "string") {
    switch (rule) {
      case "nonEmptyString":
        return fc.string({ minLength: 1, maxLength: 8 });
      case "positiveInteger":
        return fc.integer({ min: 1 });
      case "nonNegativeInteger":
        return fc.nat();
      case "positiveNumber":
        return fc.double({ min: Number.MIN_VALUE, noNaN: true, noDefaultInfinity: true });
      case "nonNegativeNumber":
        return fc.double({ min: 0, noNaN: true, noDefaultInfinity: true });
      case "nonEmptyObject":
        return fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), fc.jsonValue(), { minKeys: 1, maxKeys: 3 });
      case "object":
        return fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue(), { maxKeys: 3 });
      case "nonEmptyStringList":
        return fc.array(fc.string({ minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 3 });
      case "timestamp":
        return fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), fc.integer({ min: 1 }));
    }
  }
  if ("literal" in rule) return fc.constant(rule.literal);
  if ("optional" in rule) return fc.option(validValue(rule.optional), { nil: undefined });
  return fc.constantFrom(...rule);
}

/** A frame of `shape` where each field is valid, strange, or missing. */
function nearMiss(shape: FrameShape): fc.Arbitrary<Record<string, unknown>> {
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, rule] of Object.entries(shape)) {
    fields[name] = fc.oneof(
      { weight: 6, arbitrary: validValue(rule) },
      { weight: 2, arbitrary: strangeValue },
      { weight: 1, arbitrary: fc.constant(undefined) },
    );
  }
  return fc.record(fields).map((frame) => Object.fromEntries(Object.entries(frame).filter(([, value]) => value !== undefined)));
}

function flaggedFields(problems: string): string[] {
  if (problems === "") return [];
  return [...new Set(problems.split("; ").map((problem) => problem.slice(0, problem.indexOf(":"))))].sort();
}

function zodFlaggedFields(result: { success: boolean; error?: { issues: readonly { path: readonly PropertyKey[] }[] } }, prefix = ""): string[] {
  if (result.success) return [];
  const paths = (result.error?.issues ?? []).map((issue) => [prefix, String(issue.path[0] ?? "")].filter((part) => part !== "").join("."));
  return [...new Set(paths.map((path) => (path === "" ? "frame" : path)))].sort();
}

const EVERY_SHAPE: [string, FrameShape][] = [
  ...Object.entries(CLIENT_FRAME_SHAPES),
  ...Object.entries(SERVER_CONTROL_SHAPES),
  ...Object.entries(AGENT_EVENT_DATA_SHAPES).map(([type, shape]): [string, FrameShape] => [`data of ${type}`, shape]),
  ["agent event envelope", AGENT_EVENT_ENVELOPE_SHAPE],
];

describe("plain validators agree with the zod schemas", () => {
  for (const [name, shape] of EVERY_SHAPE) {
    it(`${name}: same verdict and same fields named`, () => {
      const compiled = compileShape(shape);
      const schema = schemaOfShape(shape);
      fc.assert(
        fc.property(fc.oneof(nearMiss(shape), strangeValue), (value) => {
          const zodResult = schema.safeParse(value);
          expect(compiled.isValid(value)).toBe(zodResult.success);
          expect(flaggedFields(compiled.describe(value))).toEqual(zodFlaggedFields(zodResult));
        }),
        { numRuns: 600 },
      );
    });
  }

  it("validateServerFrame judges whole frames as the zod schemas do", () => {
    const eventFrame = fc.constantFrom(...AGENT_EVENT_TYPES).chain((type) =>
      fc.tuple(nearMiss(AGENT_EVENT_ENVELOPE_SHAPE), fc.oneof({ weight: 5, arbitrary: nearMiss(AGENT_EVENT_DATA_SHAPES[type]) }, strangeValue)).map(
        ([envelope, data]) => ({ ...envelope, type, data }),
      ),
    );
    const controlFrame = fc.constantFrom(...(Object.keys(SERVER_CONTROL_SHAPES) as (keyof typeof SERVER_CONTROL_SHAPES)[])).chain((type) =>
      nearMiss(SERVER_CONTROL_SHAPES[type]),
    );
    fc.assert(
      fc.property(fc.oneof(eventFrame, controlFrame), (frame) => {
        expect(validateServerFrame(frame).ok).toBe(zodJudges(frame));
      }),
      { numRuns: 3000 },
    );
  });
});

/** The zod reading of a server frame (what validateServerFrame did before it was plain). */
function zodJudges(frame: Record<string, unknown>): boolean {
  const type = frame["type"];
  if (typeof type !== "string") return false;
  if (Object.hasOwn(SERVER_CONTROL_SHAPES, type)) return schemaOfShape(SERVER_CONTROL_SHAPES[type as keyof typeof SERVER_CONTROL_SHAPES]).safeParse(frame).success;
  if (!Object.hasOwn(AGENT_EVENT_DATA_SHAPES, type)) return false;
  const data = schemaOfShape(AGENT_EVENT_DATA_SHAPES[type as keyof typeof AGENT_EVENT_DATA_SHAPES]).safeParse(frame["data"]);
  return schemaOfShape(AGENT_EVENT_ENVELOPE_SHAPE).safeParse(frame).success && data.success;
}
