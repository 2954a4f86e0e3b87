/**
 * How each of the seven agent event types looks on the timeline: a distinct shape
 * AND colour (readable without colour vision), shared by the marks and the legend.
 */
import { isAgentEventType, type AgentEventType } from "../../protocol/eventTypes.ts";

/** One event type's look. */
export interface EventStyle {
  label: string;
  colour: string;
  /** What the event means, for the legend's hover text. */
  meaning: string;
  /** SVG for the mark centred on (x, y). */
  draw(x: number, y: number): string;
}

const round = (value: number) => Math.round(value * 10) / 10;

/** Styles by event type, in the order a typical run emits them: a type without a style fails to compile. */
export const EVENT_STYLES: Record<AgentEventType, EventStyle> = {
  agent_started: {
    label: "agent_started",
    colour: "#2e7d32",
    meaning: "A run began (first event of a run).",
    draw: (x, y) => `<path d="M${round(x - 4)} ${round(y - 6)} L${round(x + 6)} ${round(y)} L${round(x - 4)} ${round(y + 6)} Z" fill="#2e7d32"/>`,
  },
  agent_thinking: {
    label: "agent_thinking",
    colour: "#78909c",
    meaning: "The agent reports what it is thinking (at least every 2 s while busy).",
    draw: (x, y) => `<circle cx="${round(x)}" cy="${round(y)}" r="3.2" fill="#78909c"/>`,
  },
  tool_executing: {
    label: "tool_executing",
    colour: "#1565c0",
    meaning: "A tool call started; an arc links it to its tool_completed.",
    draw: (x, y) => `<rect x="${round(x - 4)}" y="${round(y - 4)}" width="8" height="8" fill="#1565c0"/>`,
  },
  tool_completed: {
    label: "tool_completed",
    colour: "#00897b",
    meaning: "A tool call finished (status ok or error).",
    draw: (x, y) => `<path d="M${round(x)} ${round(y - 5.5)} L${round(x + 5.5)} ${round(y)} L${round(x)} ${round(y + 5.5)} L${round(x - 5.5)} ${round(y)} Z" fill="#00897b"/>`,
  },
  partial_result: {
    label: "partial_result",
    colour: "#7b1fa2",
    meaning: "Part of the answer streamed to the user.",
    draw: (x, y) => `<rect x="${round(x - 1.75)}" y="${round(y - 7)}" width="3.5" height="14" rx="1" fill="#7b1fa2"/>`,
  },
  error_event: {
    label: "error_event",
    colour: "#e65100",
    meaning: "The run hit an error (comes before an agent_completed with status error).",
    draw: (x, y) =>
      `<path d="M${round(x - 4.5)} ${round(y - 4.5)} L${round(x + 4.5)} ${round(y + 4.5)} M${round(x + 4.5)} ${round(y - 4.5)} L${round(x - 4.5)} ${round(y + 4.5)}" stroke="#e65100" stroke-width="2.6" stroke-linecap="round"/>`,
  },
  agent_completed: {
    label: "agent_completed",
    colour: "#33691e",
    meaning: "The run finished (last event of a run: success, error or cancelled).",
    draw: (x, y) => `<path d="M${round(x + 4)} ${round(y - 6)} L${round(x - 6)} ${round(y)} L${round(x + 4)} ${round(y + 6)} Z" fill="#33691e"/><rect x="${round(x + 4)}" y="${round(y - 6)}" width="2" height="12" fill="#33691e"/>`,
  },
};

/** The look of a type this page does not know (a newer protocol). */
export const UNKNOWN_EVENT_STYLE: EventStyle = {
  label: "other",
  colour: "#9e9e9e",
  meaning: "An event type this report does not know.",
  draw: (x, y) => `<circle cx="${round(x)}" cy="${round(y)}" r="3" fill="none" stroke="#9e9e9e" stroke-width="1.5"/>`,
};

/** The look of `type` as a trace names it: its style, or {@link UNKNOWN_EVENT_STYLE} for a type this page does not know. */
export function eventStyleOf(type: string): EventStyle {
  return isAgentEventType(type) ? EVENT_STYLES[type] : UNKNOWN_EVENT_STYLE;
}

/** Colours of annotations, shared by the swimlane, its legend and the chart markers. */
export const ANNOTATION_COLOURS = {
  fault: "#c62828",
  decision: "#ef6c00",
  resync: "#6a1b9a",
  violation: "#d50000",
  request: "#546e7a",
  refused: "#8d6e63",
  global: "#4527a0",
} as const;
