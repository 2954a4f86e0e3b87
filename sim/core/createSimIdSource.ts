/**
 * The IdSource port for the simulator: ids drawn from a seeded stream, so a seed
 * reproduces every connection id, epoch, run id and execution id.
 */
import type { IdSource } from "../../server/ports/idSource.ts";
import type { SimRandom } from "./createRandom.ts";
import { SimAssertionError } from "./SimAssertionError.ts";

/** Default bound on ids one source hands out (it remembers each to guarantee uniqueness). */
export const simIdsMaxDefault = 1_000_000;

/** Options of {@link createSimIdSource}. */
export interface SimIdSourceOptions {
  /** Most ids this source may hand out; passing it is an assertion. Default {@link simIdsMaxDefault}. */
  idsMax?: number;
}

/**
 * An IdSource over `random` (pass it its own fork, e.g. `random.fork("ids")`).
 * Ids look like `"r-3f2a9b"`; the random part is 24 bits, so collisions happen
 * (about one in 4,000 ids); a colliding id gets `-2`, `-3`… appended until it is
 * unique among every id this source has returned, whatever the prefix.
 */
export function createSimIdSource(random: SimRandom, options: SimIdSourceOptions = {}): IdSource {
  const idsMax = options.idsMax ?? simIdsMaxDefault;
  const issued = new Set<string>();
  return {
    next(prefix: string): string {
      if (issued.size >= idsMax) throw new SimAssertionError(`SimIdSource: more than idsMax (${idsMax}) ids`);
      const drawn = random.id(prefix);
      let id = drawn;
      for (let attempt = 2; issued.has(id); attempt += 1) id = `${drawn}-${attempt}`;
      issued.add(id);
      return id;
    },
  };
}
