/**
 * Identifier port: connection ids, epochs, run ids and execution ids. Real ids
 * come from crypto randomness; the simulator draws them from its seeded PRNG so
 * that a seed reproduces every id (STYLE rule 1).
 */
export interface IdSource {
  /** A new identifier, unique for the life of the process, starting with `prefix` (e.g. `"r-"`). */
  next(prefix: string): string;
}
