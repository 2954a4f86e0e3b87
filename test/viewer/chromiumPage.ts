/**
 * One headless Chromium page driven over the DevTools protocol (a WebSocket, through
 * `ws`): navigate, evaluate an expression, close. For pages that keep a live connection
 * open, where `--dump-dom` cannot tell when the page is done. The flags are the report
 * test's (headless, no sandbox, nothing phoning home, a fresh profile).
 */
import { spawn } from "node:child_process";
import { WebSocket } from "ws";

/** Where Debian's chromium package puts the browser. */
export const CHROMIUM = "/usr/bin/chromium";

/** A page: evaluate expressions in it, then close the browser. */
export interface ChromiumPage {
  navigate(url: string): Promise<void>;
  /** The value of `expression` in the page (JSON-serialisable results only). */
  evaluate<T>(expression: string): Promise<T>;
  close(): Promise<void>;
}

/** Starts Chromium with a fresh profile in `profileDir` and attaches to its first page. */
export async function openChromiumPage(profileDir: string): Promise<ChromiumPage> {
  const args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", `--user-data-dir=${profileDir}`, "--remote-debugging-port=0", "about:blank"];
  const child = spawn(CHROMIUM, args, { stdio: ["ignore", "ignore", "pipe"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let stderr = "";
  const browserUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`chromium printed no DevTools URL in 30 s:\n${stderr}`)), 30_000);
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(stderr);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once("error", reject);
  });
  const httpBase = browserUrl.replace(/^ws:\/\/([^/]+)\/.*$/, "http://$1");
  const targets = (await (await fetch(`${httpBase}/json/list`)).json()) as Array<{ type: string; webSocketDebuggerUrl: string }>;
  const pageUrl = targets.find((target) => target.type === "page")?.webSocketDebuggerUrl;
  if (pageUrl === undefined) throw new Error("chromium has no page target");
  const socket = new WebSocket(pageUrl);
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  const waiting = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  socket.on("message", (data) => {
    const message = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { message: string } };
    if (message.id === undefined) return;
    const entry = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error !== undefined) entry?.reject(new Error(message.error.message));
    else entry?.resolve(message.result);
  });
  function call(method: string, params: Record<string, unknown>): Promise<unknown> {
    nextId += 1;
    const id = nextId;
    socket.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
  }
  return {
    async navigate(url) {
      await call("Page.navigate", { url });
    },
    async evaluate<T>(expression: string) {
      const result = (await call("Runtime.evaluate", { expression, returnByValue: true })) as { result: { value?: unknown }; exceptionDetails?: { text: string; exception?: { description?: string } } };
      if (result.exceptionDetails !== undefined) throw new Error(`page threw: ${result.exceptionDetails.exception?.description ?? result.exceptionDetails.text}`);
      return result.result.value as T;
    },
    async close() {
      socket.close();
      child.kill("SIGTERM");
      const killTimer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(killTimer);
    },
  };
}
