/**
 * Environment adjustments and the merge that settles one stack's sizing: the tier table, then the
 * environment's adjustments, then the stack's `overrides`.
 */
import type { Environment, Tier } from "./names";
import type { Sizing } from "./schema";
import { TIERS } from "./table";

// ---------------------------------------------------------------------------------------------
// Environment adjustments. Prod is the table as written; dev keeps the shape (every component
// exists, so dev exercises the same code) and gives up durability for price. Dev keeps the tier's
// budget: there it guards against runaway spend (a GPU node stuck up), and the fixed floor of the
// design (EKS, NAT, two load balancers) leaves no room for a smaller one at 1k.
// ---------------------------------------------------------------------------------------------

/** A recursive partial of {@link Sizing}: what overrides and adjustments are made of. */
export type DeepPartial<T> = T extends (infer U)[]
  ? U[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

export const ENVIRONMENT_ADJUSTMENTS: Record<Environment, (tier: Tier) => DeepPartial<Sizing>> = {
  prod: () => ({}),
  dev: (tier) => ({
    network: { natGateways: "single" },
    safety: {
      deletionProtection: false,
      finalSnapshot: false,
      forceDestroyBuckets: true,
      waf: false,
      flowLogs: false,
      accessLogs: false,
      containerInsights: false,
    },
    observability: { logRetentionDays: 7 },
    gateway: { minTasks: 1, spot: true },
    workers: {
      priorities: {
        free: { minTasks: 0, spot: true },
        paid: { minTasks: 0, spot: true },
        sprint: { minTasks: 0, spot: true },
      },
    },
    systemNodes: { capacityType: "SPOT", minNodes: 1, desiredNodes: 1 },
    gpu: { capacityType: "SPOT", minNodes: 0, onDemandBaseNodes: 0, onDemandFallback: false },
    triton: { minReplicas: 0 },
    database: {
      multiAz: false,
      readReplicas: 0,
      backupRetentionDays: 1,
      performanceInsights: false,
      monitoringIntervalSeconds: 0,
    },
    // Dev keeps the tier's node type so a tier switch in dev still exercises resizing.
    cache: { nodes: 1, snapshotRetentionDays: 0 },
    usage: { gpuActiveHoursPerDay: tier === "1k" ? 2 : 8, gpuAverageExtraNodes: 1 },
  }),
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Merges `patch` into `base`; arrays and scalars in the patch replace, objects merge. */
export function deepMerge<T>(base: T, patch: DeepPartial<T> | undefined): T {
  if (patch === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    out[k] = deepMerge((base as Record<string, unknown>)[k], v as never);
  }
  return out as T;
}

function deepFreeze<T>(o: T): T {
  if (typeof o === "object" && o !== null) {
    Object.values(o).forEach(deepFreeze);
    Object.freeze(o);
  }
  return o;
}

/** The settled sizing for one stack: tier table, then environment adjustments, then overrides. */
export function resolveSizing(tier: Tier, env: Environment, overrides?: DeepPartial<Sizing>): Sizing {
  const adjusted = deepMerge(TIERS[tier], ENVIRONMENT_ADJUSTMENTS[env](tier));
  return deepFreeze(deepMerge(structuredClone(adjusted), overrides));
}