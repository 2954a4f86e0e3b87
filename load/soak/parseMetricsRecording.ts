/**
 * Reads a `metrics.prom` recording (see createMetricsRecorder) back, and lays it out as
 * promtool unit-test input: one `input_series` entry per series, one value per interval
 * slot. So the alert rules are tested on what a real run exported, not on invented series.
 */

/** One scrape of a recording: its time and every sample it held. */
export interface RecordedScrape {
  atMs: number;
  /** Series (`name{labels}`, as exported) → value. */
  samples: Map<string, number>;
}

/** A recording, parsed. */
export interface MetricsRecording {
  scrapes: RecordedScrape[];
  /** `# note` lines: what the soak did, and when (ms since the Unix epoch). */
  notes: Array<{ atMs: number; text: string }>;
}

/** One promtool `input_series` entry. */
export interface PromtoolInputSeries {
  series: string;
  values: string;
}

const SAMPLE = /^(.+) (\S+) (\d+)$/;
const SCRAPE = /^# scrape \d+ at (\d+)$/;
const NOTE = /^# note (\d+) (.*)$/;

/** Parses a recording; throws naming the line when it is not one (a file that is not a recording). */
export function parseMetricsRecording(text: string): MetricsRecording {
  const scrapes: RecordedScrape[] = [];
  const notes: MetricsRecording["notes"] = [];
  const lines = text.split("\n");
  for (const [index, line] of lines.entries()) {
    if (line === "") continue;
    const scrape = SCRAPE.exec(line);
    if (scrape !== null) {
      scrapes.push({ atMs: Number(scrape[1]), samples: new Map() });
      continue;
    }
    const note = NOTE.exec(line);
    if (note !== null) {
      notes.push({ atMs: Number(note[1]), text: note[2] as string });
      continue;
    }
    const sample = SAMPLE.exec(line);
    const current = scrapes[scrapes.length - 1];
    if (sample === null || current === undefined) {
      throw new Error(`metrics recording line ${index + 1}: expected "# scrape <n> at <ms>", "# note <ms> <text>" or "<series> <value> <ms>", got "${line.slice(0, 80)}"`);
    }
    current.samples.set(sample[1] as string, Number(sample[2]));
  }
  return { scrapes, notes };
}

/** Adds labels to a series written `name` or `name{a="b"}`. */
function withLabels(series: string, labels: Readonly<Record<string, string>>): string {
  const extra = Object.entries(labels).map(([name, value]) => `${name}="${value}"`);
  if (extra.length === 0) return series;
  const open = series.indexOf("{");
  if (open === -1) return `${series}{${extra.join(",")}}`;
  const inner = series.slice(open + 1, -1);
  return `${series.slice(0, open)}{${[inner, ...extra].filter((part) => part !== "").join(",")}}`;
}

/**
 * The recording as promtool input: scrape k goes to the interval slot nearest its time
 * since the first scrape (so a missed scrape leaves a gap, `_`, as in Prometheus), and a
 * slot's time is `slot × intervalMs`. `labels` (e.g. job, instance) are added to every series.
 */
export function promtoolInputSeries(
  recording: MetricsRecording,
  options: { intervalMs: number; labels?: Readonly<Record<string, string>> },
): PromtoolInputSeries[] {
  const first = recording.scrapes[0];
  if (first === undefined) return [];
  const slotOf = (atMs: number) => Math.round((atMs - first.atMs) / options.intervalMs);
  const slots = slotOf((recording.scrapes[recording.scrapes.length - 1] as RecordedScrape).atMs) + 1;
  const valuesBySeries = new Map<string, string[]>();
  for (const scrape of recording.scrapes) {
    const slot = slotOf(scrape.atMs);
    for (const [series, value] of scrape.samples) {
      let values = valuesBySeries.get(series);
      if (values === undefined) {
        values = new Array<string>(slots).fill("_");
        valuesBySeries.set(series, values);
      }
      values[slot] = Number.isFinite(value) ? String(value) : value > 0 ? "Inf" : value < 0 ? "-Inf" : "NaN";
    }
  }
  return [...valuesBySeries].map(([series, values]) => ({ series: withLabels(series, options.labels ?? {}), values: values.join(" ") }));
}

/** The interval slot (0-based) a time falls in, for choosing promtool `eval_time`s. */
export function recordingSlotOf(recording: MetricsRecording, atMs: number, intervalMs: number): number {
  const first = recording.scrapes[0];
  return first === undefined ? 0 : Math.floor((atMs - first.atMs) / intervalMs);
}
