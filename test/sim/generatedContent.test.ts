/**
 * Generated content: multi-byte text sized in UTF-8 bytes, scripts that open with a tool
 * or burst zero-duration steps, partials near a byte size, start_agent messages just
 * under the 64 KiB client frame bound, all deterministic per seed; and the shipped
 * unicode-payloads scenario drives them through the real manager.
 */
import { describe, expect, it } from "vitest";
import { CLIENT_FRAME_BYTES_MAX } from "../../protocol/limits.ts";
import { generateAgentScript } from "../../sim/content/generateAgentScript.ts";
import { utf8ByteLength } from "../../server/manager/utf8ByteLength.ts";
import { multiByteText } from "../../sim/content/multiByteText.ts";
import { createRandom } from "../../sim/core/createRandom.ts";
import { runSimulation } from "../../sim/runSimulation.ts";
import { loadScenario } from "../../sim/scenario/loadScenario.ts";

describe("multiByteText", () => {
  it("stays within its UTF-8 byte bounds, counts bytes as Node does, and mixes multi-byte scripts, emoji and combining marks", () => {
    const random = createRandom(7).fork("text");
    const texts = Array.from({ length: 300 }, (_, index) => {
      const bytesMax = 8 + index * 37;
      const bytesMin = index % 2 === 0 ? 1 : Math.floor(bytesMax * 0.95);
      const text = multiByteText(random, { bytesMin, bytesMax });
      expect(utf8ByteLength(text)).toBe(Buffer.byteLength(text, "utf8"));
      expect(utf8ByteLength(text)).toBeGreaterThanOrEqual(bytesMin);
      expect(utf8ByteLength(text)).toBeLessThanOrEqual(bytesMax);
      return text;
    });
    const all = texts.join("");
    expect(all).toMatch(/\p{Extended_Pictographic}/u);
    expect(all).toMatch(/\p{M}/u);
    expect(all).toMatch(/\p{Script=Han}/u);
    expect(all).toMatch(/\p{Script=Arabic}/u);
    expect(all).toContain("\u200d");
    expect([...all].some((character) => (character.codePointAt(0) as number) > 0xffff)).toBe(true);
  });
});

describe("generateAgentScript", () => {
  const scripts = Array.from({ length: 200 }, (_, index) => generateAgentScript(createRandom(index).fork("content"), { name: `g-${index}`, payloadBytesMax: 5_000 }));

  it("is deterministic per stream", () => {
    expect(generateAgentScript(createRandom(3).fork("content"), { name: "g", payloadBytesMax: 5_000 })).toEqual(
      generateAgentScript(createRandom(3).fork("content"), { name: "g", payloadBytesMax: 5_000 }),
    );
  });

  it("opens with a tool, bursts zero-duration steps, and sizes partials up to near the payload bound", () => {
    expect(scripts.filter((script) => script.steps[0]?.kind === "tool").length).toBeGreaterThan(50);
    const zeroDuration = (step: (typeof scripts)[number]["steps"][number]) => (step.kind === "think" ? step.durationMs === 0 : step.kind === "partial" && step.delayMs === 0);
    const bursts = scripts.filter((script) => script.steps.some((step, index) => index > 0 && zeroDuration(step) && zeroDuration(script.steps[index - 1] as typeof step)));
    expect(bursts.length).toBeGreaterThan(50);
    const partialBytes = scripts.flatMap((script) => script.steps.flatMap((step) => (step.kind === "partial" ? [utf8ByteLength(step.content)] : [])));
    expect(Math.max(...partialBytes)).toBeLessThanOrEqual(5_000);
    expect(partialBytes.filter((bytes) => bytes >= 4_750).length).toBeGreaterThan(20);
  });
});

describe("scenario unicode-payloads", () => {
  it("passes with start_agent frames just under 64 KiB and multi-byte events through slow consumers", () => {
    const scenario = loadScenario("scenarios/unicode-payloads.json");
    const startFrameBytes: number[] = [];
    const decisions = new Set<string>();
    for (let seed = 1; seed <= 12; seed += 1) {
      const result = runSimulation(scenario, {
        seed,
        onTraceLine: (line) => {
          const parsed = JSON.parse(line) as { kind: string; decision?: string; frame?: { type?: string } };
          if (parsed.kind === "send" && parsed.frame?.type === "start_agent") startFrameBytes.push(Buffer.byteLength(JSON.stringify(parsed.frame), "utf8"));
          if (parsed.kind === "decision" && parsed.decision !== undefined) decisions.add(parsed.decision);
        },
      });
      expect(result.outcome, `seed ${seed}`).toBe("pass");
      expect(result.totals.runsCompleted).toBe(result.totals.runsRequested);
    }
    expect(Math.min(...startFrameBytes)).toBeGreaterThan(64_000);
    expect(Math.max(...startFrameBytes)).toBeLessThanOrEqual(CLIENT_FRAME_BYTES_MAX);
    expect(decisions).not.toContain("frame_too_big");
    expect(decisions).toContain("slow_consumer");
  });
});
