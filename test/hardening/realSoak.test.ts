/**
 * A few seconds of a real soak end to end (clients in their worker thread, drops and
 * resumes, the checker's verdict). Its own file because it runs on the wall clock (it
 * bounds how long a dropped client stays away): `npm run mutate` leaves it out, since under
 * Stryker's instrumentation that bound is a statement about the machine, not the code.
 */
import { describe, expect, test } from "vitest";
import { soakSummarySchema } from "../../protocol/resultSchemas.ts";
import { createRealClock } from "../../server/adapters/realClock.ts";
import { createRealScheduler } from "../../server/adapters/realScheduler.ts";
import { parseSoakArgs } from "../../load/soak/parseSoakArgs.ts";
import { runSoak } from "../../load/soak/runSoak.ts";

describe("a short real soak", () => {
  test("clients (the event client) in a worker, dropped and resumed every ~400 ms: every event delivered once, checker clean", { timeout: 60_000 }, async () => {
    const config = parseSoakArgs(["--seconds", "4", "--users", "6", "--connections", "18", "--drop-every-ms", "400", "--rate", "300", "--ack-delay-ms", "2000"], {});
    if (config.help) throw new Error("unexpected help");
    const summary = await runSoak(config, { clock: createRealClock(), scheduler: createRealScheduler() });
    expect(summary.kind).toBe("soak");
    expect(summary.clients.forcedDrops).toBeGreaterThan(18);
    expect(summary.clients.resumes).toBe(summary.clients.forcedDrops);
    expect(summary.goals.delivery).toMatchObject({ ok: true });
    expect(summary.goals.duplicates).toMatchObject({ ok: true });
    expect(summary.goals.gaps).toMatchObject({ ok: true });
    expect(summary.goals.isolation).toMatchObject({ ok: true });
    expect(summary.goals.order).toMatchObject({ ok: true });
    expect(Object.values(summary.clients.checker.violationsByClass).every((count) => count === 0)).toBe(true);
    expect(summary.goals.checker).toMatchObject({ ok: true });
    expect(summary.deliveryPercent).toBe(100);
    expect(summary.clients.eventsExpected).toBe(3 * summary.events.published);
    expect(summary.clients.awayMsMax).toBeLessThan(2_000);
    expect(summary.heap.samples.length).toBeGreaterThanOrEqual(2);
    expect(summary.clients.latencyMs.count).toBeGreaterThan(0);
    // What the CLI writes passes the results schema the report reads with (protocol/resultSchemas.ts).
    expect(soakSummarySchema.safeParse(summary).success).toBe(true);
  });
});
