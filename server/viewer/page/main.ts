/**
 * The live event viewer (browser entry, bundled by bundleViewerPage.ts): reads its config
 * from the page, connects as the dev user through the event client, and shows events as
 * they arrive. `main[data-state]` says whether a connection is up (a test waits on it).
 */
import { createRealClock } from "../../adapters/realClock.ts";
import { createRealScheduler } from "../../adapters/realScheduler.ts";
import { createEventTable } from "./createEventTable.ts";
import { createViewerSession } from "./createViewerSession.ts";
import { VIEWER_CONFIG_ELEMENT_ID, type ViewerConfig } from "./ViewerConfig.ts";

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`viewer: the page has no #${id}`);
  return found as T;
}

const config = JSON.parse(element(VIEWER_CONFIG_ELEMENT_ID).textContent ?? "{}") as ViewerConfig;
const main = element<HTMLElement>("viewer");
const status = element<HTMLElement>("status");
const table = createEventTable(element<HTMLTableSectionElement>("events"));
const session = createViewerSession(config, {
  table,
  clock: createRealClock(),
  scheduler: createRealScheduler(),
  onChange: () => {
    const { client, counts } = session;
    main.dataset["state"] = client.connected ? "connected" : "disconnected";
    status.textContent =
      `${client.connected ? "● connected" : "○ disconnected"} · user ${config.userId} · epoch ${client.epoch ?? "–"} · resume point ${client.lastSeq}` +
      ` · connections ${counts.connections} · events ${counts.events} · duplicates dropped ${counts.duplicates} · gaps ${counts.gaps} · resyncs ${counts.resyncs}`;
  },
});
element<HTMLButtonElement>("start").addEventListener("click", () => session.startRun());
element<HTMLButtonElement>("drop").addEventListener("click", () => session.drop());
