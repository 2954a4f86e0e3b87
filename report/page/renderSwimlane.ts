/**
 * The per-user swimlane: one row per client connection, grouped under its user,
 * with every agent event it received as a mark, tool calls linked by arcs, runs as
 * tinted bands, and faults, server decisions, resyncs, violations, restarts and
 * storms as annotations. Custom SVG (a timeline is not a chart.js chart); zoom with
 * the buttons or Ctrl + wheel, scroll sideways when zoomed in. Hover anything for
 * details.
 */
import { CLOSE_CODES, closeCodeInfo } from "../../protocol/closeCodes.ts";
import type { EventMark, LaneAnnotation, LaneView, TraceView, UserLanes } from "../ReportData.ts";
import { escapeText, h } from "./_internals/html.ts";
import { formatMs, formatSeconds } from "./_internals/format.ts";
import { ANNOTATION_COLOURS, eventStyleOf } from "./eventStyles.ts";

const LABEL_WIDTH_PX = 210;
const AXIS_HEIGHT_PX = 34;
const USER_ROW_PX = 26;
const LANE_ROW_PX = 44;
const PADDING_PX = 16;
/** Room right of the last moment for "closed" and "open at end" labels. */
const RIGHT_MARGIN_PX = 190;
/** Most pixels per ms zoom allows (beyond it marks are far apart anyway). */
const PX_PER_MS_MAX = 4;
const ZOOM_STEP = 1.6;
const RUN_TINTS = ["#c8e6c9", "#bbdefb", "#ffe0b2", "#e1bee7", "#b2ebf2", "#f8bbd0", "#dcedc8", "#d1c4e9"];

type Row = { kind: "user"; group: UserLanes } | { kind: "lane"; lane: LaneView };

/** A drawn swimlane: its element, a redraw (after insertion, and on resize) and a way to bring a moment into view. */
export interface Swimlane {
  element: HTMLElement;
  render(): void;
  /** Zooms in around `tMs` and highlights it (optionally on one connection's lane). */
  focus(tMs: number, connectionId?: string | null): void;
}

/** Builds the swimlane of `trace`. */
export function createSwimlane(trace: TraceView): Swimlane {
  const rows: Row[] = trace.users.flatMap((group) => [{ kind: "user", group } as Row, ...group.lanes.map((lane) => ({ kind: "lane", lane }) as Row)]);
  const height = AXIS_HEIGHT_PX + rows.reduce((total, row) => total + (row.kind === "user" ? USER_ROW_PX : LANE_ROW_PX), 0) + 8;
  // The drawn domain: the whole run, or up to shortly after the last activity (see TraceView.viewUntilMs).
  const durationMs = Math.max(trace.viewUntilMs, 1);
  let zoom = 1;
  let highlight: { tMs: number; connectionId: string | null } | null = null;

  const labels = h("div", { class: "swimlane-labels" });
  labels.innerHTML = labelsSvg(rows, height);
  const lanes = h("div", { class: "swimlane-lanes", tabindex: 0, "aria-label": "Timeline, scroll sideways when zoomed" });
  const zoomText = h("span", { class: "zoom-level" }, "1×");
  const fitWidth = () => Math.max(300, lanes.clientWidth - 2);
  const pxPerMs = () => Math.min(PX_PER_MS_MAX, ((fitWidth() - PADDING_PX - RIGHT_MARGIN_PX) / durationMs) * zoom);

  const render = () => {
    const scale = pxPerMs();
    const width = Math.max(fitWidth(), Math.ceil(durationMs * scale + PADDING_PX + RIGHT_MARGIN_PX));
    lanes.innerHTML = lanesSvg(rows, trace, { width, height, scale, highlight });
    zoomText.textContent = `${zoom < 10 ? zoom.toFixed(1).replace(/\.0$/, "") : Math.round(zoom)}×`;
  };
  const setZoom = (next: number, anchorPx: number) => {
    const before = pxPerMs();
    const anchorMs = (lanes.scrollLeft + anchorPx - PADDING_PX) / before;
    zoom = Math.max(1, Math.min(next, (PX_PER_MS_MAX * durationMs) / Math.max(1, fitWidth() - PADDING_PX - RIGHT_MARGIN_PX)));
    render();
    lanes.scrollLeft = Math.max(0, anchorMs * pxPerMs() + PADDING_PX - anchorPx);
  };
  lanes.addEventListener(
    "wheel",
    (event) => {
      if (!event.ctrlKey && !event.metaKey) return;
      event.preventDefault();
      const anchor = event.clientX - lanes.getBoundingClientRect().left;
      setZoom(event.deltaY < 0 ? zoom * ZOOM_STEP : zoom / ZOOM_STEP, anchor);
    },
    { passive: false },
  );
  let resizeTimer = 0;
  window.addEventListener("resize", () => {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(render, 150);
  });
  const controls = h(
    "div",
    { class: "zoom-controls" },
    h("button", { type: "button", title: "Zoom out", onclick: () => setZoom(zoom / ZOOM_STEP, lanes.clientWidth / 2) }, "−"),
    zoomText,
    h("button", { type: "button", title: "Zoom in", onclick: () => setZoom(zoom * ZOOM_STEP, lanes.clientWidth / 2) }, "+"),
    h("button", { type: "button", title: "Whole run", onclick: () => setZoom(1, 0) }, "Fit"),
    h("span", { class: "hint" }, "Ctrl + wheel zooms · hover a mark for details"),
  );
  const element = h("div", { class: "swimlane" }, controls, h("div", { class: "swimlane-body" }, labels, lanes));
  return {
    element,
    render,
    focus: (tMs, connectionId) => {
      highlight = { tMs, connectionId: connectionId ?? null };
      if (zoom < 4) zoom = Math.min(4, (PX_PER_MS_MAX * durationMs) / Math.max(1, fitWidth() - PADDING_PX - RIGHT_MARGIN_PX));
      render();
      lanes.scrollLeft = Math.max(0, tMs * pxPerMs() + PADDING_PX - lanes.clientWidth / 2);
      element.scrollIntoView({ behavior: "smooth", block: "center" });
    },
  };
}

