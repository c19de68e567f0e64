/**
 * Capacity at max scale, read from the rendered scaling targets, KEDA ScaledObject and node groups,
 * covers each tier's modeled peak with the required headroom, for every shipped stack × tier.
 */
import { describe, expect, it } from "vitest";
import { checkCapacity } from "../../src/plan/capacity";
import { LOAD_MODEL, tierLoad } from "../../sizing";
import { rendered, stackTierMatrix } from "../support/graph";

describe.each(stackTierMatrix())("capacity of $stack at $tier", ({ stack, tier }) => {
  it("covers peak API and inference load at least twice, read from the graph", async () => {
    const g = await rendered(stack, tier);
    const c = checkCapacity(g, g.config.sizing, tier, g.config.gpuType);
    expect(c.peakApiRps).toBeCloseTo(tierLoad(tier).peakApiRps, 1);
    expect(c.apiHeadroom).toBeGreaterThanOrEqual(LOAD_MODEL.requiredHeadroom);
    expect(c.inferenceHeadroom).toBeGreaterThanOrEqual(LOAD_MODEL.requiredHeadroom);
    // The maxima come from the resources: the gateway's scaling target and the GPU autoscaler.
    const target = g.resources.find((r) => r.type === "aws:appautoscaling/target:Target" && String(r.inputs.resourceId).includes("gateway"));
    expect(target).toBeDefined();
    expect(c.maxApiRps).toBeCloseTo(Number(target!.inputs.maxCapacity) * (g.config.sizing.gateway.cpu / 1024) * g.config.sizing.capacity.gatewayRpsPerVcpu, 1);
  });

  it("covers the peak job rate at least twice", async () => {
    const g = await rendered(stack, tier);
    const c = checkCapacity(g, g.config.sizing, tier, g.config.gpuType);
    expect(c.jobsHeadroom).toBeGreaterThanOrEqual(LOAD_MODEL.requiredHeadroom);
    expect(c.ok).toBe(true);
  });
});

describe("capacity of a graph without services", () => {
  it("is zero and not ok, with notes saying what is missing", () => {
    const c = checkCapacity({ resources: [] }, { capacity: { gatewayRpsPerVcpu: 50, inferencesPerSecPerGpu: { l4: 20, a10g: 24 } }, usage: { averageJobSeconds: 30 } as never }, "1k", "l4");
    expect(c.maxApiRps).toBe(0);
    expect(c.ok).toBe(false);
    expect(c.notes.join("\n")).toMatch(/no load-balanced ECS service/);
  });
});
