/**
 * The weakening table: every sizing or config knob that lowers a prod promise, by the named
 * acknowledgement that allows it (the `acknowledge` key). Config validation (src/config) applies it;
 * policy/acknowledgements.ts maps each name to the policy rules it may downgrade, and policy/readme.ts
 * renders both. Only sizing types and defaults are needed here, so it lives on the sizing floor.
 */
import { DEFAULTS } from "./constants";
import { onDemandBaseNodes } from "./gpu-pools";
import { PRIORITIES } from "./names";
import type { Sizing } from "./schema";

/** What a weakening rule sees: the settled sizing, the tier's prod table, and the non-sizing keys. */
export interface WeakeningContext {
  sizing: Sizing;
  /** The tier's prod sizing as the table writes it: "lower than the table" is a weakening. */
  table: Sizing;
  /** `eksPublicAccessCidrs` covers the internet (judged by config with policy/cidr.ts's coverage check). */
  eksPublicEndpointOpen: boolean;
  corsAllowedOrigins: string[];
  /** The stack name says prod but `environment` says dev. */
  prodNamedAsDev: boolean;
}

/** The first of several paths that is weak (named in the refusal), or false. */
const firstWeak = (checks: [path: string, weak: boolean][]): string | false => checks.find(([, weak]) => weak)?.[0] ?? false;

/**
 * The settings `prod-spot-capacity` covers, each with its test "spot (or less on-demand) where the
 * table is not", in the order a refusal names the first weak one.
 */
const SPOT_CHECKS: [path: string, weak: (s: Sizing, t: Sizing) => boolean][] = [
  ["gateway.spot", (s, t) => s.gateway.spot && !t.gateway.spot],
  ["gpu.capacityType", (s, t) => s.gpu.capacityType === "SPOT" && t.gpu.capacityType !== "SPOT"],
  ["systemNodes.capacityType", (s, t) => s.systemNodes.capacityType === "SPOT" && t.systemNodes.capacityType !== "SPOT"],
  ["gpu.onDemandFallback", (s, t) => !s.gpu.onDemandFallback && t.gpu.onDemandFallback && s.gpu.capacityType === "SPOT"],
  ["gpu.onDemandBaseNodes", (s, t) => onDemandBaseNodes(s.gpu) < onDemandBaseNodes(t.gpu) && s.gpu.capacityType === "SPOT"],
  ...PRIORITIES.map((p): [string, (s: Sizing, t: Sizing) => boolean] => [`workers.priorities.${p}.spot`, (s, t) => s.workers.priorities[p].spot && !t.workers.priorities[p].spot]),
];

/** The paths `prod-spot-capacity` covers (the acknowledgement table in docs/security.md lists them). */
export const SPOT_CAPACITY_PATHS = SPOT_CHECKS.map(([path]) => path);

const spotWhereTableIsNot = ({ sizing, table }: WeakeningContext): string | false =>
  firstWeak(SPOT_CHECKS.map(([path, weak]) => [path, weak(sizing, table)]));

/**
 * Every knob that lowers a prod promise, by the acknowledgement that allows it. In prod (by
 * `environment` or by stack name) a weak value without its acknowledgement in `acknowledge` is refused;
 * with it, it is a warning, and the stack's provider stamps the tag `guardrails:acknowledged:<name>` on
 * every resource so the policy pack downgrades exactly the matching rules (policy/acknowledgements.ts)
 * to an advisory "acknowledged" finding instead of blocking what config accepted. "Weak" is measured
 * against the tier's prod table where the table has a value (1k's prod table has one NAT gateway and
 * one cache node by design; 10k's does not).
 */
