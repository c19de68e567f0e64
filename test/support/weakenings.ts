/** Shared by the config and policy tests: one config that trips each prod acknowledgement. */
import type { WEAKENING_ACKNOWLEDGEMENTS } from "../../src/config";

const o = (v: unknown) => JSON.stringify(v);

/** An override that weakens the guarded setting, per acknowledgement (on the prod stack, tier 10k unless set). */
export const WEAKENING: Record<keyof typeof WEAKENING_ACKNOWLEDGEMENTS, Record<string, string>> = {
  "prod-as-dev": { environment: "dev" },
  "prod-without-deletion-protection": { overrides: o({ safety: { deletionProtection: false } }) },
  "prod-without-final-snapshot": { overrides: o({ safety: { finalSnapshot: false } }) },
  "prod-force-destroy-buckets": { overrides: o({ safety: { forceDestroyBuckets: true } }) },
  "prod-without-waf": { overrides: o({ safety: { waf: false } }) },
  "prod-without-flow-logs": { overrides: o({ safety: { flowLogs: false } }) },
  "prod-without-access-logs": { overrides: o({ safety: { accessLogs: false } }) },
  "prod-single-az-database": { overrides: o({ database: { multiAz: false } }) },
  "prod-short-backups": { overrides: o({ database: { backupRetentionDays: 3 } }) },
  "prod-fewer-read-replicas": { tier: "100k", overrides: o({ database: { readReplicas: 0 } }) },
  "prod-reduced-database-monitoring": { overrides: o({ database: { performanceInsights: false } }) },
  "prod-single-nat": { overrides: o({ network: { natGateways: "single" } }) },
  "prod-fewer-availability-zones": { tier: "100k", overrides: o({ network: { availabilityZones: 2 } }) },
  // Spot gateway tasks, and spot GPU nodes with no on-demand fallback (eks-spot-gpu-on-demand-fallback).
  "prod-spot-capacity": { overrides: o({ gateway: { spot: true }, gpu: { onDemandFallback: false } }) },
  "prod-reduced-min-capacity": { overrides: o({ gateway: { minTasks: 1 } }) },
  "prod-short-log-retention": { overrides: o({ observability: { logRetentionDays: 30 } }) },
  "prod-single-cache-node": { overrides: o({ cache: { nodes: 1 } }) },
  "prod-short-cache-snapshots": { overrides: o({ cache: { snapshotRetentionDays: 1 } }) },
  "prod-raised-waf-rate-limit": { overrides: o({ gateway: { wafRateLimitPer5Min: 100_000 } }) },
  "prod-public-eks-endpoint": { eksPublicAccessCidrs: o(["0.0.0.0/1", "128.0.0.0/1"]) },
  "prod-wildcard-cors": { corsAllowedOrigins: o(["https://*.example.com"]) },
};