function labelsSvg(rows: readonly Row[], height: number): string {
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${LABEL_WIDTH_PX}" height="${height}" class="swimlane-svg">`];
  parts.push(`<text x="8" y="${AXIS_HEIGHT_PX - 10}" class="axis-title">connection</text>`);
  let y = AXIS_HEIGHT_PX;
  for (const row of rows) {
    if (row.kind === "user") {
      const connections = row.group.lanes.length;
      parts.push(`<rect x="0" y="${y}" width="${LABEL_WIDTH_PX}" height="${USER_ROW_PX}" class="user-band"/>`);
      parts.push(`<text x="8" y="${y + 17}" class="user-label">${escapeText(row.group.userId)}<tspan class="user-sub" dx="8">${row.group.devices.length} device${row.group.devices.length === 1 ? "" : "s"} · ${connections} connection${connections === 1 ? "" : "s"}</tspan></text>`);
      y += USER_ROW_PX;
    } else {
      const lane = row.lane;
      const sub = lane.resume === null ? "first connection" : `resumed after seq ${lane.resume.lastSeq}`;
      parts.push(`<text x="20" y="${y + 20}" class="lane-label">${escapeText(lane.connectionId)}<title>${escapeText(`Connection ${lane.connectionId} of device ${lane.deviceId} (user ${lane.userId})${lane.serverConnectionId === null ? "" : `; the server calls it ${lane.serverConnectionId}`}`)}</title></text>`);
      parts.push(`<text x="20" y="${y + 34}" class="lane-sub">${escapeText(sub)}</text>`);
      parts.push(`<line x1="0" x2="${LABEL_WIDTH_PX}" y1="${y + LANE_ROW_PX - 0.5}" y2="${y + LANE_ROW_PX - 0.5}" class="row-rule"/>`);
      y += LANE_ROW_PX;
    }
  }
  parts.push("</svg>");
  return parts.join("");
}

function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(raw, 1e-9)));
  for (const multiple of [1, 2, 5, 10]) if (multiple * power >= raw) return multiple * power;
  return 10 * power;
}

function markTitle(mark: EventMark, lane: LaneView): string {
  const parts = [`${mark.type}${mark.seq === null ? "" : ` · seq ${mark.seq}`}${mark.runId === null ? "" : ` · run ${mark.runId}`}`, `received at ${formatMs(mark.t)} on ${lane.connectionId}`];
  if (mark.toolName !== null) parts.push(`tool ${mark.toolName}${mark.executionId === null ? "" : ` (${mark.executionId})`}${mark.status === null ? "" : ` · ${mark.status}`}`);
  else if (mark.status !== null) parts.push(`status ${mark.status}`);
  if (mark.latencyMs !== null) parts.push(`${mark.replay ? "emitted" : "latency"} ${formatMs(mark.latencyMs)}${mark.replay ? " earlier" : ""}`);
  if (mark.replay) parts.push("replayed from the server's buffer on resume");
  if (mark.userId !== null && mark.userId !== lane.userId) parts.push(`BELONGS TO USER ${mark.userId}, not ${lane.userId}`);
  if (mark.flagged) parts.push("named by a violation");
  return parts.join("\n");
}

