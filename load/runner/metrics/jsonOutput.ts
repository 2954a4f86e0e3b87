/**
 * k6's `--out json=PATH` for the Node runner: one JSON line per metric definition
 * (`{"type":"Metric",…}`, before its first point) and per sample (`{"type":"Point",…}`),
 * the format k6's json output writes, gzipped when PATH ends in `.gz` as k6 does.
 * `npm run report` draws the time series from it, whichever engine wrote it.
 */
import { createWriteStream } from "node:fs";
import { createGzip } from "node:zlib";
import type { Writable } from "node:stream";
import type { Metric, SampleTags } from "./metricRegistry.ts";

/** A json output being written. */
export interface JsonOutput {
  /** Records one sample taken at `timeMs` (ms since the Unix epoch). */
  sample(metric: Metric, value: number, options: { tags: SampleTags; timeMs: number }): void;
  /** Flushes and closes the file. */
  close(): Promise<void>;
}

/** Opens `path` for k6's json output. */
export function createJsonOutput(path: string): JsonOutput {
  const file = createWriteStream(path);
  const sink: Writable = path.endsWith(".gz") ? createGzip() : file;
  if (sink !== file) sink.pipe(file);
  const described = new Set<string>();
  let pending: string[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    sink.write(pending.join(""));
    pending = [];
  };
  const timer = setInterval(flush, 1000);
  timer.unref();
  return {
    sample(metric, value, { tags, timeMs }) {
      if (!described.has(metric.name)) {
        described.add(metric.name);
        pending.push(`${JSON.stringify({ type: "Metric", data: { name: metric.name, type: metric.type, contains: metric.contains, thresholds: [], submetrics: null }, metric: metric.name })}\n`);
      }
      pending.push(`${JSON.stringify({ metric: metric.name, type: "Point", data: { time: new Date(timeMs).toISOString(), value, tags } })}\n`);
      if (pending.length >= 4096) flush();
    },
    close() {
      clearInterval(timer);
      flush();
      return new Promise((resolvePromise, reject) => {
        file.once("error", reject);
        file.once("close", () => resolvePromise());
        sink.end();
      });
    },
  };
}
