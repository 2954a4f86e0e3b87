/**
 * The self-contained report page: styles, the bundled script (chart.js included)
 * and the report data as a JSON blob the script renders from. Nothing is fetched.
 */
import type { ReportData } from "./ReportData.ts";

/** Escapes text for an HTML text node or attribute. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/**
 * The HTML of the page. `</script` inside the script or the JSON would end the
 * element early, so `<` is escaped in the JSON and `</script` in the script.
 */
export function renderReportHtml(data: ReportData, page: { script: string; styles: string }): string {
  const json = JSON.stringify(data).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
  const script = page.script.replace(/<\/script/gi, "<\\/script");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(data.title)}</title>
<style>
${page.styles}
</style>
</head>
<body>
<noscript><p class="noscript">This report draws itself with JavaScript; the data is in the report-data element of this file.</p></noscript>
<main id="report" data-rendered="false"><p class="loading">Drawing the report…</p></main>
<script type="application/json" id="report-data">${json}</script>
<script>
${script}
</script>
</body>
</html>
`;
}
