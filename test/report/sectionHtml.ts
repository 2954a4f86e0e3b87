/** Reads a report page's DOM (as headless Chromium dumps it) one section at a time. */

/** The HTML of the first section named `name` (its `data-section`), up to the next section; "" when absent. */
export function sectionHtml(dom: string, name: string): string {
  const start = dom.search(new RegExp(`<section[^>]*data-section="${name}"`));
  if (start === -1) return "";
  const next = dom.indexOf("<section", start + 1);
  return dom.slice(start, next === -1 ? undefined : next);
}