function lanesSvg(rows: readonly Row[], trace: TraceView, view: { width: number; height: number; scale: number; highlight: { tMs: number; connectionId: string | null } | null }): string {
  const { width, height, scale } = view;
  const x = (t: number) => Math.round((PADDING_PX + t * scale) * 10) / 10;
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" class="swimlane-svg">`];
  out.push(
    `<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff3e0"/><line x1="0" y1="0" x2="0" y2="6" stroke="#fb8c00" stroke-width="2"/></pattern></defs>`,
  );

  // Time grid and axis.
  const stepMs = niceStep(110 / scale);
  for (let t = 0; t <= trace.viewUntilMs + stepMs / 2; t += stepMs) {
    out.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${AXIS_HEIGHT_PX - 6}" y2="${height}" class="grid"/>`);
    out.push(`<text x="${x(t)}" y="${AXIS_HEIGHT_PX - 10}" class="tick" text-anchor="middle">${formatSeconds(t)}</text>`);
  }

  // Restarts and storms, across every lane.
  for (const mark of trace.globalMarks) {
    if (mark.t > trace.viewUntilMs) continue;
    if (mark.durationMs !== null) out.push(`<rect x="${x(mark.t)}" y="${AXIS_HEIGHT_PX}" width="${Math.max(1, mark.durationMs * scale)}" height="${height - AXIS_HEIGHT_PX}" class="global-band"/>`);
    out.push(
      `<g class="global-mark"><line x1="${x(mark.t)}" x2="${x(mark.t)}" y1="${AXIS_HEIGHT_PX - 4}" y2="${height}" stroke="${ANNOTATION_COLOURS.global}" stroke-width="1.5" stroke-dasharray="5 3"/><text x="${x(mark.t) + 4}" y="11" class="global-label">${escapeText(mark.label)}</text><title>${escapeText(`${mark.label} at ${formatMs(mark.t)}: ${mark.detail}`)}</title></g>`,
    );
  }

  let y = AXIS_HEIGHT_PX;
  for (const row of rows) {
    if (row.kind === "user") {
      out.push(`<rect x="0" y="${y}" width="${width}" height="${USER_ROW_PX}" class="user-band"/>`);
      const lastLabelEnd = { px: Number.NEGATIVE_INFINITY };
      for (const note of byTime(row.group.notes).filter((candidate) => candidate.t <= trace.viewUntilMs)) out.push(annotationSvg(note, x, y + 4, { rowHeight: USER_ROW_PX - 8, lastLabelEnd, scale }));
      y += USER_ROW_PX;
      continue;
    }
    out.push(laneSvg(row.lane, x, y, { scale, width, durationMs: trace.durationMs, untilMs: trace.viewUntilMs, highlight: view.highlight }));
    y += LANE_ROW_PX;
  }
  if (view.highlight !== null) {
    out.push(`<line x1="${x(view.highlight.tMs)}" x2="${x(view.highlight.tMs)}" y1="${AXIS_HEIGHT_PX}" y2="${height}" class="focus-line"/>`);
  }
  out.push("</svg>");
  return out.join("");
}

