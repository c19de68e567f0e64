/**
 * The README's alarm table, rendered from the alarm specs of components/observability for every tier
 * (test/components/observability.test.ts checks the README holds exactly this text). It lives with
 * the other generated documentation, not in the component, because it reads the whole tier table.
 */
import { alarmSpecs, type AlarmSpec, BYTES_PER_GIB, type ObservedResources } from "../../components/observability/alarms";
import { PRIORITIES, type Sizing, TIER_NAMES, TIERS } from "../../sizing";

/** Example resources with every section present (one replica, two cache nodes, both node groups). */
export const EXAMPLE_OBSERVED: ObservedResources = {
  loadBalancer: { arnSuffix: "app/platform/0123", targetGroupArnSuffix: "targetgroup/gateway/0123" },
  services: [
    { role: "gateway", serviceName: "gateway", clusterName: "platform" },
    ...PRIORITIES.map((p) => ({ role: `worker-${p}` as const, serviceName: `worker-${p}`, clusterName: "platform" })),
  ],
  queues: PRIORITIES.map((priority) => ({ priority, name: `jobs-${priority}`, dlqName: `jobs-${priority}-dlq` })),
  database: { writerInstanceId: "db", replicaInstanceIds: ["db-replica-1"] },
  cache: { replicationGroupId: "cache", nodeCount: 1 },
  inference: {
    clusterName: "platform",
    metricsNamespace: "ContainerInsights/Prometheus",
    nodeGroups: [
      { role: "system", autoScalingGroupName: "system" },
      { role: "gpu", autoScalingGroupName: "gpu" },
    ],
  },
};

function metricLabel(spec: AlarmSpec): string {
  const names = Object.values(spec.metrics).map((m) => `${String(m.metricName)} (${m.stat})`);
  return spec.expression ? `\`${spec.expression}\` where ${names.map((n, i) => `m${i + 1} = ${n}`).join(", ")}` : names[0];
}

function formatThreshold(spec: AlarmSpec): string {
  return spec.unit === "bytes" ? `${spec.threshold / BYTES_PER_GIB} GiB` : `${spec.threshold}${spec.unit === "count" ? "" : ` ${spec.unit}`}`;
}

/**
 * The README's alarm table: one row per kind of alarm (per-queue, per-node and per-instance alarms
 * collapse to a `<priority>` / `node-<n>` / `<instance>` placeholder), thresholds per tier.
 */
export function alarmTableMarkdown(tiers: Record<string, Sizing> = TIERS): string {
  const perTier = TIER_NAMES.map((t) => alarmSpecs(EXAMPLE_OBSERVED, tiers[t].observability));
  const generic = (what: string) =>
    what
      .replace(new RegExp(`^(${PRIORITIES.join("|")})-`), "<priority>-")
      .replace(/^node-\d+-/, "node-<n>-")
      .replace(/^replica-\d+-replica-lag$/, "replica-<n>-replica-lag")
      .replace(/^(writer|replica-\d+)-/, "<instance>-")
      .replace(/^(system|gpu)-nodes-/, "<group>-nodes-");
  const rows = new Map<string, string>();
  perTier[0].forEach((spec, i) => {
    const key = `${spec.component}-${generic(spec.what)}`;
    if (rows.has(key)) return;
    const op = spec.comparison === "GreaterThanThreshold" ? ">" : "<";
    const thresholds = perTier.map((specs) => `${op} ${formatThreshold(specs[i])}`).join(" | ");
    const source = spec.thresholdSource.includes(" ") ? spec.thresholdSource : `\`${spec.thresholdSource}\``;
    rows.set(
      key,
      `| \`${spec.component}-${generic(spec.what)}\` | ${metricLabel(spec)} | ${thresholds} | ${source} | ${spec.window} | \`${spec.treatMissingData}\` |`,
    );
  });
  return [
    `| alarm (\`<project>-<stack>-…\`) | metric | ${TIER_NAMES.join(" | ")} | threshold from | window | missing data |`,
    `|---|---|${TIER_NAMES.map(() => "---").join("|")}|---|---|---|`,
    ...rows.values(),
  ].join("\n");
}
