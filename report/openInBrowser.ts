/**
 * `--open`: hands the report to the desktop's opener (xdg-open on Linux, open on
 * macOS) when one is installed; otherwise says where the file is.
 */
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

function onPath(command: string): boolean {
  for (const dir of (process.env["PATH"] ?? "").split(delimiter)) {
    if (dir === "") continue;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

/** Opens `path` in the default browser if possible; returns a line for the user either way. */
export function openInBrowser(path: string): string {
  const opener = process.platform === "darwin" ? "open" : "xdg-open";
  if (!onPath(opener)) return `No ${opener} here; open this file in a browser: ${path}`;
  const child = spawn(opener, [path], { detached: true, stdio: "ignore" });
  child.on("error", () => process.stderr.write(`report: ${opener} failed; open this file in a browser: ${path}\n`));
  child.unref();
  return `Opening with ${opener}: ${path}`;
}
