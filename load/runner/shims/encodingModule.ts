import { toArrayBuffer, toBytes } from "./toBytes.ts";

type Base64Variant = "std" | "rawstd" | "url" | "rawurl";

// Alphabet, and whether the variant is padded, per k6/encoding variant.
const VARIANTS: Readonly<Record<Base64Variant, { alphabet: RegExp; padded: boolean; url: boolean }>> = {
  std: { alphabet: /^[A-Za-z0-9+/]*$/, padded: true, url: false },
  rawstd: { alphabet: /^[A-Za-z0-9+/]*$/, padded: false, url: false },
  url: { alphabet: /^[A-Za-z0-9_-]*$/, padded: true, url: true },
  rawurl: { alphabet: /^[A-Za-z0-9_-]*$/, padded: false, url: true },
};

/**
 * `k6/encoding`: base64 in k6's four variants. Decoding is strict like Go's
 * (wrong alphabet, padding or length throws `illegal base64 data at input byte N`);
 * an unknown variant name falls back to `std`, as in k6.
 */
export function createEncodingModule(): Record<string, unknown> {
  const namespace = {
    b64encode: (input: unknown, encoding?: unknown): string => {
      const variant = VARIANTS[variantName(encoding)];
      const text = toBytes(input, "b64encode").toString("base64");
      const alphabetFixed = variant.url ? text.replace(/\+/g, "-").replace(/\//g, "_") : text;
      return variant.padded ? alphabetFixed : alphabetFixed.replace(/=+$/, "");
    },
    b64decode: (input: unknown, encoding?: unknown, format?: unknown): string | ArrayBuffer => {
      const bytes = strictDecode(String(input), variantName(encoding));
      return format === "s" ? bytes.toString("utf8") : toArrayBuffer(bytes);
    },
  };
  return { ...namespace, default: namespace };
}

function variantName(encoding: unknown): Base64Variant {
  return encoding === "rawstd" || encoding === "url" || encoding === "rawurl" ? encoding : "std";
}

function strictDecode(text: string, name: Base64Variant): Buffer {
  const variant = VARIANTS[name];
  const body = variant.padded ? text.replace(/={1,2}$/, "") : text;
  if (!variant.alphabet.test(body)) {
    const badIndex = [...body].findIndex((character) => !variant.alphabet.test(character));
    throw new Error(`illegal base64 data at input byte ${badIndex}`);
  }
  const lengthOk = variant.padded ? text.length % 4 === 0 : body.length % 4 !== 1;
  if (!lengthOk) throw new Error(`illegal base64 data at input byte ${body.length}`);
  return Buffer.from(variant.url ? body.replace(/-/g, "+").replace(/_/g, "/") : body, "base64");
}
