/** One simulator run: what happened, what went wrong (in words, with the repro), the timeline and the charts. */
import { INVARIANTS } from "../../protocol/checker/invariants.ts";
import { runOrigin } from "../judgeColumn.ts";
import type { SimRunView, ViolationView } from "../ReportData.ts";
import { formatMs, formatNumber, plural } from "./_internals/format.ts";
import { h, markRendered, section, type Child } from "./_internals/html.ts";
import { commandLine } from "./copyButton.ts";
import { EVENT_STYLES } from "./eventStyles.ts";
import { alertsSection } from "./renderAlerts.ts";
import { renderLegend } from "./renderLegend.ts";
import { createSwimlane, type Swimlane } from "./renderSwimlane.ts";
import { connectionsSection, latencySection, throughputSection, type AfterInsert } from "./simCharts.ts";

/** Occurrences listed under each kind of violation before the rest fold away. */
const VIOLATIONS_LISTED_MAX = 3;

/** What a recording against a live server (`npm run record`) means by each outcome: no faults healed there, a trace was checked. */
const LIVE_OUTCOME_TEXT: Record<string, { badge: string; words: string }> = {
  pass: { badge: "PASS", words: "Recorded against a live server: every invariant held on what the clients saw." },
  safety: { badge: "FAIL · safety", words: "Recorded against a live server: something that must never happen happened (see the violations below). The trace replays with the command below." },
  liveness: { badge: "FAIL · liveness", words: "Recorded against a live server: something that must eventually happen did not (an event never came, or runs did not complete in time)." },
};

const OUTCOME_TEXT: Record<string, { badge: string; words: string }> = {
  pass: { badge: "PASS", words: "Every invariant held and the run settled after the faults healed." },
  safety: { badge: "FAIL · safety", words: "Something that must never happen happened (see the violations below)." },
  liveness: { badge: "FAIL · liveness", words: "Something that must eventually happen did not: the run never settled after the faults healed." },
  timing: { badge: "FAIL · timing", words: "A timing budget the scenario marks as required was missed where no fault explains it (see the timing verdicts below)." },
  crash: { badge: "CRASH", words: "The simulation itself threw: a bug in the system under test or the simulator." },
};

/** The `<article>` of one run; charts and the swimlane are drawn by the `after` callbacks. */
export function renderSimRun(run: SimRunView, after: AfterInsert): HTMLElement {
  const live = run.source === "live";
  const outcome = (live ? LIVE_OUTCOME_TEXT : OUTCOME_TEXT)[run.outcome] ?? { badge: run.outcome, words: "" };
  const article = h("article", { class: `sim-run outcome-${run.outcome}`, id: run.id, "data-outcome": run.outcome });
  article.appendChild(
    h(
      "header",
      { class: "run-header" },
      h("span", { class: `badge badge-${run.outcome === "pass" ? "pass" : "fail"}` }, outcome.badge),
      h("h2", {}, live ? `Live recording · ${run.target ?? "unknown target"} · ${run.scenario}` : `Simulator run · ${runOrigin(run)} · ${run.scenario}`, run.plant === null ? null : h("span", { class: "plant" }, ` · planted bug: ${run.plant}`)),
      h("p", { class: "run-words" }, outcome.words, run.plant === null ? "" : ` This run plants the bug "${run.plant}" on purpose, to prove the checkers catch it: a failure here is the expected result.`),
      run.repro === "" ? null : commandLine(run.repro, { label: live ? "Re-check" : "Reproduce" }),
    ),
  );
  article.appendChild(live ? liveFactsRow(run) : factsRow(run));
  let swimlane: Swimlane | null = null;
  const showOnTimeline = (violation: ViolationView) => {
    if (swimlane !== null && violation.atMs !== null) swimlane.focus(violation.atMs, violation.connectionId);
  };
  article.appendChild(violationsSection(run, showOnTimeline));
  if (run.trace !== null) {
    const timeline = section(
      "timeline",
      "Timeline: every connection, every event",
      [
        "One row per client connection (a socket), grouped by user; a device that reconnects gets a new row that ",
        h("em", {}, "resumes"),
        " where the last one stopped. Each mark is an agent event the connection received; arcs join a tool call to its completion; tinted bands are runs. ",
        "Red triangles are injected faults, orange squares server decisions, purple diamonds resyncs, dashed lines restarts, red rings and lines what a checker flagged. Hover for details.",
      ],
      renderLegend(),
    );
    const lane = createSwimlane(run.trace);
    swimlane = lane;
    timeline.appendChild(lane.element);
    if (run.trace.viewNote !== null) timeline.appendChild(h("p", { class: "note" }, run.trace.viewNote));
    for (const note of run.traceNotes) timeline.appendChild(h("p", { class: "note" }, note));
    after.push(() => {
      lane.render();
      markRendered(timeline, run.trace !== null && run.trace.users.length > 0 ? "true" : "empty");
    });
    article.appendChild(timeline);
    article.appendChild(latencySection(run, run.trace, after));
    article.appendChild(throughputSection(run, run.trace, after));
    article.appendChild(connectionsSection(run, run.trace, after));
  } else {
    article.appendChild(h("p", { class: "note" }, ...run.traceNotes));
    article.appendChild(latencySection(run, null, after));
  }
  article.appendChild(checksSection(run));
  if (run.alerts !== null) article.appendChild(alertsSection(run.alerts));
  article.appendChild(detailsSection(run));
  return article;
}

