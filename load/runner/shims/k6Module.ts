import { realTime } from "../realTime.ts";
import { GroupTree } from "../summary/groupTree.ts";
import type { RunContext } from "../vu/runContext.ts";
import type { VirtualUser } from "../vu/virtualUser.ts";
import { isAsyncFunction, readUserTags } from "./userTags.ts";

/**
 * `k6` for one VU: check, group, sleep, fail.
 *
 * `sleep()` cannot block here: every VU shares Node's one thread, so a
 * blocking sleep would freeze all of them. It returns a promise instead and the
 * iteration waits for it like for a timer, so `sleep(1)` at the end of an
 * iteration paces it exactly as in k6, and `await sleep(1)` (valid in k6 too,
 * where sleep returns undefined) pauses in the middle. A sleep nobody awaits
 * is reported once per run, because the code after it did not wait.
 */
export function createK6Module(vu: VirtualUser, run: RunContext): Record<string, unknown> {
  const check = (value: unknown, sets: unknown, tags?: unknown): boolean => {
    vu.requireScope("check()");
    if (sets === undefined || sets === null || typeof sets !== "object") throw new Error("no checks provided to `check`");
    const baseTags = vu.sampleTags(readUserTags(tags));
    let allPassed = true;
    for (const [name, condition] of Object.entries(sets)) {
      GroupTree.childPath(vu.groupPath, name);
      if (isAsyncFunction(condition)) {
        throw new Error(
          "the built-in check() does not support async functions as arguments. Use the JavaScript utils library as a replacement. Refer to https://grafana.com/docs/k6/latest/javascript-api/jslib/utils/check/ for more info",
        );
      }
      let thrown: { error: unknown } | undefined;
      let outcome: unknown = condition;
      if (typeof condition === "function") {
        try {
          outcome = (condition as (checked: unknown) => unknown)(value);
        } catch (error) {
          outcome = false;
          thrown = { error };
        }
      }
      const passed = Boolean(outcome);
      if (!passed) allPassed = false;
      run.registry.addSample(run.builtin.checks, passed ? 1 : 0, { ...baseTags, check: name });
      run.groups.recordCheck(vu.groupPath, name, passed);
      if (thrown !== undefined) throw thrown.error;
    }
    return allPassed;
  };

  const group = (name: unknown, callback: unknown): unknown => {
    vu.requireScope("group()");
    if (typeof callback !== "function") throw new Error("group() requires a callback as a second argument");
    if (isAsyncFunction(callback)) {
      throw new Error(
        "group() does not support async functions as arguments, please see https://grafana.com/docs/k6/latest/javascript-api/k6/group/ for more info",
      );
    }
    const parentPath = vu.groupPath;
    const path = GroupTree.childPath(parentPath, String(name));
    run.groups.group(path);
    vu.groupPath = path;
    const startedMs = realTime.monotonicMs();
    try {
      return (callback as () => unknown)();
    } finally {
      run.registry.addSample(run.builtin.group_duration, realTime.monotonicMs() - startedMs, vu.sampleTags());
      vu.groupPath = parentPath;
    }
  };

  const sleep = (seconds: unknown): PromiseLike<void> => {
    const delayMs = Math.max(0, Number(seconds) * 1000 || 0);
    const scope = vu.scope;
    if (scope === undefined || !scope.isOpen) return Promise.resolve();
    let awaited = false;
    const done = new Promise<void>((resolve) => {
      const work = { cancel: () => realTime.clearTimeout(handle) };
      const handle = realTime.setTimeout(() => {
        resolve();
        scope.untrack(work);
      }, delayMs);
      scope.track(work);
    });
    realTime.setImmediate(() => {
      if (awaited) return;
      run.warnOnce(
        "sleep-not-awaited",
        `sleep(${String(seconds)}) was called without await (VU ${vu.idInInstance}). The Node runner cannot block a VU, so the code after it ran at once and only the end of the iteration waited. Write "await sleep(...)" (also valid under k6) where the pause matters.`,
      );
    });
    return {
      then(onFulfilled, onRejected) {
        awaited = true;
        return done.then(onFulfilled, onRejected);
      },
    };
  };

  const fail = (message?: unknown): never => {
    throw new Error(message === undefined ? "" : String(message));
  };

  const namespace = { check, fail, group, sleep };
  return { ...namespace, default: namespace };
}
