/** The one-line repro with a copy button (STYLE rule 8: every failure replays from one line). */
import { h } from "./_internals/html.ts";

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // file:// pages may not get the async clipboard; fall back to a selection copy.
    const area = h("textarea", { class: "copy-buffer", readonly: true }, text);
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok;
  }
}

/** `<code>line</code>` and a button that copies it. */
export function commandLine(line: string, options: { label?: string } = {}): HTMLElement {
  const button = h("button", { type: "button", class: "copy", title: "Copy to the clipboard" }, "Copy");
  button.addEventListener("click", () => {
    void copyText(line).then((ok) => {
      button.textContent = ok ? "Copied" : "Select and copy";
      window.setTimeout(() => (button.textContent = "Copy"), 1500);
    });
  });
  return h("div", { class: "command" }, options.label === undefined ? null : h("span", { class: "command-label" }, options.label), h("code", {}, line), button);
}