function laneSvg(lane: LaneView, x: (t: number) => number, top: number, view: { scale: number; width: number; durationMs: number; untilMs: number; highlight: { tMs: number; connectionId: string | null } | null }): string {
  const out: string[] = [];
  const centre = top + 27;
  const end = Math.min(lane.closeMs ?? view.durationMs, view.untilMs);
  out.push(`<line x1="0" x2="${view.width}" y1="${top + LANE_ROW_PX - 0.5}" y2="${top + LANE_ROW_PX - 0.5}" class="row-rule"/>`);
  if (view.highlight?.connectionId === lane.connectionId) out.push(`<rect x="0" y="${top}" width="${view.width}" height="${LANE_ROW_PX}" class="lane-highlight"/>`);
  out.push(`<rect x="${x(lane.openMs)}" y="${centre - 11}" width="${Math.max(2, x(end) - x(lane.openMs))}" height="22" rx="4" class="connection-span"><title>${escapeText(`${lane.connectionId} open from ${formatMs(lane.openMs)} to ${lane.closeMs === null ? "the end" : formatMs(lane.closeMs)}`)}</title></rect>`);

  // Runs as tinted bands behind their events.
  const runs = new Map<string, { from: number; to: number }>();
  for (const mark of lane.marks) {
    if (mark.runId === null) continue;
    const span = runs.get(mark.runId);
    if (span === undefined) runs.set(mark.runId, { from: mark.t, to: mark.t });
    else span.to = mark.t;
  }
  for (const [runId, span] of runs) {
    const colour = RUN_TINTS[hashIndex(runId, RUN_TINTS.length)] ?? "#eeeeee";
    out.push(`<rect x="${x(span.from) - 6}" y="${centre - 9}" width="${x(span.to) - x(span.from) + 12}" height="18" rx="9" fill="${colour}" opacity="0.85"><title>${escapeText(`run ${runId}: ${formatMs(span.from)} – ${formatMs(span.to)} on this connection`)}</title></rect>`);
  }

  // Slow-socket spells under the marks.
  for (const annotation of lane.annotations) {
    if (annotation.durationMs === null) continue;
    out.push(`<rect x="${x(annotation.t)}" y="${centre - 11}" width="${Math.max(2, Math.min(annotation.t + annotation.durationMs, end) * view.scale - annotation.t * view.scale)}" height="22" fill="url(#hatch)" opacity="0.8"><title>${escapeText(`${annotation.label} for ${formatMs(annotation.durationMs)}: ${annotation.detail}`)}</title></rect>`);
  }

  // Resume and close, in words, outside the span.
  if (lane.resume !== null) out.push(`<text x="${x(lane.openMs) - 5}" y="${centre + 4}" text-anchor="end" class="resume-label">↻ resume</text>`);
  if (lane.closeMs !== null && lane.closeCode !== null && lane.closeMs <= view.untilMs) {
    const colour = lane.closeCode === CLOSE_CODES.normal ? "#607d8b" : lane.closeCode === CLOSE_CODES.goingAway ? ANNOTATION_COLOURS.global : ANNOTATION_COLOURS.fault;
    out.push(
      `<g><line x1="${x(lane.closeMs)}" x2="${x(lane.closeMs)}" y1="${centre - 13}" y2="${centre + 13}" stroke="${colour}" stroke-width="2.5"/><text x="${x(lane.closeMs) + 6}" y="${centre + 4}" class="close-label" fill="${colour}">${escapeText(shortClose(lane.closeCode))}</text><title>${escapeText(`${lane.connectionId} ${lane.closeMeaning ?? "closed"} at ${formatMs(lane.closeMs)}`)}</title></g>`,
    );
  } else {
    const words = lane.closeMs === null ? (view.untilMs < view.durationMs ? `open to the end (${formatSeconds(view.durationMs)}) →` : "open at end") : `closes at ${formatSeconds(lane.closeMs)} →`;
    out.push(`<text x="${x(end) + 6}" y="${centre + 4}" class="close-label" fill="#607d8b">${escapeText(words)}</text>`);
  }

  // Tool calls: an arc from tool_executing to its tool_completed.
  for (const link of lane.links) {
    const x1 = x(link.fromMs);
    const x2 = x(link.toMs);
    const lift = Math.min(14, 5 + (x2 - x1) / 6);
    const error = link.status === "error";
    out.push(
      `<path d="M${x1} ${centre - 5} Q${(x1 + x2) / 2} ${centre - 5 - lift * 2} ${x2} ${centre - 5}" fill="none" stroke="${error ? ANNOTATION_COLOURS.fault : "#1565c0"}" stroke-width="1.6" ${error ? 'stroke-dasharray="3 2"' : ""} opacity="0.75"><title>${escapeText(`tool ${link.toolName} (${link.executionId}) took ${formatMs(link.toMs - link.fromMs)}${link.status === null ? "" : `, ${link.status}`}`)}</title></path>`,
    );
  }

  // Events.
  for (const mark of lane.marks) {
    if (mark.t > view.untilMs) continue;
    const style = eventStyleOf(mark.type);
    const mx = x(mark.t);
    const flagged = mark.flagged ? `<circle cx="${mx}" cy="${centre}" r="10" class="flagged"/>` : "";
    out.push(`<g class="mark${mark.replay ? " replay" : ""}" data-type="${mark.type}">${flagged}${style.draw(mx, centre)}<title>${escapeText(markTitle(mark, lane))}</title></g>`);
  }

  // Faults, decisions, resyncs, violations, requests: glyph on the lane, label above it.
  const lastLabelEnd = { px: Number.NEGATIVE_INFINITY };
  for (const annotation of byTime(lane.annotations).filter((candidate) => candidate.t <= view.untilMs)) out.push(annotationSvg(annotation, x, top + 2, { rowHeight: LANE_ROW_PX - 4, lastLabelEnd, scale: view.scale }));
  return out.join("");
}

