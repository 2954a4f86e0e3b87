import { createHash, createHmac, randomBytes as nodeRandomBytes, type Hash, type Hmac } from "node:crypto";
import { toArrayBuffer, toBytes } from "./toBytes.ts";

// k6 algorithm names -> OpenSSL names. md4 is missing on purpose: Node's
// OpenSSL 3 no longer ships it, so `k6/crypto`'s md4 is listed unsupported.
const ALGORITHMS: Readonly<Record<string, string>> = {
  md5: "md5",
  sha1: "sha1",
  sha256: "sha256",
  sha384: "sha384",
  sha512: "sha512",
  sha512_224: "sha512-224",
  sha512_256: "sha512-256",
  ripemd160: "ripemd160",
};

/** A k6 hasher: `update()` any number of times, then `digest(encoding)`. */
export class K6Hasher {
  readonly #hash: Hash | Hmac;

  constructor(hash: Hash | Hmac) {
    this.#hash = hash;
  }

  update(input: unknown): void {
    this.#hash.update(toBytes(input, "update"));
  }

  digest(outputEncoding: unknown): string | ArrayBuffer {
    return encodeDigest(this.#hash.digest(), outputEncoding);
  }
}

/**
 * `k6/crypto`, backed by node:crypto. Output encodings follow k6 exactly:
 * `hex`, `base64` (padded), `base64url` (URL alphabet, padded),
 * `base64rawurl` (URL alphabet, unpadded), `binary` (ArrayBuffer).
 */
export function createCryptoModule(): Record<string, unknown> {
  const digestWith = (algorithm: string) => (input: unknown, outputEncoding: unknown) => {
    const hasher = createHashFor(algorithm);
    hasher.update(input);
    return hasher.digest(outputEncoding);
  };
  const namespace = {
    createHash: (algorithm: unknown) => createHashFor(String(algorithm)),
    createHMAC: (algorithm: unknown, secret: unknown) => createHmacFor(String(algorithm), secret),
    hmac: (algorithm: unknown, secret: unknown, input: unknown, outputEncoding: unknown) => {
      const hasher = createHmacFor(String(algorithm), secret);
      hasher.update(input);
      return hasher.digest(outputEncoding);
    },
    hexEncode: (data: unknown) => toBytes(data, "hexEncode").toString("hex"),
    randomBytes: (size: unknown) => {
      const length = Number(size);
      if (!Number.isInteger(length) || length < 1) throw new Error("invalid size");
      return toArrayBuffer(nodeRandomBytes(length));
    },
    md5: digestWith("md5"),
    ripemd160: digestWith("ripemd160"),
    sha1: digestWith("sha1"),
    sha256: digestWith("sha256"),
    sha384: digestWith("sha384"),
    sha512: digestWith("sha512"),
    sha512_224: digestWith("sha512_224"),
    sha512_256: digestWith("sha512_256"),
  };
  return { ...namespace, default: namespace };
}

function createHashFor(algorithm: string): K6Hasher {
  return new K6Hasher(createHash(nodeAlgorithm(algorithm)));
}

function createHmacFor(algorithm: string, secret: unknown): K6Hasher {
  return new K6Hasher(createHmac(nodeAlgorithm(algorithm), toBytes(secret, "hmac secret")));
}

function nodeAlgorithm(algorithm: string): string {
  const name = ALGORITHMS[algorithm];
  if (name === undefined) throw new Error(`invalid algorithm: ${algorithm} (the Node runner supports ${Object.keys(ALGORITHMS).join(", ")})`);
  return name;
}

function encodeDigest(digest: Buffer, outputEncoding: unknown): string | ArrayBuffer {
  switch (outputEncoding) {
    case "hex":
      return digest.toString("hex");
    case "base64":
      return digest.toString("base64");
    case "base64url":
      return digest.toString("base64").replace(/\+/g, "-").replace(/\//g, "_");
    case "base64rawurl":
      return digest.toString("base64url");
    case "binary":
      return toArrayBuffer(digest);
    default:
      throw new Error(`invalid output encoding: ${String(outputEncoding)}`);
  }
}
