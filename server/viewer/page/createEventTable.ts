/**
 * The viewer's table: one row per event as it arrives (seq, time in the run, delivery
 * latency, type, run, detail, pairing), and a note row per reconnect, resync or close.
 * Rows carry data attributes (`data-seq`, `data-type`, `data-run`, `data-pair`) so a test
 * can read what was drawn.
 */
import type { AgentEvent } from "../../../protocol/client/index.ts";

/** The table and how to add to it. */
export interface EventTable {
  /**
   * Adds an event row. `receivedAtMs` is the page's clock (ms since the Unix epoch);
   * `replayed` marks an event the server replayed on resume (its latency includes the time away).
   */
  addEvent(event: AgentEvent, arrival: { receivedAtMs: number; replayed: boolean }): void;
  /** Adds a note row (`kind`: connect, close, resync, error). */
  addNote(kind: string, text: string): void;
}

interface OpenTool {
  row: HTMLTableRowElement;
  seq: number;
  ts: number;
}

/** Fills `body` (a `<tbody>`) with rows. */
export function createEventTable(body: HTMLTableSectionElement): EventTable {
  const runStartTs = new Map<string, number>();
  const openTools = new Map<string, OpenTool>();

  function cell(row: HTMLTableRowElement, text: string, className = ""): HTMLTableCellElement {
    const td = row.insertCell();
    td.textContent = text;
    if (className !== "") td.className = className;
    return td;
  }

  function detailOf(event: AgentEvent): string {
    switch (event.type) {
      case "agent_started":
        return `${event.data.agent_type}`;
      case "agent_thinking":
        return event.data.thinking_content;
      case "tool_executing":
        return `${event.data.tool_name}(${JSON.stringify(event.data.tool_args)})`;
      case "tool_completed":
        return `${event.data.tool_name}: ${event.data.status} · ${event.data.result_summary}`;
      case "partial_result":
        return event.data.content;
      case "error_event":
        return `${event.data.severity}: ${event.data.error}`;
      case "agent_completed":
        return `${event.data.status} in ${event.data.execution_time} ms · ${event.data.final_response}`;
    }
  }

  /** The pairing cell: tool_executing ↔ tool_completed by execution_id, both rows linked. */
  function pair(event: AgentEvent, row: HTMLTableRowElement, pairCell: HTMLTableCellElement): void {
    if (event.type === "tool_executing") {
      openTools.set(event.data.execution_id, { row, seq: event.seq, ts: event.ts });
      pairCell.textContent = "… waiting";
      pairCell.className = "pair open";
    } else if (event.type === "tool_completed") {
      const open = openTools.get(event.data.execution_id);
      if (open === undefined) {
        pairCell.textContent = "✗ no tool_executing";
        pairCell.className = "pair broken";
        return;
      }
      openTools.delete(event.data.execution_id);
      row.dataset["pair"] = String(open.seq);
      open.row.dataset["pair"] = String(event.seq);
      pairCell.textContent = `↔ #${open.seq} (${event.ts - open.ts} ms)`;
      pairCell.className = "pair done";
      const openCell = open.row.querySelector(".pair");
      if (openCell !== null) {
        openCell.textContent = `↔ #${event.seq}`;
        openCell.className = "pair done";
      }
    } else if (event.type === "agent_completed") {
      for (const [executionId, open] of openTools) {
        if (open.row.dataset["run"] !== event.run_id) continue;
        openTools.delete(executionId);
        const openCell = open.row.querySelector(".pair");
        if (openCell !== null) {
          openCell.textContent = "✗ never completed";
          openCell.className = "pair broken";
        }
      }
    }
  }

  return {
    addEvent(event, arrival) {
      if (event.type === "agent_started") runStartTs.set(event.run_id, event.ts);
      const row = body.insertRow();
      row.className = `event ${event.type}${arrival.replayed ? " replayed" : ""}`;
      row.dataset["seq"] = String(event.seq);
      row.dataset["type"] = event.type;
      row.dataset["run"] = event.run_id;
      const startTs = runStartTs.get(event.run_id);
      cell(row, String(event.seq), "seq");
      cell(row, startTs === undefined ? "?" : `+${event.ts - startTs} ms`, "time");
      cell(row, `${Math.max(0, arrival.receivedAtMs - event.ts)} ms${arrival.replayed ? " (replay)" : ""}`, "latency");
      cell(row, event.type, "type");
      cell(row, event.run_id, "run");
      cell(row, detailOf(event), "detail");
      pair(event, row, cell(row, "", "pair"));
      row.scrollIntoView({ block: "nearest" });
    },
    addNote(kind, text) {
      const row = body.insertRow();
      row.className = `note ${kind}`;
      row.dataset["note"] = kind;
      const td = cell(row, text);
      td.colSpan = 7;
    },
  };
}
