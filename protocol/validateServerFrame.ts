/**
 * Validates one server frame (already JSON-parsed) against the protocol
 * (docs/protocol.md): control frames by their shape, agent events by the envelope
 * and the per-type `data` table. Plain generated predicates built from
 * `frameShapes.ts` (see validateFrame.ts): no schema library, no allocation for a
 * valid frame.
 */
import { AGENT_EVENT_TYPES } from "./eventTypes.ts";
import { AGENT_EVENT_DATA_SHAPES, AGENT_EVENT_ENVELOPE_SHAPE, SERVER_CONTROL_SHAPES } from "./frameShapes.ts";
import type { ServerFrame } from "./frames.ts";
import { compileEventShape, compileShape, type CompiledShape } from "./validateFrame.ts";

/** Result of {@link validateServerFrame}: the typed frame, or every problem found, each naming its field. */
export type ServerFrameValidation = { ok: true; frame: ServerFrame } | { ok: false; problems: string };

const CONTROL_SHAPES: ReadonlyMap<string, CompiledShape> = new Map(
  Object.entries(SERVER_CONTROL_SHAPES).map(([type, shape]) => [type, compileShape(shape)]),
);
const ENVELOPE_SHAPE = compileShape(AGENT_EVENT_ENVELOPE_SHAPE);
const DATA_SHAPES: ReadonlyMap<string, CompiledShape> = new Map(AGENT_EVENT_TYPES.map((type) => [type, compileShape(AGENT_EVENT_DATA_SHAPES[type])]));
/** Each event type's whole-event predicate, by type; no prototype, so no inherited name is a type. */
const EVENT_IS_VALID: Readonly<Record<string, ((value: unknown) => boolean) | undefined>> = Object.assign(
  Object.create(null) as Record<string, (value: unknown) => boolean>,
  Object.fromEntries(AGENT_EVENT_TYPES.map((type) => [type, compileEventShape(AGENT_EVENT_ENVELOPE_SHAPE, AGENT_EVENT_DATA_SHAPES[type])])),
);

/**
 * The problems of a parsed server frame, `""` when it is valid: the checker's hot
 * path (a valid frame allocates nothing). Unknown `type`s are problems too.
 */
export function serverFrameProblems(value: unknown): string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "frame: must be a JSON object";
  const type = (value as { type?: unknown }).type;
  if (typeof type !== "string") return "type: is required and must be a string";
  // Agent events first: nearly every frame is one.
  const isValidEvent = EVENT_IS_VALID[type];
  if (isValidEvent !== undefined && isValidEvent(value)) return "";
  const control = CONTROL_SHAPES.get(type);
  if (control !== undefined) return control.describe(value);
  const data = DATA_SHAPES.get(type);
  if (data === undefined) return `type: "${type.slice(0, 64)}" is not a server frame type`;
  const payload = (value as { data?: unknown }).data;
  return [ENVELOPE_SHAPE.describe(value), data.describe(payload, "data")].filter((text) => text !== "").join("; ");
}

/** Validates a parsed server frame; see {@link serverFrameProblems}. */
export function validateServerFrame(value: unknown): ServerFrameValidation {
  const problems = serverFrameProblems(value);
  return problems === "" ? { ok: true, frame: value as ServerFrame } : { ok: false, problems };
}
