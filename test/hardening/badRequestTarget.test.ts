/**
 * Found by review: Node's HTTP parser accepts request targets that `URL` rejects
 * (`GET //[`); an unauthenticated client could end the process with one. Now a 400, and
 * the server keeps serving.
 */
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestServer, type TestServer } from "../server/serverTestKit.ts";

function rawRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(request));
    let answer = "";
    socket.on("data", (chunk) => {
      answer += chunk.toString("latin1");
    });
    socket.on("end", () => resolve(answer));
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
  });
}

describe("request targets that URL cannot parse", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  test.each(["//[", "http://[x", "//[::1"])("GET %s is a 400 and the server keeps serving", async (target) => {
    const answer = await rawRequest(server.address.port, `GET ${target} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`);
    expect(answer.split("\r\n")[0]).toBe("HTTP/1.1 400 Bad Request");
    const health = await fetch(`${server.address.httpUrl}/health`);
    expect(health.status).toBe(200);
  });
});