/** Draws one annotation with its glyph at the top of a row; labels that would overlap the previous one are left to the hover text. */
function annotationSvg(annotation: LaneAnnotation, x: (t: number) => number, top: number, options: { rowHeight: number; lastLabelEnd: { px: number }; scale: number }): string {
  const ax = x(annotation.t);
  const colour = ANNOTATION_COLOURS[annotation.kind];
  const title = `<title>${escapeText(`${annotation.label} at ${formatMs(annotation.t)}: ${annotation.detail}`)}</title>`;
  const glyphY = top + 6;
  let glyph: string;
  switch (annotation.kind) {
    case "fault":
      glyph = `<path d="M${ax - 5} ${glyphY - 5} L${ax + 5} ${glyphY - 5} L${ax} ${glyphY + 4} Z" fill="${colour}"/><line x1="${ax}" x2="${ax}" y1="${glyphY + 4}" y2="${top + options.rowHeight}" stroke="${colour}" stroke-width="1.2" stroke-dasharray="2 2"/>`;
      break;
    case "violation":
      glyph = `<line x1="${ax}" x2="${ax}" y1="${glyphY - 5}" y2="${top + options.rowHeight}" stroke="${colour}" stroke-width="2.5"/><circle cx="${ax}" cy="${glyphY - 1}" r="4.5" fill="${colour}"/>`;
      break;
    case "resync":
      glyph = `<path d="M${ax} ${glyphY - 5} L${ax + 5} ${glyphY} L${ax} ${glyphY + 5} L${ax - 5} ${glyphY} Z" fill="#fff" stroke="${colour}" stroke-width="2"/>`;
      break;
    case "request":
      glyph = `<path d="M${ax - 4} ${top + options.rowHeight} L${ax} ${top + options.rowHeight - 7} L${ax + 4} ${top + options.rowHeight} Z" fill="none" stroke="${colour}" stroke-width="1.4"/>`;
      break;
    case "refused":
      glyph = `<path d="M${ax - 4} ${glyphY - 4} L${ax + 4} ${glyphY + 4} M${ax + 4} ${glyphY - 4} L${ax - 4} ${glyphY + 4}" stroke="${colour}" stroke-width="2"/>`;
      break;
    default:
      glyph = `<rect x="${ax - 4}" y="${glyphY - 4}" width="8" height="8" rx="2" fill="${colour}"/>`;
  }
  let label = "";
  if (annotation.kind !== "request") {
    const text = annotation.kind === "violation" ? `✗ ${annotation.label}` : annotation.label;
    const labelWidth = text.length * 6 + 8;
    if (ax + 7 > options.lastLabelEnd.px) {
      label = `<text x="${ax + 7}" y="${glyphY + 4}" class="annotation-label${annotation.kind === "violation" ? " violation" : ""}" fill="${colour}">${escapeText(text)}</text>`;
      options.lastLabelEnd.px = ax + 7 + labelWidth;
    }
  }
  return `<g class="annotation annotation-${annotation.kind}">${glyph}${label}${title}</g>`;
}

function byTime(annotations: readonly LaneAnnotation[]): LaneAnnotation[] {
  return [...annotations].sort((a, b) => a.t - b.t);
}

/** The close code's short label from the one close-code table (protocol/closeCodes.ts). */
function shortClose(code: number): string {
  return closeCodeInfo(code)?.label ?? `closed ${code}`;
}

function hashIndex(text: string, modulo: number): number {
  let hash = 0;
  for (let index = 0; index < text.length; index += 1) hash = (hash * 31 + text.charCodeAt(index)) >>> 0;
  return hash % modulo;
}
