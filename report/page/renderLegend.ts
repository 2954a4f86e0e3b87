/** The swimlane's legend: every mark and annotation, drawn with the same code as the lanes. */
import { h } from "./_internals/html.ts";
import { ANNOTATION_COLOURS, EVENT_STYLES } from "./eventStyles.ts";

function swatch(svg: string, width = 22): HTMLElement {
  const holder = h("span", { class: "swatch" });
  holder.innerHTML = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="18" viewBox="0 0 ${width} 18">${svg}</svg>`;
  return holder;
}

function item(svg: string, label: string, meaning: string, width?: number): HTMLElement {
  return h("li", { title: meaning }, swatch(svg, width), h("span", {}, label));
}

/** The legend element. */
export function renderLegend(): HTMLElement {
  const events = Object.values(EVENT_STYLES).map((style) => item(style.draw(11, 9), style.label, style.meaning));
  const extras = [
    item(`<path d="M2 13 Q15 -3 28 13" fill="none" stroke="#1565c0" stroke-width="1.6"/>`, "tool call", "Arc from tool_executing to its tool_completed (dashed red: the tool failed).", 30),
    item(`<rect x="1" y="4" width="28" height="10" rx="5" fill="#bbdefb"/>`, "run", "A tinted band spans one run's events on a connection.", 30),
    item(`<g opacity="0.38"><circle cx="5" cy="9" r="3.2" fill="#78909c"/><rect x="12" y="5" width="8" height="8" fill="#1565c0"/></g>`, "replayed (faded)", "Faded: sent again from the server's buffer after a resume."),
    item(`<circle cx="11" cy="9" r="7.5" fill="rgba(213,0,0,0.12)" stroke="${ANNOTATION_COLOURS.violation}" stroke-width="2"/><circle cx="11" cy="9" r="3" fill="#78909c"/>`, "named by a violation", "A red ring: a checker flagged this event (for example another user's event)."),
    item(`<path d="M6 3 L16 3 L11 12 Z" fill="${ANNOTATION_COLOURS.fault}"/>`, "injected fault", "The simulator injected a fault: drop, half-open, reconnect, send failure, slow socket, cancel."),
    item(`<rect x="1" y="4" width="20" height="10" fill="url(#legend-hatch)" stroke="#fb8c00"/><defs><pattern id="legend-hatch" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="5" stroke="#fb8c00" stroke-width="2"/></pattern></defs>`, "slow socket", "Hatched: the client read slowly for this long."),
    item(`<rect x="7" y="5" width="8" height="8" rx="2" fill="${ANNOTATION_COLOURS.decision}"/>`, "server decision", "The server decided something: replay, slow consumer, heartbeat timeout, send failure."),
    item(`<path d="M11 3 L17 9 L11 15 L5 9 Z" fill="#fff" stroke="${ANNOTATION_COLOURS.resync}" stroke-width="2"/>`, "resync", "resync_required: the server could not resume losslessly and said so."),
    item(`<line x1="11" x2="11" y1="2" y2="17" stroke="${ANNOTATION_COLOURS.violation}" stroke-width="2.5"/><circle cx="11" cy="5" r="3.5" fill="${ANNOTATION_COLOURS.violation}"/>`, "violation", "Where the checker saw a broken invariant."),
    item(`<line x1="11" x2="11" y1="1" y2="17" stroke="${ANNOTATION_COLOURS.global}" stroke-width="1.5" stroke-dasharray="4 2"/>`, "restart / storm", "Across all lanes: the server restarted (new epoch) or every connection dropped at once."),
    item(`<line x1="11" x2="11" y1="2" y2="16" stroke="${ANNOTATION_COLOURS.fault}" stroke-width="2.5"/>`, "close", "The connection closed; the label says how (dropped, slow consumer, normal…)."),
    item(`<path d="M7 15 L11 8 L15 15 Z" fill="none" stroke="${ANNOTATION_COLOURS.request}" stroke-width="1.4"/>`, "client request", "The client sent start_agent or cancel."),
  ];
  return h("ul", { class: "legend" }, ...events, ...extras);
}