function fact(value: Child, label: string, title?: string): HTMLElement {
  return h("div", { class: "fact", title: title ?? null }, h("div", { class: "fact-value" }, value), h("div", { class: "fact-label" }, label));
}

function factsRow(run: SimRunView): HTMLElement {
  const totals = run.totals;
  const faults = Object.entries(run.faultsInjected);
  const speed = run.realMs !== null && run.realMs > 0 ? ` in ${formatMs(run.realMs)} real` : "";
  return h(
    "div",
    { class: "facts" },
    fact(String(run.violations), run.violations === 1 ? "violation" : "violations"),
    fact(`${totals["users"] ?? "?"} / ${totals["devices"] ?? "?"}`, "users / devices"),
    fact(`${totals["runsCompleted"] ?? "?"} / ${totals["runsRequested"] ?? totals["runsStarted"] ?? "?"}`, "runs completed / asked"),
    fact(formatNumber(totals["eventsEmitted"] ?? 0), "events emitted"),
    fact(formatNumber(totals["framesDelivered"] ?? 0), "frames delivered"),
    fact(formatMs(run.simTimeMs), `simulated${speed}`),
    fact(faults.length === 0 ? "none" : String(faults.reduce((total, [, count]) => total + count, 0)), "faults injected", faults.map(([kind, count]) => `${kind} ×${count}`).join(", ")),
  );
}

/** A recording has no emit log, no faults injected and no simulated time: what it has instead. */
function liveFactsRow(run: SimRunView): HTMLElement {
  const totals = run.totals;
  return h(
    "div",
    { class: "facts" },
    fact(String(run.violations), run.violations === 1 ? "violation" : "violations"),
    fact(`${totals["runsCompleted"] ?? "?"} / ${totals["runsRequested"] ?? "?"}`, "runs completed / asked"),
    fact(formatNumber(run.trace?.eventsReceived ?? 0), "events received"),
    fact(`${totals["drops"] ?? 0} / ${totals["resumes"] ?? 0}`, "drops / resumes"),
    fact(formatMs(run.simTimeMs), "recorded (wall time)"),
  );
}

/** Violations of one invariant and kind: explained once, then each occurrence in one line. */
interface ViolationGroup {
  first: ViolationView;
  items: ViolationView[];
}

