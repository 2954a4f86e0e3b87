/**
 * One probe connection before a load run against someone else's server, so a wrong
 * URL, a dead port or a refused token is one clear line at once instead of a flood of
 * failed sessions: connect with the run's credentials, wait for the protocol's
 * `connected` frame, close. Node side only (the CLI edge), never bundled into k6.
 */
import { SignJWT } from "jose";
import { WebSocket } from "ws";

/** How long the probe waits for `connected`, ms. */
export const PROBE_TIMEOUT_MS = 5000;

/**
 * Probes `target`; resolves with undefined when it answered with `connected`, else
 * one sentence naming the problem and the fix.
 */
export async function probeTarget(target: string, credentials: { secret: string } | { token: string }): Promise<string | undefined> {
  const token = "secret" in credentials ? await probeToken(credentials.secret) : credentials.token;
  return new Promise((resolvePromise) => {
    let settled = false;
    const socket = new WebSocket(target, { headers: token === "" ? {} : { Authorization: `Bearer ${token}` }, handshakeTimeout: PROBE_TIMEOUT_MS });
    const finish = (problem: string | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on("error", () => undefined);
      socket.terminate();
      resolvePromise(problem);
    };
    const timer = setTimeout(() => finish(`${target} did not send the protocol's connected frame within ${PROBE_TIMEOUT_MS} ms: is it an agent-event server (docs/protocol.md)?`), PROBE_TIMEOUT_MS);
    socket.on("unexpected-response", (_request, response) => {
      const status = response.statusCode ?? 0;
      const fix =
        status === 401 ? "the server refused the token: check --secret (its JWT secret) or TOKEN" : status === 404 ? "wrong path: check the URL's path (ours is /ws)" : "see the server's log";
      finish(`${target} refused the WebSocket upgrade with HTTP ${status}: ${fix}`);
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      const code = error.code ?? "";
      const fix = code === "ECONNREFUSED" ? "nothing listens there: start the server or fix --target" : code === "ENOTFOUND" ? "the host name does not resolve: fix --target" : "check --target";
      finish(`cannot connect to ${target} (${code === "" ? error.message : code}): ${fix}`);
    });
    socket.on("message", (data) => {
      let frame: unknown;
      try {
        frame = JSON.parse(String(data));
      } catch {
        frame = undefined;
      }
      const type = (frame as { type?: unknown } | undefined)?.type;
      finish(type === "connected" ? undefined : `${target} sent ${JSON.stringify(String(data).slice(0, 80))} first, not the protocol's connected frame: is it an agent-event server?`);
    });
    socket.on("close", (code) => finish(`${target} closed the probe connection (code ${code}) before sending connected: check the credentials and the server's log`));
  });
}

/** A short-lived HS256 token for the probe's own user (`load-probe`). */
async function probeToken(secret: string): Promise<string> {
  const nowSeconds = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject("load-probe")
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + 60)
    .sign(new TextEncoder().encode(secret));
}
