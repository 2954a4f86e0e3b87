/**
 * zod schemas of frames, built from the frame table (`frameShapes.ts`), the single
 * source of truth: the server parses client frames with them. The checker's hot path
 * uses the plain validators built from the same table (`validateFrame.ts`), and a
 * differential test keeps the two forms in step for every shape.
 * Not bundled into k6 (zod needs BigInt, which older k6 engines lack).
 */
import { z } from "zod";
import {
  CLIENT_FRAME_SHAPES,
  type FieldRule,
  type FieldRuleName,
  type FrameShape,
  type ShapeValue,
} from "./frameShapes.ts";

const nonEmptyString = z.string().min(1, "must be a non-empty string");
const positiveInteger = z.number().int("must be an integer").positive("must be positive");
const nonNegativeInteger = z.number().int("must be an integer").nonnegative("must not be negative");
const nonEmptyObject = z
  .record(z.string(), z.unknown())
  .refine((value) => Object.keys(value).length > 0, "must be a non-empty object");

const RULE_SCHEMAS: Readonly<Record<FieldRuleName, z.ZodType>> = {
  nonEmptyString,
  positiveInteger,
  nonNegativeInteger,
  positiveNumber: z.number().positive("must be positive"),
  nonNegativeNumber: z.number().nonnegative("must not be negative"),
  nonEmptyObject,
  object: z.record(z.string(), z.unknown()),
  nonEmptyStringList: z.array(nonEmptyString).min(1, "must be a non-empty array"),
  timestamp: z.union([nonEmptyString, z.number().positive("must be positive")]),
};

function enumSchema(values: readonly string[]): z.ZodType {
  return z.enum(values as [string, ...string[]], `must be ${listWords(values)}`);
}

function ruleSchema(rule: FieldRule): z.ZodType {
  if (typeof rule === "string") return RULE_SCHEMAS[rule];
  if ("literal" in rule) return z.literal(rule.literal);
  if ("optional" in rule) return ruleSchema(rule.optional).optional();
  return enumSchema(rule);
}

/** The zod object schema of a frame shape; its output type is the shape's {@link ShapeValue}. */
export function schemaOfShape<S extends FrameShape>(shape: S): z.ZodType<ShapeValue<S>> {
  const fields: Record<string, z.ZodType> = {};
  for (const [name, rule] of Object.entries(shape)) fields[name] = ruleSchema(rule);
  return z.object(fields) as unknown as z.ZodType<ShapeValue<S>>;
}

function schemasOf<T extends Record<string, FrameShape>>(shapes: T): { [K in keyof T]: z.ZodType<ShapeValue<T[K]>> } {
  const schemas: Record<string, z.ZodType> = {};
  for (const [name, shape] of Object.entries(shapes)) schemas[name] = schemaOfShape(shape);
  return schemas as { [K in keyof T]: z.ZodType<ShapeValue<T[K]>> };
}

/**
 * Client frame schemas by type: what the server parses client frames with. Server
 * frames are validated by the plain validators (validateServerFrame.ts); their zod
 * form exists only in the differential test that keeps the two in step.
 */
export const clientFrameSchemas = schemasOf(CLIENT_FRAME_SHAPES);

/** Formats zod issues as `path: rule` sentences, naming each field. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], pathPrefix = ""): string {
  return issues
    .map((issue) => {
      const path = [pathPrefix, ...issue.path.map(String)].filter((part) => part !== "").join(".");
      const message =
        issue.code === "invalid_type"
          ? issue.message.endsWith("received undefined")
            ? "is required"
            : `must be ${issue.expected} (${issue.message.replace(/^Invalid input: /, "")})`
          : issue.message;
      return `${path === "" ? "frame" : path}: ${message}`;
    })
    .join("; ");
}

function listWords(values: readonly string[]): string {
  if (values.length <= 1) return values.join("");
  return `${values.slice(0, -1).join(", ")} or ${values[values.length - 1]}`;
}
