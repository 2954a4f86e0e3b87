/**
 * Text that exercises UTF-8 byte accounting: ASCII next to accented Latin, CJK, right-to-left
 * scripts, astral-plane letters, emoji with skin tones, flags and zero-width-joiner
 * sequences, and combining marks. Fragments are whole grapheme clusters, so a cut
 * never splits one; sizes are UTF-8 bytes, never UTF-16 string length.
 */
import { utf8ByteLength } from "../../server/manager/utf8ByteLength.ts";
import type { SimRandom } from "../core/createRandom.ts";

/** The fragments drawn from; each ends with a space so words stay apart. */
const TEXT_FRAGMENTS: readonly string[] = [
  "latency ",
  "p99 ",
  "naïve café ",
  "Größe Ångström ",
  "東京の遅延 ",
  "数据库查询 ",
  "🚀 ",
  "👩‍💻 ",
  "🇫🇷🇯🇵 ",
  "👍🏽 ",
  "e\u0301te\u0301 ",
  "a\u0308\u0304\u0323 ",
  "Z\u0324\u0344a\u0335l\u0336g\u0337o ",
  "مرحبا بالعالم ",
  "שלום ",
  "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ",
  "∑ ≤ ∞ ",
];

/** Each fragment with its UTF-8 size, bytes, measured once; drawn from in TEXT_FRAGMENTS order, so draws match the plain list. */
const SIZED_FRAGMENTS: ReadonlyArray<{ text: string; bytes: number }> = TEXT_FRAGMENTS.map((text) => ({ text, bytes: utf8ByteLength(text) }));

/**
 * Draws text of at least `bytesMin` and at most `bytesMax` UTF-8 bytes (bytesMax >= bytesMin >= 1,
 * bytesMax >= 8): multi-byte fragments while they fit, then ASCII padding up to bytesMin.
 */
export function multiByteText(random: SimRandom, options: { bytesMin: number; bytesMax: number }): string {
  const parts: string[] = [];
  let bytes = 0;
  // Bounded: every fragment adds at least 2 bytes, and a miss ends the loop.
  for (;;) {
    const fragment = random.pick(SIZED_FRAGMENTS);
    if (bytes + fragment.bytes > options.bytesMax) break;
    parts.push(fragment.text);
    bytes += fragment.bytes;
    if (bytes >= options.bytesMin && random.chance(1, 8)) break;
  }
  const padding = Math.max(0, options.bytesMin - bytes);
  const text = parts.join("") + "x".repeat(padding);
  return text.length === 0 ? "x" : text;
}
