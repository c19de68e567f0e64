/**
 * The GPU node pools a sizing asks for: one declaration that components/inference/node-groups.ts
 * builds (one EKS managed node group per pool) and the capacity formula (./capacity.ts) counts, so
 * the groups and the headroom the plan promises cannot drift.
 */
import type { CapacityType } from "./names";
import type { GpuSizing } from "./schema";

/**
 * `base`: the always-on on-demand nodes under a spot fleet (fixed size, never scaled);
 * `primary`: the group the cluster autoscaler scales first (`gpu.capacityType`);
 * `fallback`: the on-demand group it scales only while spot capacity cannot be had; it stands in for
 * the primary's nodes and adds no capacity of its own (./capacity.ts `gpusAtMax`).
 */
export const GPU_POOLS = ["base", "primary", "fallback"] as const;
export type GpuPool = (typeof GPU_POOLS)[number];

export interface GpuPoolShape {
  pool: GpuPool;
  capacityType: CapacityType;
  minNodes: number;
  maxNodes: number;
}

/** The on-demand base under a spot primary (0 when the primary is on demand itself: there is nothing to underpin). */
export function onDemandBaseNodes(gpu: Pick<GpuSizing, "capacityType" | "onDemandBaseNodes">): number {
  return gpu.capacityType === "SPOT" ? gpu.onDemandBaseNodes : 0;
}

/**
 * The pools of a GPU sizing, in the order the node groups are created. `gpu.minNodes`/`maxNodes` are
 * the fleet's: the base takes the first `onDemandBaseNodes` of both, the primary the rest, and the
 * fallback (min 0) can stand in for every primary node. Config validation (./rules.ts) keeps
 * base ≤ minNodes < maxNodes, so every pool has min ≤ max and a scalable primary has max ≥ 1.
 */
export function gpuPools(
  gpu: Pick<GpuSizing, "capacityType" | "minNodes" | "maxNodes" | "onDemandFallback" | "onDemandBaseNodes">,
): GpuPoolShape[] {
  const base = onDemandBaseNodes(gpu);
  const pools: GpuPoolShape[] = [];
  if (base > 0) pools.push({ pool: "base", capacityType: "ON_DEMAND", minNodes: base, maxNodes: base });
  pools.push({ pool: "primary", capacityType: gpu.capacityType, minNodes: gpu.minNodes - base, maxNodes: gpu.maxNodes - base });
  if (gpu.onDemandFallback && gpu.capacityType === "SPOT") {
    pools.push({ pool: "fallback", capacityType: "ON_DEMAND", minNodes: 0, maxNodes: gpu.maxNodes - base });
  }
  return pools;
}
