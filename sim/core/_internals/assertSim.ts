import { SimAssertionError } from "../SimAssertionError.ts";

/**
 * Throws {@link SimAssertionError} when `condition` is false. Pass a constant
 * message on hot paths: a template literal would be built on every call.
 */
export function assertSim(condition: boolean, message: string): asserts condition {
  if (!condition) throw new SimAssertionError(message);
}
