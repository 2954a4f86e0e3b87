/**
 * Frames that arrive before the server has even answered the upgrade: a raw TCP client
 * writes the upgrade request and its first WebSocket frames in one packet, without
 * waiting for `101`. The server verifies the token asynchronously meanwhile; the frames
 * must be neither lost nor handled before `connected` is sent: `connected` comes first,
 * then each frame's answer, in order.
 */
import { randomBytes } from "node:crypto";
import { connect as connectTcp } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestServer, waitFor, type TestServer } from "../server/serverTestKit.ts";

/** One masked client text frame (RFC 6455 §5.2), payload under 64 KiB. */
function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text, "utf8");
  const mask = randomBytes(4);
  const header = payload.length < 126 ? Buffer.from([0x81, 0x80 | payload.length]) : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  const masked = Buffer.from(payload.map((byte, index) => byte ^ (mask[index % 4] as number)));
  return Buffer.concat([header, mask, masked]);
}

/** Parses the server's unmasked frames (text and close) out of `bytes`. */
function serverFrames(bytes: Buffer): Array<{ opcode: number; text: string }> {
  const frames: Array<{ opcode: number; text: string }> = [];
  let at = 0;
  while (at + 2 <= bytes.length) {
    const opcode = (bytes[at] as number) & 0x0f;
    let length = (bytes[at + 1] as number) & 0x7f;
    let start = at + 2;
    if (length === 126) {
      length = bytes.readUInt16BE(at + 2);
      start = at + 4;
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(at + 2));
      start = at + 10;
    }
    if (start + length > bytes.length) break;
    frames.push({ opcode, text: bytes.subarray(start, start + length).toString("utf8") });
    at = start + length;
  }
  return frames;
}

describe("frames pipelined with the upgrade request", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  test("connected first, then the answer to every pipelined frame, in order", async () => {
    const token = await server.token("eager");
    const socket = connectTcp({ host: "127.0.0.1", port: server.address.port });
    socket.on("error", () => {});
    let received = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    const request = [
      `GET /ws?token=${token} HTTP/1.1`,
      `Host: 127.0.0.1:${server.address.port}`,
      "Upgrade: websocket",
      "Connection: Upgrade",
      `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}`,
      "Sec-WebSocket-Version: 13",
      "",
      "",
    ].join("\r\n");
    socket.write(
      Buffer.concat([
        Buffer.from(request),
        maskedTextFrame("{not json"),
        maskedTextFrame(JSON.stringify({ type: "start_agent", request_id: "pipelined", agent_type: "eager", message: "go", scenario: "quick" })),
        maskedTextFrame(JSON.stringify({ type: "ack", seq: 99 })),
      ]),
    );
    const framesOf = () => {
      const headerEnd = received.indexOf("\r\n\r\n");
      return headerEnd < 0 ? [] : serverFrames(received.subarray(headerEnd + 4));
    };
    await waitFor(() => framesOf().some((frame) => frame.text.includes("agent_completed")), 3_000, "the pipelined run to complete");
    expect(received.subarray(0, received.indexOf("\r\n")).toString()).toBe("HTTP/1.1 101 Switching Protocols");
    const parsed = framesOf().map((frame) => JSON.parse(frame.text) as Record<string, unknown>);
    const answers = parsed.filter((frame) => frame["type"] === "connected" || frame["type"] === "protocol_error" || frame["type"] === "agent_started");
    expect(answers.map((frame) => [frame["type"], frame["code"]])).toEqual([
      ["connected", undefined],
      ["protocol_error", "bad_json"],
      ["agent_started", undefined],
      ["protocol_error", "bad_field"],
    ]);
    expect(String(answers[3]?.["message"])).toMatch(/^seq: 99 is ahead/);
    socket.destroy();
  });
});
