/**
 * Builds the URL of a resuming connect. Runtime-free (no URL class: k6's engine has none
 * in older versions).
 */
import type { ResumePoint } from "./ResumePoint.ts";

/**
 * `url` with `last_seq` and `epoch` of `resume` added to its query; `url` unchanged when
 * `resume` is undefined (a first connect: live events only).
 */
export function withResumeQuery(url: string, resume: ResumePoint | undefined): string {
  if (resume === undefined) return url;
  return `${url}${url.includes("?") ? "&" : "?"}last_seq=${resume.lastSeq}&epoch=${encodeURIComponent(resume.epoch)}`;
}