export const WEAKENING_ACKNOWLEDGEMENTS = {
  "prod-as-dev": { path: "environment", weak: (c: WeakeningContext) => c.prodNamedAsDev },
  "prod-without-deletion-protection": { path: "safety.deletionProtection", weak: (c: WeakeningContext) => !c.sizing.safety.deletionProtection },
  "prod-without-final-snapshot": { path: "safety.finalSnapshot", weak: (c: WeakeningContext) => !c.sizing.safety.finalSnapshot },
  "prod-force-destroy-buckets": { path: "safety.forceDestroyBuckets", weak: (c: WeakeningContext) => c.sizing.safety.forceDestroyBuckets },
  "prod-without-waf": { path: "safety.waf", weak: (c: WeakeningContext) => !c.sizing.safety.waf },
  "prod-without-flow-logs": { path: "safety.flowLogs", weak: (c: WeakeningContext) => !c.sizing.safety.flowLogs },
  "prod-without-access-logs": { path: "safety.accessLogs", weak: (c: WeakeningContext) => !c.sizing.safety.accessLogs },

  // The promise is Multi-AZ data stores from 10k up; the 1k prod table runs single-AZ on purpose (point-in-time
  // restore keeps RPO 1 h / RTO 4 h there: docs/data-layer.md "Backup and restore"), so "weak" is below the table.
  "prod-single-az-database": { path: "database.multiAz", weak: (c: WeakeningContext) => !c.sizing.database.multiAz && c.table.database.multiAz },
  "prod-short-backups": {
    path: "database.backupRetentionDays",
    weak: (c: WeakeningContext) => c.sizing.database.backupRetentionDays < DEFAULTS.prodMinimumBackupDays,
  },
  "prod-fewer-read-replicas": {
    path: "database.readReplicas",
    weak: (c: WeakeningContext) => c.sizing.database.readReplicas < c.table.database.readReplicas,
  },
  "prod-reduced-database-monitoring": {
    path: "database.performanceInsights",
    weak: (c: WeakeningContext) =>
      firstWeak([
        ["database.performanceInsights", !c.sizing.database.performanceInsights && c.table.database.performanceInsights],
        ["database.monitoringIntervalSeconds", c.sizing.database.monitoringIntervalSeconds === 0 && c.table.database.monitoringIntervalSeconds > 0],
      ]),
  },
  "prod-single-nat": {
    path: "network.natGateways",
    weak: (c: WeakeningContext) => c.sizing.network.natGateways === "single" && c.table.network.natGateways === "perAz",
  },
  "prod-fewer-availability-zones": {
    path: "network.availabilityZones",
    weak: (c: WeakeningContext) => c.sizing.network.availabilityZones < c.table.network.availabilityZones,
  },
  "prod-spot-capacity": { path: SPOT_CAPACITY_PATHS[0], also: SPOT_CAPACITY_PATHS.slice(1), weak: spotWhereTableIsNot },
  "prod-reduced-min-capacity": {
    path: "gateway.minTasks",
    weak: (c: WeakeningContext) =>
      firstWeak([
        ["gateway.minTasks", c.sizing.gateway.minTasks < c.table.gateway.minTasks],
        ["systemNodes.minNodes", c.sizing.systemNodes.minNodes < c.table.systemNodes.minNodes],
        ["triton.minReplicas", c.sizing.triton.minReplicas < c.table.triton.minReplicas],
      ]),
  },
  "prod-short-log-retention": {
    path: "observability.logRetentionDays",
    weak: (c: WeakeningContext) => c.sizing.observability.logRetentionDays < c.table.observability.logRetentionDays,
  },
  "prod-single-cache-node": { path: "cache.nodes", weak: (c: WeakeningContext) => c.sizing.cache.nodes < c.table.cache.nodes },
  "prod-short-cache-snapshots": {
    path: "cache.snapshotRetentionDays",
    weak: (c: WeakeningContext) => c.sizing.cache.snapshotRetentionDays < c.table.cache.snapshotRetentionDays,
  },
  "prod-raised-waf-rate-limit": {
    path: "gateway.wafRateLimitPer5Min",
    weak: (c: WeakeningContext) => c.sizing.gateway.wafRateLimitPer5Min > c.table.gateway.wafRateLimitPer5Min,
  },
  "prod-public-eks-endpoint": {
    path: "eksPublicAccessCidrs",
    // Coverage, not a string compare: 0.0.0.0/1 + 128.0.0.0/1 is as open as 0.0.0.0/0 (policy/cidr.ts).
    weak: (c: WeakeningContext) => c.eksPublicEndpointOpen,
  },
  "prod-wildcard-cors": {
    path: "corsAllowedOrigins",
    // S3 CORS accepts one `*` per origin (`*`, `https://*.example.com`); plain http origins are as weak.
    weak: (c: WeakeningContext) => c.corsAllowedOrigins.some((o) => o.includes("*") || o.startsWith("http://")),
  },
} as const satisfies Record<string, { path: string; also?: readonly string[]; weak: (c: WeakeningContext) => boolean | string }>;
/** The acknowledgement names config accepts; policy/acknowledgements.ts lists the rules of each. */
export type Acknowledgement = keyof typeof WEAKENING_ACKNOWLEDGEMENTS;
export const WEAKENING_NAMES = Object.keys(WEAKENING_ACKNOWLEDGEMENTS) as [Acknowledgement, ...Acknowledgement[]];
