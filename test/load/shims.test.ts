import { describe, expect, test } from "vitest";
import { createRunLogger } from "../../load/runner/runLogger.ts";
import { createVuModules } from "../../load/runner/shims/vuModules.ts";
import { SUPPORTED_K6_MODULES, type SupportedK6Module } from "../../load/runner/supportedK6Modules.ts";
import { TestRun } from "../../load/runner/testRun.ts";
import { IterationScope } from "../../load/runner/vu/iterationScope.ts";
import { VirtualUser } from "../../load/runner/vu/virtualUser.ts";

function newVu() {
  const lines: string[] = [];
  const run = new TestRun({ bundlePath: "/nonexistent/bundle.js", env: {}, log: createRunLogger({ write: (line) => void lines.push(line), elapsedSeconds: () => 0 }) });
  const vu = new VirtualUser({ instanceKey: "test.1", idInInstance: 1, idInTest: 1, env: {} });
  return { run, vu, modules: createVuModules(vu, run), lines };
}

describe("SUPPORTED_K6_MODULES", () => {
  test("lists exactly what the shims export, module by module", () => {
    const { modules } = newVu();
    for (const [specifier, names] of Object.entries(SUPPORTED_K6_MODULES)) {
      const exports = modules.module(specifier as SupportedK6Module);
      expect(Object.keys(exports).sort(), specifier).toEqual([...names].sort());
      const namespace = exports["default"] as Record<string, unknown>;
      expect(Object.keys(namespace).sort(), `${specifier} default`).toEqual(names.filter((name) => name !== "default").sort());
    }
  });
});

describe("shims outside and inside an iteration", () => {
  test("init-context rules follow k6", () => {
    const { modules, vu } = newVu();
    const k6 = modules.module("k6") as { check: (value: unknown, sets: unknown) => boolean };
    const metrics = modules.module("k6/metrics") as { Counter: new (name: string) => { add: (value: number) => boolean } };
    const execution = modules.module("k6/execution") as { vu: { idInTest: number } };
    const counter = new metrics.Counter("declared_in_init");
    expect(() => k6.check(1, { ok: () => true })).toThrow("check() is not supported in the init context");
    expect(() => counter.add(1)).toThrow("Adding to metrics in the init context is not supported");
    expect(() => execution.vu.idInTest).toThrow("getting VU information in the init context is not supported");
    vu.initializing = false;
    expect(() => new metrics.Counter("too_late")).toThrow("metrics must be declared in the init context");
  });

  test("k6/execution refuses properties it does not implement, by name", () => {
    const { modules, vu } = newVu();
    vu.initializing = false;
    const execution = modules.module("k6/execution") as { vu: Record<string, unknown> };
    expect(execution.vu["idInInstance"]).toBe(1);
    expect(() => execution.vu["tags"]).toThrow("k6/execution: vu.tags is not implemented by the k6 Node runner");
  });

  test("k6/encoding decodes strictly, like Go", () => {
    const { modules } = newVu();
    const encoding = modules.module("k6/encoding") as { b64decode: (input: string, variant?: string, format?: string) => unknown };
    expect(encoding.b64decode("aGk=", "std", "s")).toBe("hi");
    expect(encoding.b64decode("aGk", "rawstd", "s")).toBe("hi");
    expect(() => encoding.b64decode("aGk", "std")).toThrow("illegal base64 data at input byte 3");
    expect(() => encoding.b64decode("a*Gk", "std")).toThrow("illegal base64 data at input byte 1");
    expect(encoding.b64decode("aGk=")).toBeInstanceOf(ArrayBuffer);
  });

  test("check() records into the checks rate and the group tree; a throwing condition counts as failed and rethrows", async () => {
    const { run, vu, modules } = newVu();
    vu.initializing = false;
    const k6 = modules.module("k6") as {
      check: (value: unknown, sets: Record<string, unknown>) => boolean;
      group: (name: string, body: () => unknown) => unknown;
    };
    const outcome = await vu.runScoped(() => {
      expect(k6.group("outer", () => k6.check(2, { even: (value: number) => value % 2 === 0, big: (value: number) => value > 5 }))).toBe(false);
      k6.check(null, { boom: () => { throw new Error("condition blew up"); } });
    });
    expect((outcome.failure?.error as Error).message).toBe("condition blew up");
    const checks = run.builtin.checks.sink;
    expect(checks.kind === "rate" && [checks.passes, checks.total]).toEqual([1, 3]);
    expect(run.groups.root.groups[0]?.checks.map(({ name, passes, fails }) => [name, passes, fails])).toEqual([["even", 1, 0], ["big", 0, 1]]);
    expect(run.groups.root.checks.map(({ name, fails }) => [name, fails])).toEqual([["boom", 1]]);
  });
});

describe("IterationScope", () => {
  test("ends when the function settled and every tracked work is done, not before", async () => {
    const scope = new IterationScope();
    const work = { cancel: () => undefined };
    let resolveFunction: (value: string) => void = () => undefined;
    scope.start(() => {
      scope.track(work);
      return new Promise<string>((resolve) => {
        resolveFunction = resolve;
      });
    });
    let ended = false;
    void scope.finished.then(() => {
      ended = true;
    });
    resolveFunction("value");
    await new Promise((resolve) => setImmediate(resolve));
    expect(ended).toBe(false);
    scope.untrack(work);
    expect(await scope.finished).toEqual({ failure: undefined, interrupted: false, value: "value" });
  });

  test("a promise nothing can settle any more ends the scope, as k6's event loop does", async () => {
    const scope = new IterationScope();
    scope.start(() => new Promise(() => undefined));
    expect(await scope.finished).toEqual({ failure: undefined, interrupted: false, value: undefined });
  });

  test("a throwing callback fails the scope and cancels pending work; later callbacks are dropped", async () => {
    const scope = new IterationScope();
    let cancelled = 0;
    scope.start(() => {
      scope.track({ cancel: () => void (cancelled += 1) });
    });
    scope.invoke(() => {
      throw new Error("listener failed");
    });
    let lateRan = false;
    scope.invoke(() => {
      lateRan = true;
    });
    const outcome = await scope.finished;
    expect((outcome.failure?.error as Error).message).toBe("listener failed");
    expect(cancelled).toBe(1);
    expect(lateRan).toBe(false);
  });
});
