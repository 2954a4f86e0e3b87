/**
 * 32-bit FNV-1a over the string's UTF-16 code units. Used only to turn a fork
 * name path into seed material, so it must be stable across machines and Node
 * versions, which plain integer arithmetic (Math.imul) guarantees.
 */
export function fnv1a32(text: string, offsetBasis: number): number {
  let hash = offsetBasis >>> 0;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The standard FNV-1a 32-bit offset basis. */
export const fnvOffsetBasis = 0x811c9dc5;

/**
 * MurmurHash3's 32-bit finalizer: a bijection on 32-bit integers with full
 * avalanche, so nearby seeds (1, 2, 3…) give unrelated generator states.
 */
export function mix32(value: number): number {
  let hash = value >>> 0;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
