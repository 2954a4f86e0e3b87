/**
 * The live viewer's HTML: one self-contained document (styles, config and the bundled
 * script inline) that the `--dev` server answers `GET /` with. Pure.
 */
import { VIEWER_CONFIG_ELEMENT_ID, type ViewerConfig } from "./page/ViewerConfig.ts";

const STYLES = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d2230; background: #f6f7fb; }
header { position: sticky; top: 0; background: #1d2230; color: #fff; padding: 10px 16px; display: flex; gap: 12px; align-items: center; flex-wrap: wrap; }
header h1 { font-size: 16px; margin: 0 12px 0 0; }
button { font: inherit; padding: 4px 12px; border-radius: 4px; border: 1px solid #8891a8; background: #fff; cursor: pointer; }
#status { font-family: ui-monospace, monospace; font-size: 12px; }
table { border-collapse: collapse; width: 100%; font-family: ui-monospace, monospace; font-size: 12px; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid #e1e4ec; vertical-align: top; }
th { background: #e9ecf4; position: sticky; top: 48px; }
td.detail { max-width: 520px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
tr.agent_started td.type, tr.agent_completed td.type { font-weight: bold; }
tr.tool_executing td.type, tr.tool_completed td.type { color: #7a3fb0; }
tr.error_event td.type { color: #b3261e; }
tr.replayed td.latency { color: #8891a8; }
tr.note td { background: #fff7df; color: #5b4a00; font-style: italic; }
tr.note.resync td, tr.note.error td { background: #fde7e4; color: #8a1c12; }
td.pair.done { color: #1b7a3a; } td.pair.open { color: #8891a8; } td.pair.broken { color: #b3261e; font-weight: bold; }
`;

/** `value` as JSON that is safe inside a `<script>` element. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

/** The page for `config`, with `script` (from bundleViewerPage) inline. */
export function renderViewerHtml(config: ViewerConfig, script: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>agent-event-proof · live events</title>
<style>${STYLES}</style>
</head>
<body>
<main id="viewer" data-state="disconnected">
<header>
<h1>Live events</h1>
<button id="start" type="button">Start run</button>
<button id="drop" type="button" title="close the socket; the client reconnects and resumes">Drop connection</button>
<span id="status">connecting…</span>
</header>
<table>
<thead><tr><th>seq</th><th>in run</th><th>latency</th><th>type</th><th>run</th><th>detail</th><th>pairing</th></tr></thead>
<tbody id="events"></tbody>
</table>
</main>
<script type="application/json" id="${VIEWER_CONFIG_ELEMENT_ID}">${scriptSafeJson(config)}</script>
<script>${script.replace(/<\/script/gi, "<\\/script")}</script>
</body>
</html>
`;
}
