import { Buffer } from "node:buffer";

/**
 * An ack padded with multi-byte text (emoji, accented letters, then ASCII) to exactly
 * `bytes` UTF-8 bytes: 4-byte, 2-byte and 1-byte characters all count.
 */
export function paddedFrameOfBytes(bytes: number): string {
  const prefix = '{"type":"ack","seq":0,"padding":"';
  const suffix = '"}';
  let left = bytes - Buffer.byteLength(prefix + suffix, "utf8");
  if (left < 0) throw new Error(`assertion: a padded frame cannot be ${bytes} bytes`);
  const emoji = Math.floor(left / 8);
  left -= emoji * 4;
  const accented = Math.floor(left / 4);
  left -= accented * 2;
  return `${prefix}${"😀".repeat(emoji)}${"é".repeat(accented)}${"a".repeat(left)}${suffix}`;
}
