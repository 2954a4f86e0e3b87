/** Tiny DOM helpers: build elements without a framework, escape text for SVG strings. */

/** A child of {@link h}: nodes, text, or nothing (null/false/undefined are skipped). */
export type Child = Node | string | number | null | false | undefined | Child[];

/** Creates `<tag>` with attributes (`class`, `data-*`, …; a function value becomes an event listener) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string | number | boolean | EventListener | null> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === false) continue;
    if (typeof value === "function") element.addEventListener(name.replace(/^on/, ""), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

/** Appends children (flattened) to `parent`. */
export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === false || child === undefined) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
  }
}

/** Escapes text for use inside an SVG/HTML string. */
export function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** A section with a heading and a short explanation for newcomers. */
export function section(name: string, title: string, explanation: Child, ...children: Child[]): HTMLElement {
  sectionCount += 1;
  return h("section", { class: `section section-${name}`, id: `section-${sectionCount}-${name}`, "data-section": name, "data-rendered": "false" }, h("h3", {}, title), h("p", { class: "explain" }, explanation), ...children);
}

/** Numbers section ids in page order, so each section can be linked to. */
let sectionCount = 0;

/** Marks a section as drawn ("true") or as having nothing to draw ("empty"). */
export function markRendered(element: Element, state: "true" | "empty" = "true"): void {
  element.setAttribute("data-rendered", state);
}
