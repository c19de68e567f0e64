/**
 * Capacity at max scale, read from the rendered scaling targets, KEDA ScaledObject and node groups,
 * covers each tier's modeled peak with the required headroom, for every shipped stack × tier.
 */
import { describe, expect, it } from "vitest";
import { checkCapacity } from "../../src/plan/capacity";
import { capacityAtMax, checkHeadroom, gpusAtMax, LOAD_MODEL, sizingScaleAtMax, tierLoad } from "../../sizing";
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

  it("counts the same GPUs and the same verdict as config validation (one gpusAtMax, one checkHeadroom)", async () => {
    const g = await rendered(stack, tier);
    const c = checkCapacity(g, g.config.sizing, tier, g.config.gpuType);
    const atMax = capacityAtMax(sizingScaleAtMax(g.config.sizing, g.config.gpuType), g.config.sizing, g.config.gpuType);
    expect(c.maxInferencePerSec).toBeCloseTo(atMax.maxInferencePerSec, 2);
    const h = checkHeadroom(atMax, tierLoad(tier));
    expect(c.ok).toBe(h.apiOk && h.inferenceOk && h.jobsOk);
  });
});

describe("GPUs at max", () => {
  it("counts every pool but the on-demand fallback, which only stands in for spot", () => {
    expect(
      gpusAtMax([
        { maxNodes: 3, instanceType: "g6.12xlarge", fallback: false },
        { maxNodes: 3, instanceType: "g6.12xlarge", fallback: true },
      ]),
    ).toBe(12);
  });

  it("is the same whether or not a spot sizing has the fallback pool", () => {
    const priority = { maxTasks: 1 };
    const s = { gateway: { maxTasks: 2, cpu: 1024 }, triton: { maxReplicas: 100 }, workers: { concurrency: 1, shared: false, priorities: { free: priority, paid: priority, sprint: priority } } };
    const gpu = (onDemandFallback: boolean, onDemandBaseNodes: number) => ({
      capacityType: "SPOT",
      minNodes: 2,
      maxNodes: 4,
      onDemandBaseNodes,
      onDemandFallback,
      instanceTypes: { l4: ["g6.xlarge"], a10g: ["g5.xlarge"] },
    });
    const scale = (fallback: boolean, base = 0) => sizingScaleAtMax({ ...s, gpu: gpu(fallback, base) } as never, "l4").gpusAtMax;
    expect(scale(true)).toBe(4);
    expect(scale(false)).toBe(4);
    // An on-demand base takes its nodes out of the spot group's maximum, not on top of it.
    expect(scale(true, 2)).toBe(4);
    expect(scale(false, 2)).toBe(4);
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
