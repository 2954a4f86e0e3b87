import { describe, expect, it } from "vitest";
import { createRandom, type SimRandom } from "../../sim/core/createRandom.ts";
import { createSimIdSource } from "../../sim/core/createSimIdSource.ts";
import { SimAssertionError } from "../../sim/core/SimAssertionError.ts";

function draws(random: SimRandom, count: number): number[] {
  return Array.from({ length: count }, () => random.integer(0, 1_000_000));
}

describe("createRandom", () => {
  it("gives the same sequence for the same seed and a different one for another seed", () => {
    expect(draws(createRandom(42), 50)).toEqual(draws(createRandom(42), 50));
    expect(draws(createRandom(42), 50)).not.toEqual(draws(createRandom(43), 50));
    expect(draws(createRandom(2 ** 40 + 1), 50)).not.toEqual(draws(createRandom(1), 50));
  });

  it("forks are independent: extra draws in one fork or in the parent never shift another fork", () => {
    const quiet = createRandom(7);
    const quietB = quiet.fork("b");
    const baseline = draws(quietB, 100);

    const busy = createRandom(7);
    draws(busy, 13);
    const busyA = busy.fork("a");
    draws(busyA, 1000);
    const busyB = busy.fork("b");
    draws(busyA, 1000);
    expect(draws(busyB, 100)).toEqual(baseline);
  });

  it("forks depend on the seed and the whole name path", () => {
    const root = createRandom(7);
    const network = root.fork("network");
    const agents = root.fork("agents");
    const nested = agents.fork("network");
    expect(nested.path).toBe("agents/network");
    expect(network.path).toBe("network");
    const sequences = [draws(network, 20), draws(agents, 20), draws(nested, 20), draws(createRandom(8).fork("network"), 20)];
    for (let left = 0; left < sequences.length; left += 1) {
      for (let right = left + 1; right < sequences.length; right += 1) expect(sequences[left]).not.toEqual(sequences[right]);
    }
    expect(draws(createRandom(7).fork("agents").fork("network"), 20)).toEqual(sequences[2]);
  });

  it("asserts on a fork name used twice or containing the separator", () => {
    const root = createRandom(1);
    root.fork("x");
    expect(() => root.fork("x")).toThrow(SimAssertionError);
    expect(() => root.fork("a/b")).toThrow(SimAssertionError);
    expect(() => root.fork("")).toThrow(SimAssertionError);
  });

  it("integer stays within bounds and reaches both ends", () => {
    const random = createRandom(3);
    const seen = new Set<number>();
    for (let index = 0; index < 2000; index += 1) {
      const value = random.integer(-3, 3);
      expect(value).toBeGreaterThanOrEqual(-3);
      expect(value).toBeLessThanOrEqual(3);
      seen.add(value);
    }
    expect(seen.size).toBe(7);
    expect(random.integer(5, 5)).toBe(5);
    expect(() => random.integer(2, 1)).toThrow(SimAssertionError);
    expect(() => random.integer(0.5, 1)).toThrow(SimAssertionError);
  });

  it("chance takes integer ratios", () => {
    const random = createRandom(11);
    let hits = 0;
    for (let index = 0; index < 10_000; index += 1) if (random.chance(1, 4)) hits += 1;
    expect(hits).toBeGreaterThan(2300);
    expect(hits).toBeLessThan(2700);
    for (let index = 0; index < 100; index += 1) {
      expect(random.chance(0, 10)).toBe(false);
      expect(random.chance(10, 10)).toBe(true);
    }
    expect(() => random.chance(0.25, 1)).toThrow(SimAssertionError);
    expect(() => random.chance(2, 1)).toThrow(SimAssertionError);
    expect(() => random.chance(0, 0)).toThrow(SimAssertionError);
  });

  it("pick and shuffle draw from the array without changing it", () => {
    const random = createRandom(5);
    const items = Object.freeze(["a", "b", "c", "d", "e"]);
    expect(items).toContain(random.pick(items));
    const shuffled = random.shuffle(items);
    expect([...shuffled].sort()).toEqual([...items]);
    expect(items).toEqual(["a", "b", "c", "d", "e"]);
    expect(() => random.pick([])).toThrow(SimAssertionError);
    expect(createRandom(5).shuffle(items)).toEqual(createRandom(5).shuffle(items));
  });

  it("id makes a short deterministic id", () => {
    const id = createRandom(9).id("c-");
    expect(id).toMatch(/^c-[0-9a-f]{6}$/);
    expect(createRandom(9).id("c-")).toBe(id);
  });
});

describe("createSimIdSource", () => {
  it("is deterministic per seed", () => {
    const first = createSimIdSource(createRandom(1).fork("ids"));
    const second = createSimIdSource(createRandom(1).fork("ids"));
    const prefixes = ["c-", "e-", "r-", "x-", "c-"];
    expect(prefixes.map((prefix) => first.next(prefix))).toEqual(prefixes.map((prefix) => second.next(prefix)));
  });

  it("never returns the same id twice, even when the draws collide", () => {
    const stuck = Object.create(createRandom(1)) as SimRandom;
    stuck.id = (prefix: string) => `${prefix}000000`;
    const ids = createSimIdSource(stuck);
    expect([ids.next("x-"), ids.next("x-"), ids.next("x-")]).toEqual(["x-000000", "x-000000-2", "x-000000-3"]);

    const real = createSimIdSource(createRandom(2).fork("ids"));
    const issued = Array.from({ length: 20_000 }, () => real.next("r-"));
    expect(new Set(issued).size).toBe(issued.length);
  });

  it("asserts past idsMax", () => {
    const ids = createSimIdSource(createRandom(1), { idsMax: 2 });
    ids.next("a-");
    ids.next("a-");
    expect(() => ids.next("a-")).toThrow(SimAssertionError);
  });
});