function groupViolations(violations: readonly ViolationView[]): ViolationGroup[] {
  const groups = new Map<string, ViolationGroup>();
  for (const violation of violations) {
    const key = `${violation.category}|${violation.invariant}|${violation.kind}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { first: violation, items: [violation] });
    else group.items.push(violation);
  }
  return [...groups.values()];
}

function violationsSection(run: SimRunView, showOnTimeline: (violation: ViolationView) => void): HTMLElement {
  const violations = run.verdict?.violations ?? [];
  const groups = groupViolations(violations);
  const element = section(
    "violations",
    violations.length === 0 ? "Violations: none" : `What went wrong: ${plural(violations.length, "violation")}${groups.length > 1 ? ` of ${groups.length} kinds` : ""}`,
    "A checker watches every frame each client received and names each broken promise of the protocol (docs/protocol.md). Safety: something wrong happened (a leak, a duplicate). Liveness: something that should have happened did not (an event never arrived). Every failure reproduces from its one-line command.",
  );
  if (run.crash !== null) element.appendChild(h("div", { class: "crash" }, h("strong", {}, "The simulation crashed:"), h("pre", {}, run.crash.split("\n").slice(0, 12).join("\n"))));
  if (run.livenessReason !== null) element.appendChild(h("div", { class: "liveness" }, h("strong", {}, "Did not settle: "), run.livenessReason));
  if (violations.length === 0 && run.crash === null && run.livenessReason === null) element.appendChild(h("p", { class: "all-good" }, "✓ Every invariant held on every connection."));
  const viewUntilMs = run.trace?.viewUntilMs ?? null;
  for (const group of groups) element.appendChild(violationCard(group, { showOnTimeline, viewUntilMs }));
  if ((run.verdict?.violationsNotStored ?? 0) > 0) element.appendChild(h("p", { class: "note" }, `${run.verdict?.violationsNotStored} further violation(s) were counted by the checker but not stored (its bound).`));
  markRendered(element, violations.length === 0 && run.crash === null && run.livenessReason === null ? "empty" : "true");
  return element;
}

function occurrence(violation: ViolationView, options: { showOnTimeline: (violation: ViolationView) => void; viewUntilMs: number | null }): HTMLElement {
  const showable = violation.atMs !== null && options.viewUntilMs !== null && violation.atMs <= options.viewUntilMs;
  return h(
    "li",
    { class: "occurrence" },
    h("span", { class: "occurrence-time" }, violation.atMs === null ? "" : formatMs(violation.atMs)),
    h("span", { class: "violation-message" }, violation.message),
    showable ? h("button", { type: "button", class: "show-on-timeline", title: "Zoom the timeline to this moment", onclick: () => options.showOnTimeline(violation) }, "show") : null,
  );
}

function violationCard(group: ViolationGroup, options: { showOnTimeline: (violation: ViolationView) => void; viewUntilMs: number | null }): HTMLElement {
  const violation = group.first;
  const shown = group.items.slice(0, VIOLATIONS_LISTED_MAX);
  const hidden = group.items.slice(VIOLATIONS_LISTED_MAX);
  return h(
    "div",
    { class: `violation-card category-${violation.category}`, "data-invariant": violation.invariant, "data-count": group.items.length },
    h(
      "div",
      { class: "violation-head" },
      h("span", { class: `badge badge-${violation.category}` }, violation.category),
      h("span", { class: "violation-title" }, `Invariant ${violation.protocolNumber ?? "?"} · ${violation.invariant}`),
      violation.kind === "" ? null : h("span", { class: "violation-kind" }, violation.kind.replaceAll("_", " ")),
      h("span", { class: "violation-count" }, `×${group.items.length}`),
    ),
    h("p", { class: "violation-meaning" }, violation.meaning),
    h("p", { class: "violation-rule" }, h("strong", {}, "The rule: "), violation.rule),
    h("ul", { class: "occurrences" }, ...shown.map((item) => occurrence(item, options))),
    hidden.length === 0 ? null : h("details", { class: "more-violations" }, h("summary", {}, `${hidden.length} more like this`), h("ul", { class: "occurrences" }, ...hidden.map((item) => occurrence(item, options)))),
    violation.repro === "" ? null : commandLine(violation.repro, { label: "Reproduce" }),
  );
}

function checksSection(run: SimRunView): HTMLElement {
  const element = section(
    "checks",
    "Invariants, timing and coverage",
    "Each numbered promise of the protocol and whether it held; the timing budgets (reported beside the verdict, they never fail a run by themselves, because faults slow things down on purpose); and how many of each event type the clients received, so you can see what this seed exercised.",
  );
  const verdict = run.verdict;
  if (verdict === null) {
    element.appendChild(h("p", { class: "empty" }, "No checker verdict (the simulation crashed before it finished)."));
    markRendered(element, "empty");
    return element;
  }
  const failing = new Map<string, number>();
  for (const violation of verdict.violations) failing.set(violation.invariant, (failing.get(violation.invariant) ?? 0) + 1);
  const invariantRows = INVARIANTS.filter((invariant) => invariant.category !== "timing").map((invariant) => {
    const count = failing.get(invariant.name) ?? 0;
    return h("tr", { class: count === 0 ? "ok" : "bad" }, h("td", { class: "num" }, String(invariant.protocolNumber)), h("td", {}, h("code", {}, invariant.name)), h("td", { class: "status" }, count === 0 ? "✓ held" : `✗ ${count}`), h("td", {}, invariant.description));
  });
  const timingRows = verdict.timing.map((timing) =>
    h(
      "tr",
      { class: timing.ok ? "ok" : "warn" },
      h("td", {}, h("code", {}, timing.name.replace(/^timing_/, ""))),
      h("td", { class: "num" }, `${formatNumber(timing.budget)} ${timing.unit}`),
      h("td", { class: "num" }, timing.observed === null ? "—" : `${formatNumber(timing.observed)} ${timing.unit}`),
      h("td", { class: "num" }, `${formatNumber(timing.overBudget)} / ${formatNumber(timing.samples)}`),
      h("td", { class: "status" }, timing.ok ? "✓ within" : "over budget"),
      h("td", {}, timing.description),
    ),
  );
  const coverageRows = Object.entries(EVENT_STYLES).map(([type, style]) => {
    const count = verdict.eventsByType[type] ?? 0;
    const swatch = h("span", { class: "swatch" });
    swatch.innerHTML = `<svg xmlns="http://www.w3.org/2000/svg" width="18" height="16">${style.draw(9, 8)}</svg>`;
    return h("tr", { class: count > 0 ? "ok" : "muted" }, h("td", {}, swatch, h("code", {}, type)), h("td", { class: "num" }, formatNumber(count)), h("td", {}, count > 0 ? "✓" : "not exercised by this seed"));
  });
  element.appendChild(
    h(
      "div",
      { class: "tables" },
      h("table", { class: "table" }, h("caption", {}, "Invariants (docs/protocol.md 1–8)"), h("thead", {}, h("tr", {}, h("th", {}, "#"), h("th", {}, "invariant"), h("th", {}, "result"), h("th", {}, "promise"))), h("tbody", {}, ...invariantRows)),
      h(
        "table",
        { class: "table" },
        h("caption", {}, "Timing budgets (docs/protocol.md 9)"),
        h("thead", {}, h("tr", {}, h("th", {}, "budget"), h("th", {}, "limit"), h("th", {}, "worst seen"), h("th", {}, "over / judged"), h("th", {}, "result"), h("th", {}, "what"))),
        h("tbody", {}, ...timingRows),
      ),
      h("table", { class: "table narrow" }, h("caption", {}, "Event coverage (received, replays included)"), h("thead", {}, h("tr", {}, h("th", {}, "event type"), h("th", {}, "received"), h("th", {}, ""))), h("tbody", {}, ...coverageRows)),
    ),
  );
  markRendered(element);
  return element;
}

function detailsSection(run: SimRunView): HTMLElement {
  const live = run.source === "live";
  const element = section(
    "details",
    "Run details",
    live ? "Where this recording came from: a live server, not the simulator, so no seed replays it; its trace re-checks with the command above." : "The fault mix this seed drew, the simulator's own list of notable moments, and where the data came from.",
  );
  element.appendChild(
    h(
      "dl",
      { class: "details-list" },
      live ? [h("dt", {}, "Target"), h("dd", {}, h("code", {}, run.target ?? "unknown"), " (a live server)")] : null,
      h("dt", {}, "Fault mix"),
      h("dd", {}, live ? "none injected: what the server and the network did, plus the recorder's planned drops" : run.faultPlan.length === 0 ? "unknown" : run.faultPlan.join(", ")),
      h("dt", {}, "Faults injected"),
      h("dd", {}, Object.keys(run.faultsInjected).length === 0 ? "none" : Object.entries(run.faultsInjected).map(([kind, count]) => `${kind.replaceAll("_", " ")} ×${count}`).join(", ")),
      h("dt", {}, "Source"),
      h("dd", {}, h("code", {}, run.path)),
      run.traceSha256 === null ? null : [h("dt", {}, "Trace sha256"), h("dd", {}, h("code", {}, run.traceSha256), live ? null : " (same seed, same scenario → same hash)")],
    ),
  );
  if (run.moments.length > 0) {
    element.appendChild(
      h(
        "details",
        { class: "moments" },
        h("summary", {}, `Notable moments (${run.moments.length})`),
        h("table", { class: "table" }, h("tbody", {}, ...run.moments.map((moment) => h("tr", {}, h("td", { class: "num" }, formatMs(moment.t)), h("td", {}, moment.userId), h("td", {}, moment.what))))),
      ),
    );
  }
  markRendered(element);
  return element;
}
