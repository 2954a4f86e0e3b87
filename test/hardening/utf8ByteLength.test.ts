/**
 * The manager's UTF-8 byte count, which every byte bound compares against, equals what
 * Node would write (Buffer.byteLength, which encodes a lone surrogate as U+FFFD, 3 bytes),
 * for each width and every surrogate case. The sweep cannot see a count off by a few bytes:
 * only the exact edges are judged, here and in managerLimitEdges.test.ts.
 */
import { describe, expect, test } from "vitest";
import { utf8ByteLength } from "../../server/manager/utf8ByteLength.ts";

describe("utf8ByteLength", () => {
  test.each([
    ["empty", ""],
    ["ASCII", "hello"],
    ["two-byte", "é ñ ß"],
    ["three-byte", "€ 中文"],
    ["a surrogate pair (emoji)", "😀"],
    ["a ZWJ sequence", "👩‍💻"],
    ["a lone high surrogate before ASCII", "\ud83dA"],
    ["a lone high surrogate before a two-byte letter", "\ud83dé"],
    ["a lone high surrogate before a three-byte letter", "\ud83d中"],
    ["a lone high surrogate at the end", "A\ud83d"],
    ["a lone low surrogate", "A\ude00B"],
    ["two high surrogates then a low one", "\ud83d\ud83d\ude00"],
  ])("%s", (_name, text) => {
    expect(utf8ByteLength(text)).toBe(Buffer.byteLength(text, "utf8"));
  });
});
