/**
 * The bytes of a k6 binary-or-text argument: a string (UTF-8), an ArrayBuffer
 * or a typed-array view, as k6's common.ToBytes accepts.
 * @throws TypeError naming `what` for anything else.
 */
export function toBytes(input: unknown, what: string): Buffer {
  if (typeof input === "string") return Buffer.from(input, "utf8");
  if (input instanceof ArrayBuffer) return Buffer.from(input);
  if (ArrayBuffer.isView(input)) return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  throw new TypeError(`${what}: invalid type ${describeType(input)}, expected string, ArrayBuffer or a typed array`);
}

/** A standalone ArrayBuffer holding a copy of `bytes` (k6 returns ArrayBuffers, never Node Buffers). */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  return copy;
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return (value as { constructor?: { name?: string } }).constructor?.name ?? "object";
  return typeof value;
}
